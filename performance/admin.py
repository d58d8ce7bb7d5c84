"""The 履职档案 in the Wagtail admin: 履职活动 (list, create/edit, the invitees and their
attendance), a member's record (entries, score lines, correction history; 更正, 作废/恢复, 补录),
the 异议 queue, the 记分办法's versions and their draft, and the 履职年度 (冻结日期, 重新开放).

Every page is scoped by the selectors of rules.py (activities_for, records_visible_to); a thing
outside the user's scope answers 404, an action the user may not take 403 with the reason. Each
write calls one rule of rules.py and shows its message (a frozen year's included) as a message
or beside the field; nothing here decides what is allowed."""

from collections import defaultdict

from django.contrib import admin, messages
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.utils import get_user_display_name
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup
from wagtail_modeladmin.views import IndexView, InspectView

from lianxin_site.admin_helpers import AllowedMenuItem
from lianxin_site.dates import this_year, year_param
from lianxin_site.errors import DomainError
from results.admin import forbidden

from . import rules
from .admin_forms import (
    ActivityForm,
    AnswerForm,
    AttendanceForm,
    EntryFieldsForm,
    FreezeForm,
    ReasonForm,
    RuleFormSet,
    SchemeForm,
)
from .ledger import category_labels, pending_changes, source_labels
from .models import (
    DutyActivity,
    EntryChange,
    LedgerEntry,
    MemberScore,
    Objection,
    PerformanceYear,
    ScoreLine,
    ScoringScheme,
)

YEARS_SHOWN = 6


def display_name(user):
    return get_user_display_name(user) if user else "—"


def years():
    return range(this_year() + 1, this_year() - YEARS_SHOWN, -1)


def refused(request, exc):
    """A rule's refusal: 403 with its reason for Refused, else the message on the page."""
    if isinstance(exc, rules.Refused):
        return forbidden(request, str(exc))
    messages.error(request, str(exc))
    return None


# --- 履职活动


ACTIVITIES_PATH = "performance/activities"


def activity_url(activity, action="inspect"):
    return reverse(f"performance_activities_modeladmin_{action}", args=[activity.pk])


class ActivityPermissionHelper(PermissionHelper):
    """Who lists, creates and edits 履职活动: rules.activities_for decides which; a committee
    office only its committee's. Deleting is for a superuser (an activity's attendance counts)."""

    def user_can_list(self, user):
        return rules.may_organise_activities(user)

    def user_can_create(self, user):
        return rules.may_organise_activities(user)

    def user_can_inspect_obj(self, user, obj):
        return rules.activities_for(user).filter(pk=obj.pk).exists()

    def user_can_edit_obj(self, user, obj):
        return rules.may_organise_activities(user)

    def user_can_delete_obj(self, user, obj):
        return user.is_superuser


