"""/forms/contacts/: a member's 三联系 on the phone. Progress against this year's quotas, the
member's pairings, their entries, and 「记一次联系」 (new, edit, delete).

Whose page it is comes from rules.member_of(user) alone; an entry is fetched through
rules.activities_visible_to and changed only where rules.may_change allows (anything else is a
404). Every write is one call to contacts/rules.py (save_entry, delete_entry); its refusal is
shown beside the field it names, keeping what was typed. The pages are never cached: they hold
the names of the public a member met."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from lianxin_site.dates import this_year
from lianxin_site.refusals import refused as shared_refused
from people.models import ChairRole, Member

from . import rules as contacts_rules
from . import stats
from .forms import ContactForm, initial_for, target_choices
from .models import ContactActivity, Pairing, PairingKind, Source, half_of

NOT_A_MEMBER = "只有委员本人可以记录“三联系”：这个账号没有对应的委员。如有疑问，请联系委员联络室。"
OFFICE_ACCOUNT = "这是工作室的账号，不是委员本人的账号：请在管理后台的“三联系”菜单中查看落实情况、录入或导入联系记录。"

# How each pairing reads from the member's side: (from me, to me), in the committee's words.
PAIRING_WORDS = {
    PairingKind.CHAIR: ("我联系的常委", "联系我的主席会议成员"),
    PairingKind.STANDING: ("我联系的委员", "联系我的常委"),
    PairingKind.MENTOR: ("我传帮带的青年委员", "传帮带我的委员"),
}


def refused(request, reason):
    back = (
        [(reverse("contacts_dashboard"), "进入管理后台 › 三联系")]
        if request.user.has_perm("wagtailadmin.access_admin")
        else []
    )
    return shared_refused(request, reason, back=back)


def member_page(view):
    """login_required, never cached, and only for an account whose Profile names a member; the
    view gets that member as its second argument."""

    @login_required
    @never_cache
    def wrapped(request, *args, **kwargs):
        member = contacts_rules.member_of(request.user)
        if member is None:
            office = request.user.has_perm(contacts_rules.VIEW) or request.user.has_perm(contacts_rules.VIEW_ALL)
            return refused(request, OFFICE_ACCOUNT if office else NOT_A_MEMBER)
        return view(request, member, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def my_entries(user, member):
    """The member's own entries (as a maker), through the one scope rule."""
    return contacts_rules.activities_visible_to(user).filter(makers=member)


def my_entry(user, member, pk):
    """One of the member's entries that they may change, else 404 (another member's entry, an
    office's, or none)."""
    activity = my_entries(user, member).filter(pk=pk).first()
    if activity is None or not contacts_rules.may_change(user, activity):
        raise Http404("没有这条联系记录。")
    return activity


def paired_members(member, year, activity=None):
    """The members paired with `member` in `year`, either way (and, editing, those the entry names)."""
    paired = Q(pairings_received__year=year, pairings_received__from_member=member) | Q(
        pairings_made__year=year, pairings_made__to_member=member
    )
    if activity is not None:
        paired |= Q(pk__in=activity.contacted_members.values("pk"))
    return Member.objects.filter(pk__in=Member.objects.filter(paired).values("pk")).order_by("code")


def pairing_groups(member, year):
    """[(words, kind label, [(name, left roster)])] for the member's pairings this year."""
    pairs = Pairing.objects.filter(year=year).filter(Q(from_member=member) | Q(to_member=member))
    groups = {}
    for pair in pairs.order_by("kind", "from_code", "to_code"):
        mine = pair.from_member_id == member.pk
        words = PAIRING_WORDS[pair.kind][0 if mine else 1]
        name, gone = (
            (pair.to_name, pair.to_member_id is None) if mine else (pair.from_name, pair.from_member_id is None)
        )
        groups.setdefault((words, pair.get_kind_display()), []).append((name, gone))
    return [(words, kind, names) for (words, kind), names in groups.items()]


def progress(member, year, today):
    """Each quota this year as {label, have, need, met, left}, from stats.member_counts and the
    rules' quotas (met = not among stats.shortfalls); a 常委's 集体座谈会 per half and a 主席会议
    成员's 走访 of 常委 this month besides."""
    counts = stats.member_counts(member, year)
    quota = contacts_rules.quota_for(year)
    short = {label for label, _have, _need in stats.shortfalls(counts, quota)}
    rows = [("联系活动", counts.activities, quota.activities_per_member)]
    for category, attribute in stats.QUOTA_CATEGORIES:
        rows.append((category.label, counts.of(category), getattr(quota, attribute)))
    quotas = [tile(label, have, need, label not in short) for label, have, need in rows]
    extra = []
    if member.is_standing:
        for half, label in ((0, "上半年集体座谈会"), (1, "下半年集体座谈会")):
            have = counts.forums[half]
            extra.append(tile(label, have, quota.forums_per_half, have >= quota.forums_per_half))
    if member.chair_role in (ChairRole.CHAIR, ChairRole.VICE_CHAIR) and today.year == year:
        have = counts.chair_visits[today.month - 1]
        need = f"{quota.chair_visits_min}–{quota.chair_visits_max}"
        extra.append(tile(f"{today.month}月走访常委", have, need, have >= quota.chair_visits_min))
    return quotas, extra


