"""我的工作台 (/my/): where every account that is not working in the admin lands after logging in
(委员, 界别组长, 活动日填报单位, 联系点联络员 …): who is logged in and for whom, what waits for it
(notices.pending), its 消息, its next deadlines, the latest 公告, and the forms it may use.

Every page here is the account's own: login_required and never_cache, so no shared cache ever
keeps one (lianxin_site/cache.py only caches visitors without a session)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forms_app.activity_day import rules as activity_day
from forms_app.views import forms_context
from intake import rules as intake
from people.services import account_of
from stations import rules as stations

from . import services
from .deadlines import deadlines_for
from .models import NoticePage, Notification
from .my_forms import PreferenceForm
from .pending import pending_for

LATEST_NOTICES = 5
UNREAD_SHOWN = 10
DEADLINES_SHOWN = 10  # the soonest; all of them at /calendar/my/ (and in the account's feed)
NOTICES_PER_PAGE = 25
NO_EMAIL = (
    "你的账号没有登记邮箱，消息只在本站提示（我的工作台、消息列表），不会发邮件。需要邮件提醒请联系委员联络室登记邮箱。"
)


def my_page(view):
    return login_required(never_cache(view))


def belongs_to(user):
    """账号归属: the member, sector, party, committee, station and street group the account works for."""
    account = account_of(user)
    rows = []
    if account.member:
        rows.append(("委员", account.member.name))
    if account.sector:
        rows.append(("界别", account.sector.name))
    if account.party:
        rows.append(("党派", account.party.name))
    if account.committee:
        rows.append(("专委会", account.committee.name))
    station = stations.convener_station(user)
    if station:
        rows.append(("委员工作室", station.title))
    if account.street_group:
        rows.append(("街道小组", account.street_group.name))
    units = "、".join(activity_day.units_for(user).values_list("name", flat=True))
    if units:
        rows.append(("填报单位", units))
    # 区政协办公室 may log visits at every point; only a 联络员's own points are where it belongs.
    points = "" if intake.is_registrar(user) else "、".join(str(p) for p in intake.contact_points_of(user))
    if points:
        rows.append(("联系点", points))
    return rows


def calendar_feed_url():
    """The account's private iCal feed of its deadlines (schedule/), once that view exists."""
    try:
        return reverse("calendar_my_feed")
    except NoReverseMatch:
        return ""


def latest_notices():
    return NoticePage.objects.live().public().order_by("-date", "-pk")[:LATEST_NOTICES]


@require_GET
@my_page
def my_home(request):
    user = request.user
    account = account_of(user)
    unread = services.unread_for(user)
    # One more than shown: whether there are more to see at /calendar/my/.
    deadlines = deadlines_for(user, soonest=DEADLINES_SHOWN + 1)
    context = {
        "account": account,
        "role_names": sorted(account.roles),
        "belongs": belongs_to(user),
        "tasks": pending_for(user),
        "unread": unread[:UNREAD_SHOWN],
        "unread_count": unread.count(),
        "deadlines": deadlines[:DEADLINES_SHOWN],
        "more_deadlines": len(deadlines) > DEADLINES_SHOWN,
        "notices": latest_notices(),
        "calendar_feed_url": calendar_feed_url(),
        "admin_url": reverse("wagtailadmin_home") if user.has_perm("wagtailadmin.access_admin") else "",
        **forms_context(user),
    }
    return render(request, "notices/my_home.html", context)


@require_GET
@my_page
def my_notices(request):
    """All the account's 消息, newest first, 25 a page."""
    rows = Notification.objects.filter(recipient=request.user)
    page = Paginator(rows, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/my_notices.html",
        {"notices_page": page, "unread_count": services.unread_for(request.user).count()},
    )


@require_GET
@my_page
def open_notice(request, pk):
    """Opening a 消息 marks it read and follows its link (only to this site); another's is a 404."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, [notice.pk])
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts={request.get_host()}):
        return redirect(notice.link)
    return redirect("my_notices")


@require_POST
@my_page
def read_all(request):
    count = services.mark_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("my_notices")


@require_http_methods(["GET", "POST"])
@my_page
def notice_settings(request):
    """提醒方式: per kind of 消息, 立即发邮件, 每日汇总 or 不发邮件 (notices.Preference)."""
    user = request.user
    if request.method == "POST":
        form = PreferenceForm(user, request.POST)
        if form.is_valid():
            form.save()
            messages.success(request, "提醒方式已保存。")
            return redirect("my_notice_settings")
    else:
        form = PreferenceForm(user)
    return render(request, "notices/my_settings.html", {"form": form, "no_email": NO_EMAIL if not user.email else ""})