class ActivityButtonHelper(ButtonHelper):
    """Rows come from the user's activities: their buttons ask no query per row."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        exclude = exclude or []
        buttons = []
        if "inspect" not in exclude:
            buttons.append({**self.inspect_button(obj.pk, classnames_add, classnames_exclude), "label": "出勤"})
        if "edit" not in exclude:
            buttons.append(self.edit_button(obj.pk, classnames_add, classnames_exclude))
        return buttons

    def add_button(self, classnames_add=None, classnames_exclude=None):
        button = super().add_button(classnames_add, classnames_exclude)
        return {**button, "label": "新建履职活动", "title": "新建履职活动"}

    def get_primary_button(self, obj):
        return self.inspect_button(obj.pk)


class ActivityIndexView(IndexView):
    def get_page_title(self):
        return "履职活动"


def invitee_rows(activity):
    """[(member, participation or None, approved leave, status text)] for every invitee (and
    anyone recorded without an invitation), by 委员证号."""
    recorded = {p.member_id: p for p in activity.participations.select_related("recorded_by")}
    leave_ids = rules.approved_leave(activity)
    invited = list(rules.invitees(activity).select_related("sector", "party").order_by("code"))
    extra = set(recorded) - {m.pk for m in invited}
    if extra:
        invited += list(rules.Member.objects.filter(pk__in=extra).select_related("sector", "party").order_by("code"))
    rows = []
    for member in invited:
        done = recorded.get(member.pk)
        if done is not None:
            text = done.get_status_display()
        elif member.pk in leave_ids:
            text = "请假（已批准）"
        else:
            text = "未登记"
        rows.append((member, done, member.pk in leave_ids, text))
    return rows, recorded, leave_ids


class ActivityInspectView(InspectView):
    """The activity, its invitees with their status (recorded participation, approved 请假, or
    未登记) and one form recording attendance for all of them (rules.record_participation)."""

    def get_page_title(self):
        return "履职活动"

    def attendance_form(self, data=None):
        rows, recorded, leave_ids = invitee_rows(self.instance)
        return AttendanceForm(
            data, activity=self.instance, invitees=[r[0] for r in rows], recorded=recorded, leave_ids=leave_ids
        )

    def post(self, request, *args, **kwargs):
        activity = self.instance
        form = self.attendance_form(request.POST)
        if form.is_valid():
            try:
                count = rules.record_participation(activity, request.user, form.rows())
            except DomainError as exc:
                if (response := refused(request, exc)) is not None:
                    return response
            else:
                messages.success(request, f"已登记 {count} 名委员的出勤情况。")
                return redirect(activity_url(activity))
        else:
            messages.error(request, "出勤登记有误，请按各行的提示修改；本次没有保存任何一行。")
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.instance
        rows, _recorded, _leave = invitee_rows(activity)
        form = form or self.attendance_form()
        fields = {m.pk: (status, role, note) for m, status, role, note in form.table()}
        context.update(
            activity=activity,
            organiser=rules.organiser_name(activity),
            rows=[(*row, *fields[row[0].pk]) for row in rows],
            form=form,
            started=activity.start <= timezone.now(),
            frozen=rules.frozen_message(activity.year),
            leave_requests=activity.leave_requests.select_related("member").order_by("member__code"),
        )
        return context


def activity_form_view(request, model_admin, activity=None):
    """Create or edit a 履职活动 through rules.save_activity."""
    initial = ActivityForm.initial_for(activity) if activity else {}
    form = ActivityForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, invitations = form.fields_and_invitations()
        try:
            saved = rules.save_activity(request.user, fields, invitations, pk=activity.pk if activity else None)
        except DomainError as exc:
            if (response := refused(request, exc)) is not None:
                return response
        else:
            messages.success(request, f"已{'修改' if activity else '创建'}履职活动：{saved.name}")
            return redirect(activity_url(saved))
    return TemplateResponse(
        request,
        "performance/admin/activity_form.html",
        {
            "form": form,
            "activity": activity,
            "title": "履职活动",
            "subtitle": f"修改：{activity.name}" if activity else "新建",
            "back_url": activity_url(activity) if activity else model_admin.url_helper.index_url,
        },
    )


class DutyActivityAdmin(ModelAdmin):
    model = DutyActivity
    menu_label = _("履职活动")
    menu_icon = "date"
    base_url_path = ACTIVITIES_PATH
    list_display = ("name", "kind", "start", "organiser_label", "important", "activity_day_label", "recorded")
    list_filter = ("kind", "important")
    search_fields = ("name",)
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_class = ActivityInspectView
    index_view_class = ActivityIndexView
    inspect_template_name = "performance/admin/activity_inspect.html"
    permission_helper_class = ActivityPermissionHelper
    button_helper_class = ActivityButtonHelper

    def get_queryset(self, request):
        return (
            rules.activities_for(request.user)
            .select_related("organiser", "activity_day")
            .annotate(recorded_count=Count("participations"))
        )

    def _scoped(self, request, instance_pk):
        if not str(instance_pk).isdecimal():
            raise Http404
        return get_object_or_404(rules.activities_for(request.user), pk=instance_pk)

    def index_view(self, request):
        if not rules.may_organise_activities(request.user):
            return forbidden(request, "只有委员联络室和专委会工作室可以管理履职活动。")
        return super().index_view(request)

    def inspect_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        return super().inspect_view(request, instance_pk)

    def create_view(self, request):
        if not rules.may_organise_activities(request.user):
            return forbidden(request, "只有委员联络室和专委会工作室可以创建履职活动。")
        return activity_form_view(request, self)

    def edit_view(self, request, instance_pk):
        return activity_form_view(request, self, self._scoped(request, instance_pk))

    def delete_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        if not request.user.is_superuser:
            return forbidden(request, "履职活动不能删除：它的出勤情况已计入委员的履职档案。")
        return super().delete_view(request, instance_pk)

    @admin.display(description=_("组织部门"))
    def organiser_label(self, obj):
        return rules.organiser_name(obj)

    @admin.display(description=_("委员活动日"))
    def activity_day_label(self, obj):
        return str(obj.activity_day) if obj.activity_day_id else "—"

    @admin.display(description=_("已登记出勤"))
    def recorded(self, obj):
        return f"{obj.recorded_count} 人"


# --- a member's record


def record_url(member, year):
    return f"{reverse('performance_member_record', args=[member.pk])}?year={year}"


def rule_text(rule, categories):
    """A score line's rule as the office reads it: 类别·作用·出勤情况 → 分值（年度上限）."""
    if rule is None:
        return ""
    parts = [categories.get(rule.category, rule.category), rule.get_role_display(), rule.get_status_display()]
    cap = f"，年度上限 {rule.yearly_cap}" if rule.yearly_cap is not None else ""
    return f"{'·'.join(p for p in parts if p)} → {rule.points} 分{cap}"