def tile(label, have, need, met):
    left = need - have if isinstance(need, int) and not met else None
    return {"label": label, "have": have, "need": need, "met": met, "left": left}


def locked_halves(year):
    """{1: bool, 2: bool}: whether each half of `year` is locked by its issued report."""
    return {
        half: contacts_rules.issued_report(datetime.date(year, month, 1)) is not None
        for half, month in ((1, 1), (2, 7))
    }


def entry_rows(user, member, year):
    """This year's entries with whom they reached and whether the member may still change them."""
    locked = locked_halves(year)
    activities = (
        my_entries(user, member)
        .filter(date__year=year)
        .select_related("street_group")
        .prefetch_related("contacted_members", "targets")
        .order_by("-date", "-pk")
    )
    rows = []
    for activity in activities:
        is_locked = locked[half_of(activity.date)]
        rows.append(
            {
                "activity": activity,
                "whom": [m.name for m in activity.contacted_members.all()]
                + [str(t) for t in activity.targets.all()]
                + ([activity.street_group.name] if activity.street_group else []),
                "may_change": not is_locked and contacts_rules.may_change(user, activity),
                "locked": is_locked,
                "by_office": activity.source != Source.MEMBER,
            }
        )
    return rows, locked


def page_context(request, member, form, activity=None):
    today = timezone.localdate()
    year = this_year()
    quotas, extra = progress(member, year, today)
    rows, locked = entry_rows(request.user, member, year)
    return {
        "member": member,
        "year": year,
        "today": today,
        "quotas": quotas,
        "extra": extra,
        "pairings": pairing_groups(member, year),
        "rows": rows,
        "locked_text": contacts_rules.locked_text(today) if locked[half_of(today)] else "",
        "form": form,
        "instance": activity,
    }


def build_form(request, member, activity=None):
    year = this_year()
    kwargs = {
        "member": member,
        "paired": paired_members(member, year, activity),
        "targets": target_choices(member, activity),
    }
    if request.method == "POST":
        return ContactForm(request.POST, **kwargs)
    initial = initial_for(activity) if activity is not None else {"date": timezone.localdate()}
    return ContactForm(initial=initial, **kwargs)


def save(request, member, form, activity=None):
    """Save through rules.save_entry; None when saved (a message is queued), else the page."""
    if form.is_valid():
        try:
            saved = contacts_rules.save_entry(form.entry(), request.user, instance=activity)
        except ContactActivity.DoesNotExist:
            messages.error(request, "这条联系记录已被删除，没有保存修改。")
            return None
        except contacts_rules.ContactError as exc:
            form.show_refusal(exc)
        else:
            verb = "已修改" if activity is not None else "已记录"
            messages.success(request, f"{verb}：{saved.date:%Y-%m-%d} {saved.get_way_display()}。")
            return None
    return render(request, "contacts/front/home.html", page_context(request, member, form, activity))


def saved_page():
    """Back to the top of the page after saving, where the message and the progress are (the
    form posts to #log; a redirect without its own fragment would keep that one)."""
    return redirect(reverse("contacts_home") + "#messages")


@member_page
def contacts_home(request, member):
    """三联系: progress, pairings, entries and 「记一次联系」 (POST here records one)."""
    form = build_form(request, member)
    if request.method == "POST":
        page = save(request, member, form)
        return page or saved_page()
    return render(request, "contacts/front/home.html", page_context(request, member, form))


@member_page
def contact_edit(request, member, pk):
    """The same form, filled in with one of the member's entries."""
    activity = my_entry(request.user, member, pk)
    if contacts_rules.issued_report(activity.date) is not None:
        messages.error(request, contacts_rules.locked_text(activity.date))
        return redirect("contacts_home")
    form = build_form(request, member, activity)
    if request.method == "POST":
        page = save(request, member, form, activity)
        return page or saved_page()
    return render(request, "contacts/front/home.html", page_context(request, member, form, activity))


@member_page
def contact_delete(request, member, pk):
    """GET asks to confirm; POST deletes through rules.delete_entry. An entry deleted a moment
    ago (in another tab) gives a message; another member's gives a 404."""
    if request.method == "POST":
        try:
            contacts_rules.delete_entry(pk, request.user)
        except contacts_rules.Refused:
            raise Http404("没有这条联系记录。") from None
        except contacts_rules.ContactError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已删除这条联系记录。")
        return redirect("contacts_home")
    activity = my_entry(request.user, member, pk)
    if contacts_rules.issued_report(activity.date) is not None:
        messages.error(request, contacts_rules.locked_text(activity.date))
        return redirect("contacts_home")
    whom = [m.name for m in activity.contacted_members.all()] + [str(t) for t in activity.targets.all()]
    return render(request, "contacts/front/delete.html", {"activity": activity, "whom": whom})
