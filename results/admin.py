"""The offices' side in the Wagtail admin: 履职成果 lists, inspect with the handling timeline,
confirm / return, 立案, 交办, steps, 满意度, 社情民意 采用 and 报送.

Two lists of one model: 提案 (提案委's) and 其他成果 (研究室's: 社情民意信息, 大会发言, 调研报告,
微建议). Each shows what rules.results_visible_to lets the user see; an entry outside it answers
404, an action by someone who only reads answers 403. Every action calls one rule in rules.py and
shows its error beside the field it names."""

import datetime
import mimetypes

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.utils import get_user_display_name
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdminGroup
from wagtail_modeladmin.views import InspectView

from lianxin_site.admin_helpers import AllowedMenuItem, IndexView, ModelAdmin
from lianxin_site.downloads import file_response, xlsx_response
from lianxin_site.errors import DomainError
from lianxin_site.spreadsheet import table_xlsx
from people.services import members_visible_to

from . import rules
from .admin_forms import (
    AcceptanceForm,
    AnswerForm,
    AssignForm,
    EntryForm,
    OpinionUseForm,
    ReturnForm,
    SendForm,
    StepForm,
    put_errors,
)
from .models import (
    DEFAULT_HANDLING_MONTHS,
    Acceptance,
    AuthorKind,
    HandlingUnit,
    Kind,
    ProposalUnit,
    Result,
    ResultAuthor,
    ResultYear,
    Source,
    Status,
)

PROPOSAL_KINDS = (Kind.PROPOSAL,)
OTHER_KINDS = tuple(k for k in Kind.values if k != Kind.PROPOSAL)
PROPOSALS_PATH = "results/proposals"
OTHERS_PATH = "results/others"


def admin_url(result, action="inspect"):
    """The entry's page in the admin (the 提案 list or the 其他成果 list, by its kind)."""
    base = PROPOSALS_PATH if result.kind == Kind.PROPOSAL else OTHERS_PATH
    return reverse(f"{base.replace('/', '_')}_modeladmin_{action}", args=[result.pk])


def forbidden(request, message):
    """403 with the reason, inside the admin (Wagtail would turn PermissionDenied into a redirect)."""
    return TemplateResponse(request, "results/admin/forbidden.html", {"message": message}, status=403)


def display_name(user):
    return get_user_display_name(user) if user else "—"


# --- what the lists show


def with_authors(queryset):
    """Authors and the year's 办理时限 fetched with the entries: a list page asks the same number
    of queries for 10 entries as for 200."""
    term = ResultYear.objects.filter(year=OuterRef("year")).values("handling_months")[:1]
    return queryset.annotate(term_months=Coalesce(Subquery(term), Value(DEFAULT_HANDLING_MONTHS))).prefetch_related(
        Prefetch("author_rows", queryset=ResultAuthor.objects.select_related("member__sector").order_by("position"))
    )


def overdue_text(result, months=None, today=None):
    if not rules.is_overdue(result, today=today, months=months):
        return ""
    return f"逾期（应于 {rules.answer_due(result, months):%Y-%m-%d} 前答复）"


def acceptance_text(result):
    if not result.acceptance:
        return ""
    if result.acceptance == Acceptance.MERGED:
        return f"并案（并入 {result.merged_into}）"
    return result.get_acceptance_display()


def opinion_use_text(result):
    uses = [
        label
        for flag, label in (
            (result.edited_by_committee, "区政协编发"),
            (result.sent_to_district, "报送区委区政府"),
            (result.adopted_by_city, "市政协采用"),
        )
        if flag
    ]
    return "、".join(uses)