FIELD_NAMES = {name: str(LedgerEntry._meta.get_field(name).verbose_name) for name in (*rules.CORRECTABLE, "voided")}


def _value_text(name, value, categories):
    """A value as EntryChange stores it (str), in the committee's words."""
    if name == "category":
        return categories.get(value, value)
    if name in ("role", "status"):
        choices = dict(LedgerEntry._meta.get_field(name).choices)
        return str(choices.get(value, value or "—"))
    if name in ("important", "voided"):
        return {"True": "是", "False": "否"}.get(value, value)
    return value


def change_text(change, categories):
    """「类别 全体会议 → 常委会议，数量 1 → 2」 for a correction; the fields added for 补录."""
    names = list(dict.fromkeys([*change.before, *change.after]))
    parts = []
    for name in names:
        label = FIELD_NAMES.get(name, name)
        after = _value_text(name, change.after.get(name, ""), categories)
        if name in change.before:
            parts.append(f"{label} {_value_text(name, change.before[name], categories)} → {after}")
        else:
            parts.append(f"{label} {after}")
    return "，".join(parts)


def entry_rows(member, year):
    """The member's entries of the year with their score lines and correction history."""
    entries = list(
        LedgerEntry.objects.filter(member=member, year=year)
        .order_by("date", "pk")
        .prefetch_related(Prefetch("changes", queryset=EntryChange.objects.select_related("actor")))
    )
    lines = defaultdict(list)
    categories = category_labels()
    for entry in entries:
        for change in entry.changes.all():
            change.text = change_text(change, categories)
    for line in ScoreLine.objects.filter(year=year, member=member).select_related("rule", "scheme").order_by("pk"):
        line.rule_text = rule_text(line.rule, categories)
        lines[line.entry_id].append(line)
    return [(entry, lines[entry.pk]) for entry in entries]


RECORD_ACTIONS = ("correct", "void", "restore", "add")


@require_http_methods(["GET", "POST"])
def member_record(request, pk):
    """A member's 履职档案 of a year, for those whose scope holds the member; 委员联络室 corrects."""
    member = get_object_or_404(
        rules.records_visible_to(request.user).select_related("sector", "party", "committee", "street_group"), pk=pk
    )
    year = year_param(request.GET.get("year"))
    may_correct = request.user.has_perm(rules.MANAGE)
    bound = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in RECORD_ACTIONS:
            return HttpResponseBadRequest("未知的操作。")
        if not may_correct:
            return forbidden(request, "只有委员联络室可以更正履职记录。")
        bound = _correct(request, member, year, action)
        if bound is None:
            return redirect(record_url(member, year))
        if not isinstance(bound, tuple):
            return bound  # 403
    labels, categories = source_labels(), category_labels()
    rows = []
    for entry, lines in entry_rows(member, year):
        forms = {}
        if may_correct:
            forms = {
                "correct": EntryFieldsForm(
                    prefix=f"e{entry.pk}", initial=EntryFieldsForm.initial_for(entry), why_label="更正理由"
                ),
                "void": ReasonForm(prefix=f"v{entry.pk}", label="恢复理由" if entry.voided else "作废理由"),
            }
            if bound and bound[1] == entry.pk:
                forms[bound[0]] = bound[2]
        rows.append(
            {
                "entry": entry,
                "source": labels.get(entry.source, entry.source),
                "category": categories.get(entry.category, entry.category),
                "lines": lines,
                "points": sum(line.points for line in lines),
                "forms": forms,
                "open": bound[0] if bound and bound[1] == entry.pk else "",
                "seen": rules.entry_version(entry),
            }
        )
    add_form = (
        bound[2]
        if bound and bound[0] == "add"
        else EntryFieldsForm(prefix="add", why_label="补录理由")
        if may_correct
        else None
    )
    score = MemberScore.objects.filter(year=year, member=member).select_related("scheme").first()
    return TemplateResponse(
        request,
        "performance/admin/member_record.html",
        {
            "member": member,
            "year": year,
            "years": years(),
            "rows": rows,
            "score": score,
            "rate": score.rate if score else None,
            "may_correct": may_correct,
            "add_form": add_form,
            "add_open": bool(bound and bound[0] == "add"),
            "frozen": rules.frozen_message(year),
            "objections": Objection.objects.filter(member=member, year=year).select_related("entry", "answered_by"),
        },
    )


