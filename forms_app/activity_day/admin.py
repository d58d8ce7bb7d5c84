"""The organiser's side of the 委员活动日 statistics in the Wagtail admin: activity days and
their units, the roll-up with charts, its xlsx and PDF, and importing units' spreadsheets."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail_modeladmin.options import ModelAdminGroup
from wagtail_modeladmin.views import InspectView

from jobs.models import Job
from jobs.rules import jobs_visible_to
from jobs.services import is_interrupted, start_job
from jobs.views import job_url
from lianxin_site.admin_helpers import ModelAdmin, ReadOnlyPermissionHelper
from lianxin_site.downloads import pdf_response, xlsx_response
from lianxin_site.storage import private_storage

from . import rules
from .models import ActivityDay, ActivityReport, ReportingUnit
from .pdf import kept_rollup, rollup_context, rollup_key
from .sheets import confirm_import, preview_import, rollup_xlsx

ROLL_UP = "forms_app.roll_up_activity_day"
MAX_UPLOAD = 5 * 1024 * 1024


@permission_required(ROLL_UP, raise_exception=True)
def rollup(request, pk):
    day = get_object_or_404(ActivityDay, pk=pk)
    return render(
        request,
        "forms_app/admin/activity_rollup.html",
        {
            **rollup_context(day),
            "imports": day.imports.all()[:5],
        },
    )


@permission_required(ROLL_UP, raise_exception=True)
def rollup_xlsx_view(request, pk):
    day = get_object_or_404(ActivityDay, pk=pk)
    return xlsx_response(rollup_xlsx(day), f"{day.name}-统计表汇总.xlsx")


@permission_required(ROLL_UP, raise_exception=True)
def rollup_pdf(request, pk):
    """The roll-up PDF as kept for the day's present state; if there is none, the worker renders it
    (the job already under way for this state, or a new one) while its progress page shows."""
    day = get_object_or_404(ActivityDay, pk=pk)
    key = rollup_key(day)
    kept = kept_rollup(day, key)
    if kept is not None:
        with private_storage().open(kept, "rb") as pdf:
            return pdf_response(request, pdf.read(), f"{day.name}-统计表汇总.pdf")
    job = (
        jobs_visible_to(request.user)
        .filter(
            kind="activity_rollup_pdf",
            params__day=day.pk,
            params__key=key,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        )
        .first()
    )
    if job is None or is_interrupted(job):
        job = start_job(
            "activity_rollup_pdf", user=request.user, params={"day": day.pk, "key": key}, title=f"{day.name} 汇总 PDF"
        )
    return redirect(job_url(job))


@permission_required(ROLL_UP, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_tables(request, pk):
    """Upload units' tables (xlsx, paper layout or the roll-up's), then see the preview."""
    day = get_object_or_404(ActivityDay, pk=pk)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要导入的 .xlsx 文件。"
        elif upload.size > MAX_UPLOAD:
            error = "文件超过 5 MB，请只保留统计表所在的工作表。"
        elif upload.size == 0:
            error = "上传的文件是空的。"
        else:
            stats_import = preview_import(day, request.user, upload.read(), upload.name)
            return redirect("activity_day_import_preview", pk=day.pk, import_id=stats_import.pk)
    return render(request, "forms_app/admin/activity_import.html", {"day": day, "error": error})


@permission_required(ROLL_UP, raise_exception=True)
def import_preview(request, pk, import_id):
    day = get_object_or_404(ActivityDay, pk=pk)
    stats_import = get_object_or_404(day.imports, pk=import_id)
    return render(
        request,
        "forms_app/admin/activity_import.html",
        {
            "day": day,
            "stats_import": stats_import,
            "fields": [(f, rules.SHORT[f]) for f in rules.COUNT_FIELDS],
        },
    )


@permission_required(ROLL_UP, raise_exception=True)
@require_POST
def import_confirm(request, pk, import_id):
    day = get_object_or_404(ActivityDay, pk=pk)
    stats_import = get_object_or_404(day.imports, pk=import_id)
    try:
        count = confirm_import(stats_import, request.user)
    except rules.StatsError as exc:
        messages.error(request, str(exc))
        return redirect("activity_day_import_preview", pk=day.pk, import_id=stats_import.pk)
    messages.success(request, f"已导入 {count} 个单位的统计表。")
    return redirect("activity_day_rollup", pk=day.pk)


class ActivityDayAdmin(ModelAdmin):
    model = ActivityDay
    menu_label = _("委员活动日")
    menu_icon = "date"
    list_display = ("name", "date", "deadline", "progress", "rollup_link")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("units", "reports")

    @admin.display(description=_("报送进度"))
    def progress(self, obj):
        return f"{obj.reports.count()} / {obj.units.count()}"

    @admin.display(description=_("汇总"))
    def rollup_link(self, obj):
        return format_html('<a href="{}">汇总、图表与导出</a>', reverse("activity_day_rollup", args=[obj.pk]))


class ReportingUnitAdmin(ModelAdmin):
    model = ReportingUnit
    menu_label = _("填报单位")
    menu_icon = "group"
    list_display = ("name", "variant", "committee", "sort_order")
    list_filter = ("variant",)


class ReportPermissionHelper(ReadOnlyPermissionHelper):
    """Reports come from units' forms and imports; each unit's reporters (and the committee
    office reporting for its committee) read their own, the organiser reads all: the same
    selector as the front end (rules.reports_visible_to)."""

    def user_can_inspect_obj(self, user, obj):
        return rules.reports_visible_to(user).filter(pk=obj.pk).exists()


class ActivityReportInspectView(InspectView):
    """The platform's numbers and the unit's reasons for differing, column by column, instead of
    the stored JSON."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["platform_notes"] = [
            (rules.SHORT[field], entry) for field, entry in self.instance.sources.items() if field in rules.SHORT
        ]
        return context


