"""The offices' side of the 委员工作室建立申请 in the Wagtail admin (menu 委员工作室申请): the list
with the box each application waits at and for how long, signing a box, the 挂牌日期 委员联络室
records, the 进度 board of the year's window, the window's dates (申报年度), and the xlsx exports."""

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdminGroup
from wagtail_modeladmin.views import InspectView

from lianxin_site.admin_helpers import AllowedMenuItem, ModelAdmin, ReadOnlyPermissionHelper
from lianxin_site.dates import FIRST_YEAR, this_year, year_param
from lianxin_site.downloads import xlsx_response
from lianxin_site.spreadsheet import table_xlsx
from results.admin import forbidden

from . import rules
from .forms import FoundingYearForm, PlaqueForm, SignOpinionForm
from .models import FoundingYear, WorkstationApplication


class ApplicationPermissionHelper(ReadOnlyPermissionHelper):
    """Applications come from members' wizards: offices read them and sign their own box."""

    def user_can_inspect_obj(self, user, obj):
        return rules.applications_visible_to(user).filter(pk=obj.pk).exists()


class ApplicationInspectView(InspectView):
    """The application, its boxes, and, for the office it waits at, the form to sign."""

    def post(self, request, *args, **kwargs):
        if "plaque_date" in request.POST:
            return self.record_plaque(request)
        form = SignOpinionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = rules.sign(
                    self.instance.pk,
                    request.user,
                    request.POST.get("stage", "0"),
                    data["decision"],
                    data["text"],
                    data["signed_on"],
                    data["approved_name"],
                )
            except rules.ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{application.name}：已签署{_done_label(application, data['decision'])}。")
                return redirect(self.url_helper.get_action_url("inspect", application.pk))
        self.instance.refresh_from_db()
        return self.render_to_response(self.get_context_data(sign_form=form))

    def record_plaque(self, request):
        """委员联络室 records the 挂牌日期; a refusal is shown beside the date, as typed."""
        if not rules.may_record_plaque(request.user):
            return forbidden(request, "只有委员联络室可以登记挂牌日期。")
        form = PlaqueForm(request.POST)
        if form.is_valid():
            try:
                application = rules.record_plaque(self.instance.pk, request.user, form.cleaned_data["plaque_date"])
            except rules.ApplicationError as exc:
                form.add_error("plaque_date", str(exc).removeprefix(rules.PLAQUE))
            else:
                messages.success(request, f"{application}：已登记挂牌日期 {application.plaque_date:%Y-%m-%d}。")
                return redirect(self.url_helper.get_action_url("inspect", application.pk))
        self.instance.refresh_from_db()
        return self.render_to_response(self.get_context_data(plaque_form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.instance
        stage = application.waiting_at
        can_sign = rules.can_sign(self.request.user, application)
        if can_sign and "sign_form" not in kwargs:
            context["sign_form"] = SignOpinionForm(
                initial={
                    "signed_on": timezone.localdate(),
                    "approved_name": application.name,
                }
            )
        if rules.may_record_plaque(self.request.user) and application.status == application.Status.APPROVED:
            context.setdefault(
                "plaque_form",
                kwargs.get("plaque_form") or PlaqueForm(initial={"plaque_date": application.plaque_date}),
            )
        context.update(
            application=application,
            window=FoundingYear.for_year(timezone.localtime(application.submitted_at).year),
            participants=application.participants.select_related("member"),
            boxes=rules.boxes(application),
            opinions=application.opinions.all(),
            conditions=rules.application_conditions(application),
            stage=stage,
            can_sign=can_sign,
            is_chairs_meeting=stage == rules.Stage.CHAIRS_MEETING,
            waited=rules.waited_words(application),
        )
        return context


def _done_label(application, decision):
    if application.status == WorkstationApplication.Status.APPROVED:
        return f"主席会议意见，工作室统一命名为“{application.approved_name}”，已建立工作室页面草稿"
    return {"approve": "同意", "return": "退回修改", "reject": "不同意"}[decision]


class ToSignFilter(admin.SimpleListFilter):
    """待签署 on the dashboard links here: the applications waiting at a box this user signs."""

    title = _("待我处理")
    parameter_name = "to_sign"

    def lookups(self, request, model_admin):
        return [("1", _("待签署"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        return queryset.filter(pk__in=rules.applications_to_sign(request.user).values("pk"))


class ApplicationAdmin(ModelAdmin):
    model = WorkstationApplication
    menu_label = _("申请")
    menu_icon = "home"
    menu_order = 100
    list_display = ("name", "lead", "committee", "status", "waiting_at_label", "waited", "submitted_at")
    list_filter = (ToSignFilter, "status", "stage", "committee")
    search_fields = ("name", "approved_name", "lead_member__name", "address")
    inspect_view_enabled = True
    inspect_view_class = ApplicationInspectView
    inspect_template_name = "forms_app/admin/application_inspect.html"
    index_template_name = "forms_app/admin/application_index.html"
    permission_helper_class = ApplicationPermissionHelper

    def get_queryset(self, request):
        return rules.applications_visible_to(request.user).order_by("status", "waiting_since")

    @admin.display(description=_("负责人"))
    def lead(self, obj):
        return obj.lead_member.name

    @admin.display(description=_("等待环节"))
    def waiting_at_label(self, obj):
        return rules.waiting_label(obj) or "—"

    @admin.display(description=_("已等待"))
    def waited(self, obj):
        return rules.waited_words(obj)


EXPORT_COLUMNS = [
    ("工作室名称", lambda a: a.name),
    ("统一命名", lambda a: a.approved_name),
    ("工作室类型", lambda a: a.get_station_kind_display()),
    ("申请方式", lambda a: a.get_kind_display()),
    ("地址", lambda a: a.address),
    ("形式", lambda a: a.get_mode_display()),
    ("依托", lambda a: a.basis_name),
    ("对口委室", lambda a: a.committee.name),
    ("负责人", lambda a: a.lead_member.name),
    ("单位及职务", lambda a: a.lead_employer_title),
    ("界别", lambda a: a.lead_sector.name),
    ("专长领域", lambda a: a.lead_specialties),
    ("联系方式", lambda a: a.lead_contact),
    ("参与委员", lambda a: "、".join(p.member.name for p in a.participants.all())),
    ("申请时间", lambda a: a.signed_on),
    ("逾期报名", lambda a: "是" if a.late else "否"),
    ("状态", lambda a: a.get_status_display()),
    ("挂牌日期", lambda a: a.plaque_date),
    ("等待环节", rules.waiting_label),
    ("已等待天数", lambda a: rules.waited(a)),
    ("进入当前环节时间", lambda a: a.waiting_since),
]


@require_GET
def export_applications(request):
    """The applications the user may see, as the list shows them (its filters applied)."""
    if not request.user.has_perm("forms_app.view_workstationapplication"):
        return redirect("wagtailadmin_home")
    filters = {
        key: request.GET[key]
        for key in ("stage__exact", "committee__id__exact")
        if request.GET.get(key, "").isdecimal()
    }
    if request.GET.get("status__exact") in WorkstationApplication.Status.values:
        filters["status__exact"] = request.GET["status__exact"]
    applications = (
        rules.applications_visible_to(request.user)
        .filter(**filters)
        .select_related("lead_sector", "sector", "street_group")
        .prefetch_related("participants__member")
        .order_by("status", "waiting_since")
    )
    return xlsx_response(
        table_xlsx("委员工作室申请", EXPORT_COLUMNS, applications),
        f"委员工作室申请-{timezone.localdate():%Y%m%d}.xlsx",
    )


# --- 进度: the year's window (seed 003 annex 2 第四条)

PROGRESS_REFUSAL = "您的账号没有查看委员工作室申请进度的权限。委员联络室和秘书长、分管副主席、主席会议可以查看。"


def _progress(request):
    year = year_param(request.GET.get("year"))
    today = timezone.localdate()
    return year, today, rules.progress(year, today)


@require_GET
def progress_board(request):
    if not rules.may_read_progress(request.user):
        return forbidden(request, PROGRESS_REFUSAL)
    year, today, board = _progress(request)
    visible = set(
        rules.applications_visible_to(request.user)
        .filter(pk__in=[a.pk for key in ("late", "overdue", "unplaqued") for a in board[key]])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "forms_app/admin/founding_progress.html",
        {
            "title": "委员工作室申请进度",
            "year": year,
            "years": sorted({*range(this_year() + 1, max(FIRST_YEAR, this_year() - 5) - 1, -1), year}, reverse=True),
            "today": today,
            "board": board,
            "visible": visible,
            "sections": [
                ("late", "逾期报名", "申请截止日期后提交的申请（已受理）。", board["late"]),
                (
                    "overdue",
                    "超过挂牌截止日期仍在审批",
                    "挂牌截止日期已过，仍在审批或退回修改中的申请。"
                    if today > board["window"].plaque_by
                    else f"挂牌截止日期（{board['window'].plaque_by:%Y-%m-%d}）未到。",
                    board["overdue"],
                ),
                ("unplaqued", "已命名未挂牌", "主席会议已批准命名，委员联络室尚未登记挂牌日期。", board["unplaqued"]),
            ],
            "may_edit_window": request.user.has_perm("forms_app.change_foundingyear"),
        },
    )


PROGRESS_COLUMNS = [
    ("类别", lambda row: row[0]),
    ("工作室名称", lambda row: row[1].approved_name or row[1].name),
    ("工作室类型", lambda row: row[1].get_station_kind_display()),
    ("对口委室", lambda row: row[1].committee.name),
    ("负责人", lambda row: row[1].lead_member.name),
    ("提交时间", lambda row: row[1].submitted_at),
    ("逾期报名", lambda row: "是" if row[1].late else "否"),
    ("状态", lambda row: row[1].get_status_display()),
    ("等待环节", lambda row: rules.waiting_label(row[1])),
    ("挂牌日期", lambda row: row[1].plaque_date),
]


@require_GET
def progress_xlsx(request):
    if not rules.may_read_progress(request.user):
        return forbidden(request, PROGRESS_REFUSAL)
    year, _today, board = _progress(request)
    rows = [
        (label, application)
        for key, label in (("late", "逾期报名"), ("overdue", "超过挂牌截止日期仍在审批"), ("unplaqued", "已命名未挂牌"))
        for application in board[key]
    ]
    return xlsx_response(table_xlsx(f"{year}年申请进度", PROGRESS_COLUMNS, rows), f"委员工作室申请进度-{year}.xlsx")


# --- 申报年度: the window's dates, set by 委员联络室


class FoundingYearAdmin(ModelAdmin):
    model = FoundingYear
    menu_label = _("申报年度")
    menu_icon = "date"
    menu_order = 300
    list_display = ("year", "apply_by", "plaque_by")
    edit_handler = ObjectList(
        [FieldPanel("year"), FieldPanel("apply_by"), FieldPanel("plaque_by")], base_form_class=FoundingYearForm
    )


class FoundingGroup(ModelAdminGroup):
    """委员工作室申请: the applications, the 进度 board and the window's dates."""

    menu_label = _("委员工作室申请")
    menu_icon = "home"
    menu_order = 230
    items = (ApplicationAdmin, FoundingYearAdmin)

    def get_submenu_items(self):
        items = [admin.get_menu_item(order=admin.menu_order) for admin in self.modeladmin_instances]
        items.append(AllowedMenuItem("进度", reverse("founding_progress"), "table", rules.may_read_progress, 200))
        return sorted(items, key=lambda item: item.order)


# forms_app/wagtail_hooks.py registers the menu under this name.
WorkstationApplicationAdmin = FoundingGroup

admin_urls = [
    path("workstation-applications/export/", export_applications, name="workstation_applications_export"),
    path("workstation-applications/progress/", progress_board, name="founding_progress"),
    path("workstation-applications/progress/xlsx/", progress_xlsx, name="founding_progress_xlsx"),
]