def _correct(request, member, year, action):
    """Apply one correction; None when done, a 403 response, or (action, entry pk, bound form)."""
    user = request.user
    if action == "add":
        form = EntryFieldsForm(request.POST, prefix="add", why_label="补录理由")
        entry_pk = None
    else:
        entry_pk = request.POST.get("entry", "")
        if not entry_pk.isdecimal():
            raise Http404
        entry = get_object_or_404(LedgerEntry.objects.filter(member=member), pk=entry_pk)
        entry_pk = entry.pk
        form = (
            EntryFieldsForm(request.POST, prefix=f"e{entry.pk}", why_label="更正理由")
            if action == "correct"
            else ReasonForm(request.POST, prefix=f"v{entry.pk}", label="恢复理由" if entry.voided else "作废理由")
        )
    key = "void" if action in ("void", "restore") else action
    if not form.is_valid():
        return key, entry_pk, form
    why, seen = form.cleaned_data["why"], request.POST.get("seen", "")
    try:
        if action == "add":
            fields = form.changes()
            rules.add_scored_entry(user, member, fields, why)
            done = f"已补录：{fields['title']}"
        elif action == "correct":
            rules.correct_seen_entry(entry_pk, user, form.changes(), why, seen)
            done = "已更正这条记录，得分已重新计算。"
        else:
            rules.void_seen_entry(entry_pk, user, why, seen, restore=action == "restore")
            done = "已恢复这条记录。" if action == "restore" else "已作废这条记录，不再计分。"
    except rules.Refused as exc:
        return forbidden(request, str(exc))
    except DomainError as exc:
        form.add_error(None, str(exc))
        messages.error(request, str(exc))
        return key, entry_pk, form
    messages.success(request, done)
    return None


# --- 异议


def may_answer_objections(user):
    return user.is_active and user.has_perm(rules.MANAGE)


@require_http_methods(["GET", "POST"])
def objections(request):
    """The 异议 queue of 委员联络室: 待处理 first; each answered once (rules.answer_objection)."""
    if not may_answer_objections(request.user):
        return forbidden(request, "只有委员联络室处理委员的异议。")
    state = request.GET.get("state", Objection.State.OPEN)
    if state not in Objection.State.values:
        state = Objection.State.OPEN
    bound = None
    if request.method == "POST":
        pk = request.POST.get("objection", "")
        if not pk.isdecimal():
            raise Http404
        objection = get_object_or_404(Objection, pk=pk)
        form = AnswerForm(request.POST, prefix=f"o{objection.pk}")
        if form.is_valid():
            try:
                rules.answer_open_objection(objection.pk, request.user, form.cleaned_data["answer"])
            except DomainError as exc:
                if (response := refused(request, exc)) is not None:
                    return response
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已答复{objection.member.name}的异议。")
                return redirect(f"{reverse('performance_objections')}?state={state}")
        bound = (objection.pk, form)
    queue = Objection.objects.filter(state=state).select_related("member__sector", "entry", "answered_by")
    items = [
        (
            o,
            bound[1] if bound and bound[0] == o.pk else AnswerForm(prefix=f"o{o.pk}"),
            record_url(o.member, o.year),
        )
        for o in queue
    ]
    return TemplateResponse(
        request,
        "performance/admin/objections.html",
        {
            "items": items,
            "state": state,
            "states": Objection.State.choices,
            "open_count": Objection.objects.filter(state=Objection.State.OPEN).count(),
        },
    )