class ActivityReportAdmin(ModelAdmin):
    model = ActivityReport
    menu_label = _("统计表")
    menu_icon = "table"
    list_display = ("unit", "day", "stations", "active", "opinion_count", "deed_count", "upload_count", "updated_at")
    list_filter = ("day", "unit__variant")
    inspect_view_enabled = True
    inspect_view_class = ActivityReportInspectView
    inspect_view_fields_exclude = ["sources"]
    permission_helper_class = ReportPermissionHelper

    def get_queryset(self, request):
        return rules.reports_visible_to(request.user)

    # The paper table's headings are whole sentences: the list names its columns short.
    @admin.display(description=_("工作室"), ordering="workstations")
    def stations(self, obj):
        return obj.workstations

    @admin.display(description=_("组织活动的工作室"), ordering="active_workstations")
    def active(self, obj):
        return obj.active_workstations

    @admin.display(description=_("意见建议（条）"), ordering="opinions")
    def opinion_count(self, obj):
        return obj.opinions

    @admin.display(description=_("实事（件）"), ordering="deeds")
    def deed_count(self, obj):
        return obj.deeds

    @admin.display(description=_("上传动态的工作室"), ordering="uploads")
    def upload_count(self, obj):
        return obj.uploads


class ActivityDayGroup(ModelAdminGroup):
    menu_label = _("委员活动日")
    menu_icon = "date"
    menu_order = 240
    items = (ActivityDayAdmin, ReportingUnitAdmin, ActivityReportAdmin)


admin_urls = [
    path("activity-days/<int:pk>/rollup/", rollup, name="activity_day_rollup"),
    path("activity-days/<int:pk>/rollup.xlsx", rollup_xlsx_view, name="activity_day_rollup_xlsx"),
    path("activity-days/<int:pk>/rollup.pdf", rollup_pdf, name="activity_day_rollup_pdf"),
    path("activity-days/<int:pk>/import/", import_tables, name="activity_day_import"),
    path("activity-days/<int:pk>/import/<int:import_id>/", import_preview, name="activity_day_import_preview"),
    path("activity-days/<int:pk>/import/<int:import_id>/confirm/", import_confirm, name="activity_day_import_confirm"),
]