class ResultPermissionHelper(PermissionHelper):
    """Who reads and who acts, for the entries of `kinds`. Which entries a user sees is
    rules.results_visible_to (ResultAdmin.get_queryset); acting is for the office that manages
    the kind (rules.manages); deleting for a superuser only (an entry is withdrawn, not deleted)."""

    kinds = ()

    def user_can_list(self, user):
        if not super().user_can_list(user):
            return False
        managed = rules.managed_kinds(user)
        return user.has_perm(rules.VIEW_ALL) or not managed or any(k in self.kinds for k in managed)

    def user_can_create(self, user):
        return any(rules.manages(user, kind) for kind in self.kinds)

    def user_can_inspect_obj(self, user, obj):
        return obj.kind in self.kinds and rules.results_visible_to(user).filter(pk=obj.pk).exists()

    def user_can_edit_obj(self, user, obj):
        return obj.kind in self.kinds and rules.manages(user, obj.kind)

    def user_can_delete_obj(self, user, obj):
        return user.is_superuser


class ProposalPermissionHelper(ResultPermissionHelper):
    kinds = PROPOSAL_KINDS


class OtherPermissionHelper(ResultPermissionHelper):
    kinds = OTHER_KINDS


class ResultButtonHelper(ButtonHelper):
    """The list's rows all come from the user's scope, so their buttons ask no query per row."""

    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        exclude = exclude or []
        user = self.request.user
        buttons = []
        if "inspect" not in exclude:
            buttons.append(self.inspect_button(obj.pk, classnames_add, classnames_exclude))
        if "edit" not in exclude and self.permission_helper.user_can_edit_obj(user, obj):
            buttons.append(self.edit_button(obj.pk, classnames_add, classnames_exclude))
        if "delete" not in exclude and self.permission_helper.user_can_delete_obj(user, obj):
            buttons.append(self.delete_button(obj.pk, classnames_add, classnames_exclude))
        return buttons

    def add_button(self, classnames_add=None, classnames_exclude=None):
        button = super().add_button(classnames_add, classnames_exclude)
        label = f"登记{self.view.model_admin.get_menu_label()}"
        return {**button, "label": label, "title": label}

    def get_primary_button(self, obj):
        """A row's link opens the entry's page, where the office acts on it."""
        return self.inspect_button(obj.pk)


class ResultIndexView(IndexView):
    def get_page_title(self):
        return self.model_admin.get_menu_label()


# --- the inspect page and its actions