# --- 记分办法


def may_read_schemes(user):
    return user.is_active and any(user.has_perm(p) for p in (rules.MANAGE, rules.VIEW_ALL, rules.VIEW_RANKINGS))


def schemes_url(year):
    return f"{reverse('performance_schemes')}?year={year}"


@require_http_methods(["GET", "POST"])
def schemes(request):
    """The year's versions (published read only, with who and when); 修改 (rules.draft_scheme);
    重新同步并计分 (rules.resync_and_score)."""
    if not may_read_schemes(request.user):
        return forbidden(request, "您的账号没有查看记分办法的权限。")
    year = year_param(request.GET.get("year") or request.POST.get("year"))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "draft":
                draft = rules.draft_scheme(year, request.user)
                return redirect("performance_scheme_edit", pk=draft.pk)
            if action == "resync":
                done, scheme = rules.resync_and_score(year, request.user)
                counts = "，".join(f"{name} {count} 条" for name, count in done.items() if count) or "没有变化"
                scored = f"已按{scheme}重新计分。" if scheme else "本年度还没有发布记分办法，未计分。"
                messages.success(request, f"{year} 年度履职档案已重新同步：{counts}。{scored}")
            else:
                return HttpResponseBadRequest("未知的操作。")
        except DomainError as exc:
            if (response := refused(request, exc)) is not None:
                return response
        return redirect(schemes_url(year))
    versions = list(
        ScoringScheme.objects.filter(year=year)
        .select_related("published_by", "created_by")
        .prefetch_related("rules")
        .order_by("-version")
    )
    categories = category_labels()
    for scheme in versions:
        for rule in scheme.rules.all():
            rule.category_label = categories.get(rule.category, rule.category)
    return TemplateResponse(
        request,
        "performance/admin/schemes.html",
        {
            "year": year,
            "years": years(),
            "versions": versions,
            "may_manage": request.user.has_perm(rules.MANAGE),
            "frozen": rules.frozen_message(year),
            "scored": MemberScore.objects.filter(year=year).select_related("scheme").first(),
        },
    )


def _rules_initial(scheme):
    return [
        {"category": r.category, "role": r.role, "status": r.status, "points": r.points, "yearly_cap": r.yearly_cap}
        for r in scheme.rules.all()
    ]


@require_http_methods(["GET", "POST"])
def scheme_edit(request, pk):
    """The draft's settings and its rules (errors of rules.rule_errors beside each field); 保存 or
    发布 (rules.save_scheme, rules.publish_scheme). A published version only shows."""
    if not request.user.has_perm(rules.MANAGE):
        return forbidden(request, "只有委员联络室可以修改记分办法。")
    scheme = get_object_or_404(ScoringScheme, pk=pk)
    if scheme.published_at is not None:
        messages.info(request, f"{scheme}已经发布，不能再修改；点“修改”会生成新的版本。")
        return redirect(schemes_url(scheme.year))
    form = SchemeForm(request.POST or None, instance=scheme, prefix="scheme")
    formset = RuleFormSet(request.POST or None, initial=_rules_initial(scheme), prefix="rules")
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            settings = {name: form.cleaned_data[name] for name in rules.SCHEME_FIELDS}
            try:
                rules.save_scheme(scheme.pk, request.user, settings, formset.rows())
                if request.POST.get("action") == "publish":
                    rules.publish_scheme(scheme.pk, request.user)
                    messages.success(request, f"已发布{scheme}。请点“重新同步并计分”按新办法计分。")
                    return redirect(schemes_url(scheme.year))
            except DomainError as exc:
                if (response := refused(request, exc)) is not None:
                    return response
            else:
                messages.success(request, f"已保存{scheme}（草稿，尚未发布）。")
                return redirect("performance_scheme_edit", pk=scheme.pk)
        else:
            messages.error(request, "记分办法有误，请按提示修改。")
    return TemplateResponse(
        request,
        "performance/admin/scheme_edit.html",
        {
            "scheme": scheme,
            "form": form,
            "formset": formset,
            "back_url": schemes_url(scheme.year),
            "frozen": rules.frozen_message(scheme.year),
        },
    )