class ResultInspectView(InspectView):
    """Every field, the authors, the attachment, the handling timeline and the 变更记录; for the
    managing office, the forms that act on the entry. A form posts back here with `action`."""

    ACTIONS = ("confirm", "return", "accept", "assign", "step", "answer", "opinion")

    def get_page_title(self):
        return self.model_admin.get_menu_label()

    def post(self, request, *args, **kwargs):
        result = self.instance
        action = request.POST.get("action", "")
        if action not in self.ACTIONS:
            return HttpResponseBadRequest("未知的操作。")
        if not rules.manages(request.user, result.kind):
            return forbidden(request, f"只有{rules.office_for(result.kind)}可以处理这项成果，你只能查看。")
        form = self.action_form(action, request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    rules.refuse_if_changed(result.pk, request.POST.get("seen", ""))
                    done = self.apply(action, form)
            except rules.ResultInvalid as exc:
                put_errors(form, exc.errors)
            except PermissionDenied as exc:
                return forbidden(request, str(exc) or "你没有处理这项成果的权限。")
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, done)
                return redirect(admin_url(result))
        self.instance = Result.objects.get(pk=result.pk)
        return self.render_to_response(self.get_context_data(bound=(action, form)))

    def action_form(self, action, data=None):
        result = self.instance
        if action == "confirm":
            return forms.Form(data, prefix=action)
        if action == "return":
            return ReturnForm(data, prefix=action)
        if action == "accept":
            initial = {"acceptance": result.acceptance, "number": result.number, "merged_into": result.merged_into}
            return AcceptanceForm(data, prefix=action, initial=initial)
        if action == "assign":
            return AssignForm(data, prefix=action, result=result, initial=AssignForm.initial_for(result))
        if action == "step":
            return StepForm(data, prefix=action, result=result, roster=members_visible_to(self.request.user))
        if action == "answer":
            initial = {"answered_on": result.answered_on, "satisfaction": result.satisfaction}
            return AnswerForm(data, prefix=action, initial=initial)
        initial = {
            "edited_by_committee": result.edited_by_committee,
            "adopted_by_city": result.adopted_by_city,
            "instructions": result.instructions,
        }
        return OpinionUseForm(data, prefix=action, initial=initial)

    def apply(self, action, form):
        """Call the action's rule; the message to show when it is done."""
        pk, user, data = self.instance.pk, self.request.user, form.cleaned_data
        if action == "confirm":
            rules.confirm(pk, user)
            return "已确认，这项成果开始计入统计。"
        if action == "return":
            rules.return_entry(pk, user, data["reason"])
            return "已退回，委员可以看到退回原因并修改后重新提交。"
        if action == "accept":
            result = rules.record_acceptance(pk, user, data["acceptance"], data["number"], data["merged_into"])
            return f"已记录立案情况：{acceptance_text(result)}。"
        if action == "assign":
            rules.assign_units(pk, user, list(data["lead_units"]), list(data["assist_units"]), data["assigned_on"])
            return "已交办承办单位。"
        if action == "step":
            step = rules.add_step(
                pk, user, data["unit"], data["step"], data["date"], data["form"], form.present(), data["notes"]
            )
            return f"已记录{step.unit.name}的{step.get_step_display()}。"
        if action == "answer":
            rules.record_answer(pk, user, data["answered_on"], data["satisfaction"])
            return "已记录答复情况。"
        rules.record_opinion_use(pk, user, data["edited_by_committee"], data["adopted_by_city"], data["instructions"])
        return "已记录采用情况。"

    def available_actions(self, result):
        """Which forms the office sees now (the rules still decide when one is sent)."""
        if not rules.manages(self.request.user, result.kind):
            return []
        actions = []
        if result.status == Status.PENDING:
            actions.append("confirm")
        if result.status == Status.PENDING or (result.status == Status.CONFIRMED and not result.acceptance):
            actions.append("return")
        if result.kind == Kind.PROPOSAL and result.status == Status.CONFIRMED:
            actions.append("accept")
            if result.acceptance == Acceptance.ACCEPTED:
                actions.append("assign")
                if result.units.exists():
                    actions.append("step")
                if result.assigned_on:
                    actions.append("answer")
        if result.kind == Kind.OPINION and result.status == Status.CONFIRMED:
            actions.append("opinion")
        return actions

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.instance
        actions = self.available_actions(result)
        if bound and bound[0] not in actions:
            actions.append(bound[0])
        action_forms = {action: self.action_form(action) for action in actions}
        if bound:
            action_forms[bound[0]] = bound[1]
        units = sorted(result.units.select_related("unit"), key=lambda u: u.role != ProposalUnit.Role.LEAD)
        steps = list(
            result.steps.select_related("unit", "recorded_by")
            .prefetch_related("members_present")
            .order_by("date", "pk")
        )
        due = rules.answer_due(result)
        context.update(
            result=result,
            authors=result.author_rows.select_related("member__sector", "member__party"),
            units=units,
            steps=steps,
            timeline=timeline(result, units, steps),
            changes=result.changes.select_related("actor"),
            due=due,
            overdue=overdue_text(result),
            acceptance=acceptance_text(result),
            opinion_use=opinion_use_text(result),
            forms=action_forms,
            seen=rules.version_of(result),
            can_manage=rules.manages(self.request.user, result.kind),
        )
        return context


def timeline(result, units, steps):
    """The handling in date order: 提交, 交办 (with its units), each step, 答复 (with 满意度)."""
    events = [(result.submitted_on, 0, "提交", "", None)]
    if result.assigned_on:
        events.append((result.assigned_on, 1, "交办", "、".join(str(u) for u in units), None))
    for step in steps:
        events.append((step.date, 2, step.get_step_display(), step.unit.name, step))
    if result.answered_on:
        satisfaction = result.get_satisfaction_display() or "尚未反馈"
        events.append((result.answered_on, 3, "答复", f"满意度：{satisfaction}", None))
    events.sort(key=lambda e: (e[0], e[1]))
    return [{"date": d, "label": label, "detail": detail, "step": step} for d, _, label, detail, step in events]


# --- registering and correcting entries in the admin


EDITED_MEANWHILE = "你填写的内容仍在下面；请先在成果页面核对最新内容，确认无误后可再次保存。"


def entry_form_view(request, model_admin, instance=None):
    """The office registers an entry (后台, 已确认) or corrects one, through rules.save_entry."""
    kinds = [k for k in model_admin.kinds if rules.manages(request.user, k)]
    if instance is not None:
        kinds = [instance.kind]
    roster = members_visible_to(request.user)
    initial = EntryForm.initial_for(instance) if instance else {}
    form = EntryForm(
        request.POST or None, request.FILES or None, kinds=kinds, members=roster, instance=instance, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if instance is not None:
                    rules.refuse_if_changed(instance.pk, request.POST.get("seen", ""), advice=EDITED_MEANWHILE)
                result = rules.save_entry(
                    request.user,
                    form.rule_data(),
                    form.members,
                    Source.ADMIN,
                    instance=instance,
                    attachment=form.attachment_change(),
                    reason=form.cleaned_data.get("reason", "").strip(),
                )
        except rules.ResultInvalid as exc:
            put_errors(form, exc.errors)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已{'修改' if instance else '登记'}：{result.title}")
            return redirect(admin_url(result))
    return TemplateResponse(
        request,
        "results/admin/entry_form.html",
        {
            "form": form,
            "result": instance,
            "model_admin": model_admin,
            "title": model_admin.get_menu_label(),
            "subtitle": f"修改：{instance.title}" if instance else "登记",
            "back_url": admin_url(instance) if instance else model_admin.url_helper.index_url,
            "seen": rules.version_of(Result.objects.get(pk=instance.pk)) if instance else "",
        },
    )


class ResultAdmin(ModelAdmin):
    model = Result
    kinds = ()
    list_display = (
        "number",
        "title",
        "author_names",
        "kind",
        "submitted_on",
        "status",
        "acceptance_label",
        "overdue",
    )
    list_display_add_buttons = "title"
    search_fields = ("title", "number", "author_rows__member__name")
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_class = ResultInspectView
    index_view_class = ResultIndexView
    inspect_template_name = "results/admin/inspect.html"
    button_helper_class = ResultButtonHelper

    def get_queryset(self, request):
        return with_authors(rules.results_visible_to(request.user).filter(kind__in=self.kinds))

    def _scoped(self, request, instance_pk):
        if not str(instance_pk).isdecimal():
            raise Http404
        return get_object_or_404(rules.results_visible_to(request.user).filter(kind__in=self.kinds), pk=instance_pk)

    def inspect_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        return super().inspect_view(request, instance_pk)

    def create_view(self, request):
        if not self.permission_helper.user_can_create(request.user):
            return forbidden(request, f"只有{rules.office_for(self.kinds[0])}可以登记{self.get_menu_label()}。")
        return entry_form_view(request, self)

    def edit_view(self, request, instance_pk):
        result = self._scoped(request, instance_pk)
        if not self.permission_helper.user_can_edit_obj(request.user, result):
            return forbidden(request, f"只有{rules.office_for(result.kind)}可以修改这项成果。")
        return entry_form_view(request, self, result)

    def delete_view(self, request, instance_pk):
        self._scoped(request, instance_pk)
        if not request.user.is_superuser:
            return forbidden(request, "履职成果不能删除：委员可以撤回，办公室可以退回。")
        return super().delete_view(request, instance_pk)

    def register_admin_url_finders(self):
        register_admin_url_finder(Result, ResultURLFinder)

    @admin.display(description=_("作者"))
    def author_names(self, obj):
        return obj.author_label

    @admin.display(description=_("立案情况"))
    def acceptance_label(self, obj):
        return acceptance_text(obj) or "—"

    @admin.display(description=_("逾期"))
    def overdue(self, obj):
        return overdue_text(obj, months=obj.term_months) or "—"


class ResultURLFinder:
    """Wagtail's 'edit this object' links: an entry's own list, by its kind."""

    def __init__(self, user):
        self.user = user

    def get_edit_url(self, instance):
        if self.user is None or rules.manages(self.user, instance.kind):
            return admin_url(instance, "edit")
        return None


class ProposalAdmin(ResultAdmin):
    kinds = PROPOSAL_KINDS
    menu_label = _("提案")
    menu_icon = "doc-full"
    base_url_path = PROPOSALS_PATH
    permission_helper_class = ProposalPermissionHelper
    list_filter = ("year", "status", "author_kind", "sector", "party", "occasion", "acceptance", "units__unit")


class OtherResultAdmin(ResultAdmin):
    kinds = OTHER_KINDS
    menu_label = _("其他成果")
    menu_icon = "doc-empty"
    base_url_path = OTHERS_PATH
    permission_helper_class = OtherPermissionHelper
    list_display = tuple(c for c in ResultAdmin.list_display if c not in ("acceptance_label", "overdue")) + (
        "opinion_use",
    )
    list_filter = ("year", "kind", "status", "author_kind", "sector", "party", "sent_to_district")

    @admin.display(description=_("采用情况"))
    def opinion_use(self, obj):
        return opinion_use_text(obj) or "—"


class HandlingUnitAdmin(ModelAdmin):
    """承办单位: 提案委 adds and renames them, and stops one (停用) instead of deleting it."""

    model = HandlingUnit
    menu_icon = "site"
    list_display = ("name", "sort_order", "disabled")
    list_filter = ("disabled",)
    search_fields = ("name",)


class ResultYearAdmin(ModelAdmin):
    model = ResultYear
    menu_label = _("办理时限")
    menu_icon = "time"
    list_display = ("year", "handling_months")


# --- 研究室: 社情民意信息 报送区委区政府, and the batch's export


def may_send(user):
    return user.has_perm(rules.MANAGE_OTHERS)


def unsent_opinions(user):
    return with_authors(
        rules.results_visible_to(user).filter(kind=Kind.OPINION, status=Status.CONFIRMED, sent_to_district=False)
    ).order_by("submitted_on", "pk")


def batch(user, sent_on):
    return with_authors(
        rules.results_visible_to(user).filter(kind=Kind.OPINION, sent_to_district=True, sent_on=sent_on)
    ).order_by("number", "submitted_on", "pk")


@require_http_methods(["GET", "POST"])
def send_opinions(request):
    """Choose confirmed 社情民意信息 not sent yet, and mark them 报送区委区政府 on one date."""
    if not may_send(request.user):
        return forbidden(request, "只有研究室可以报送社情民意信息。")
    opinions = unsent_opinions(request.user)
    chosen = [int(pk) for pk in request.POST.getlist("results") if pk.isdecimal()]
    form = SendForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            sent = rules.send_to_district(chosen, request.user, form.cleaned_data["sent_on"])
        except rules.ResultInvalid as exc:
            put_errors(form, exc.errors)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            sent_on = form.cleaned_data["sent_on"]
            messages.success(request, f"已报送区委区政府 {len(sent)} 条社情民意信息（{sent_on:%Y-%m-%d}）。")
            return redirect("results_opinion_batch", sent_on=sent_on.isoformat())
    batches = (
        rules.results_visible_to(request.user)
        .filter(kind=Kind.OPINION, sent_to_district=True, sent_on__isnull=False)
        .order_by("-sent_on")
        .values_list("sent_on", flat=True)
        .distinct()[:12]
    )
    return TemplateResponse(
        request,
        "results/admin/send.html",
        {"opinions": opinions, "form": form, "chosen": set(chosen), "batches": batches},
    )


def _sent_on(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


@require_GET
def opinion_batch(request, sent_on):
    if not may_send(request.user):
        return forbidden(request, "只有研究室可以查看和导出报送批次。")
    day = _sent_on(sent_on)
    return TemplateResponse(request, "results/admin/batch.html", {"sent_on": day, "opinions": batch(request.user, day)})


def sector_text(result):
    """界别 as the batch lists it: the sector or party named, else the authors' sectors."""
    if result.author_kind == AuthorKind.SECTOR:
        return result.sector.name
    if result.author_kind == AuthorKind.PARTY:
        return result.party.name
    return "、".join(dict.fromkeys(a.member.sector.name for a in result.author_rows.all()))


BATCH_COLUMNS = [
    ("编号", lambda r: r.number),
    ("标题", lambda r: r.title),
    ("作者", lambda r: r.author_label),
    ("界别", sector_text),
    ("提交日期", lambda r: r.submitted_on),
    ("内容摘要", lambda r: r.summary),
    ("采用情况", opinion_use_text),
    ("领导批示", lambda r: r.instructions),
]


@require_GET
def opinion_batch_xlsx(request, sent_on):
    if not may_send(request.user):
        return forbidden(request, "只有研究室可以导出报送批次。")
    day = _sent_on(sent_on)
    rows = list(enumerate(batch(request.user, day), 1))
    columns = [("序号", lambda row: row[0])] + [(header, _of_result(value)) for header, value in BATCH_COLUMNS]
    return xlsx_response(
        table_xlsx(f"{day:%Y-%m-%d}报送区委区政府", columns, rows), f"社情民意信息报送-{day:%Y%m%d}.xlsx"
    )


def _of_result(value_of):
    return lambda row: value_of(row[1])


# --- the attachment, out of private storage


@require_GET
def attachment(request, pk):
    """An entry's attachment, to those who may see the entry: it lies in the private storage,
    which the web server never serves."""
    result = get_object_or_404(rules.results_visible_to(request.user), pk=pk)
    if not result.attachment or not result.attachment.storage.exists(result.attachment.name):
        raise Http404("这项成果没有附件。")
    name = result.attachment_name or result.attachment.name.rsplit("/", 1)[-1]
    with result.attachment.open("rb") as handle:
        content = handle.read()
    return file_response(content, name, mimetypes.guess_type(name)[0] or "application/octet-stream")


# --- the menu


def declared_menu_items():
    """The reports' and the import/export's entries, as they declare them in their own modules:
    [(label, url name, icon, allowed(user), order)]."""
    from . import reports, transfer

    return [
        AllowedMenuItem(label, reverse(url_name), icon, allowed, order)
        for label, url_name, icon, allowed, order in [*reports.REPORT_MENU, *transfer.TRANSFER_MENU]
    ]


class ResultsGroup(ModelAdminGroup):
    menu_label = _("履职成果")
    menu_icon = "doc-full-inverse"
    menu_order = 225
    items = (ProposalAdmin, OtherResultAdmin, HandlingUnitAdmin, ResultYearAdmin)
    ORDERS = {ProposalAdmin: 10, OtherResultAdmin: 20, HandlingUnitAdmin: 900, ResultYearAdmin: 910}

    def get_submenu_items(self):
        items = [admin.get_menu_item(order=self.ORDERS[type(admin)]) for admin in self.modeladmin_instances]
        items.append(AllowedMenuItem(_("报送区委区政府"), reverse("results_send_opinions"), "mail", may_send, 30))
        items += declared_menu_items()
        return sorted(items, key=lambda item: item.order)


admin_urls = [
    path("results/<int:pk>/attachment/", attachment, name="results_attachment"),
    path("results/opinions/send/", send_opinions, name="results_send_opinions"),
    path("results/opinions/sent/<str:sent_on>/", opinion_batch, name="results_opinion_batch"),
    path("results/opinions/sent/<str:sent_on>/xlsx/", opinion_batch_xlsx, name="results_opinion_batch_xlsx"),
]