# --- 履职年度


def may_manage_years(user):
    return user.is_active and (user.has_perm(rules.MANAGE) or user.has_perm(rules.REOPEN))


@require_http_methods(["GET", "POST"])
def year_page(request):
    """The year's 冻结日期 (rules.set_freeze, 委员联络室), reopening with a reason
    (rules.reopen_year, 系统管理员), the year's events and, when frozen, 冻结后变更，未计入."""
    if not may_manage_years(request.user):
        return forbidden(request, "只有委员联络室和系统管理员可以管理履职年度。")
    year = year_param(request.GET.get("year") or request.POST.get("year"))
    record = PerformanceYear.objects.filter(year=year).first()
    freeze_form = FreezeForm(prefix="freeze", initial={"freeze_on": record.freeze_on if record else None})
    reopen_form = ReasonForm(prefix="reopen", label="重新开放的理由")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "freeze":
                freeze_form = FreezeForm(request.POST, prefix="freeze")
                if freeze_form.is_valid():
                    rules.set_freeze(year, request.user, freeze_form.cleaned_data["freeze_on"])
                    messages.success(
                        request, f"已设置 {year} 年度的冻结日期：{freeze_form.cleaned_data['freeze_on']:%Y-%m-%d}。"
                    )
                    return redirect(f"{reverse('performance_year')}?year={year}")
            elif action == "reopen":
                reopen_form = ReasonForm(request.POST, prefix="reopen", label="重新开放的理由")
                if reopen_form.is_valid():
                    rules.reopen_year(year, request.user, reopen_form.cleaned_data["why"])
                    messages.success(request, f"已重新开放 {year} 年度的履职档案。")
                    return redirect(f"{reverse('performance_year')}?year={year}")
            else:
                return HttpResponseBadRequest("未知的操作。")
        except DomainError as exc:
            if (response := refused(request, exc)) is not None:
                return response
    frozen = rules.frozen_message(year)
    return TemplateResponse(
        request,
        "performance/admin/year.html",
        {
            "year": year,
            "years": years(),
            "record": record,
            "frozen": frozen,
            "events": record.events.select_related("actor") if record else [],
            "pending": pending_changes(year) if frozen else [],
            "freeze_form": freeze_form,
            "reopen_form": reopen_form,
            "may_freeze": request.user.has_perm(rules.MANAGE),
            "may_reopen": request.user.has_perm(rules.REOPEN),
        },
    )


# --- the menu


ADMIN_MENU = [
    ("异议", "performance_objections", "warning", may_answer_objections, 300),
    ("记分办法", "performance_schemes", "list-ol", may_read_schemes, 400),
    ("履职年度", "performance_year", "lock", may_manage_years, 900),
]


def declared_menus():
    """Every module's [(label, url name, icon, allowed(user), order)]: this one's, the reports',
    the 请假 queue's, the 签到表 import's and the downloads'."""
    from . import exports, leave_admin, reports, transfer

    return [ADMIN_MENU, reports.REPORT_MENU, leave_admin.LEAVE_MENU, transfer.TRANSFER_MENU, exports.EXPORT_MENU]


class PerformanceGroup(ModelAdminGroup):
    menu_label = _("履职档案")
    menu_icon = "clipboard-list"
    menu_order = 226
    items = (DutyActivityAdmin,)

    def get_submenu_items(self):
        items = [admin.get_menu_item(order=100) for admin in self.modeladmin_instances]
        items += [
            AllowedMenuItem(label, reverse(url_name), icon, allowed, order)
            for menu in declared_menus()
            for label, url_name, icon, allowed, order in menu
        ]
        return sorted(items, key=lambda item: item.order)


admin_urls = [
    path("performance/members/<int:pk>/", member_record, name="performance_member_record"),
    path("performance/objections/", objections, name="performance_objections"),
    path("performance/schemes/", schemes, name="performance_schemes"),
    path("performance/schemes/<int:pk>/edit/", scheme_edit, name="performance_scheme_edit"),
    path("performance/years/", year_page, name="performance_year"),
]
