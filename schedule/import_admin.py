"""年度活动安排 › 导入活动安排: seed 002's table (月份, 活动内容, 活动主体) as the roster is imported —
upload (size checked by the form, the archive by check_xlsx before any reader parses it) → preview
(新增 / 更新 / 无变化, or every problem as 第 N 行「列」：原因) → 确认导入 by the uploader, all or nothing,
once. Each upload is kept in private storage (ScheduleImport) with its plan year, who sent it and
when; it is seen by its uploader and by the offices that edit the whole plan. 下载模板 gives the
blank sheet."""

from functools import wraps

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.dates import this_year
from lianxin_site.downloads import xlsx_response
from lianxin_site.imports import confirm_and_tell, kept_file_response, preview_upload
from results.admin import forbidden

from . import rules, sheets
from .admin_forms import PlanUploadForm
from .models import ScheduleImport

RECENT = 20
REFUSAL = "您的账号不能导入年度活动安排。年度活动安排由区政协办公室、委员联络室和各专委会工作室导入。"


def may_import(user):
    return user.has_perm("schedule.add_scheduleimport") and user.has_perm("schedule.add_scheduleentry")


def importers_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_import(request.user):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "POST"])
@importers_only
def import_upload(request):
    if request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES)
    else:
        form = PlanUploadForm(initial={"year": this_year()})
    record = preview_upload(
        form,
        lambda upload: sheets.import_schedule(upload.read(), request.user, form.cleaned_data["year"], dry_run=True),
        lambda upload, report: ScheduleImport.keep(upload, request.user, report, year=form.cleaned_data["year"]),
    )
    if record:
        return redirect("schedule_import_preview", pk=record.pk)
    recent = rules.imports_visible_to(request.user).select_related("uploaded_by")[:RECENT]
    return render(
        request,
        "schedule/admin/import.html",
        {"form": form, "recent": recent, "year": this_year(), "aliases": alias_table()},
    )


def alias_table():
    """[(body, [the words that name it])] for the page's 填写方法."""
    words = {}
    for word, kind in sheets.ALIASES.items():
        words.setdefault(kind.label, []).append(word)
    return list(words.items())


def _record_for(request, pk):
    return get_object_or_404(rules.imports_visible_to(request.user).select_related("uploaded_by"), pk=pk)


@require_http_methods(["GET", "POST"])
@importers_only
def import_preview(request, pk):
    record = _record_for(request, pk)
    if request.method == "POST":
        if not record.sent_by(request.user):
            return forbidden(request, "只有上传这份文件的人可以确认导入。")
        return confirm_and_tell(
            request,
            record.pk,
            sheets.confirm_import,
            preview="schedule_import_preview",
            done=lambda report: (
                f"年度活动安排已导入：新增 {report.created} 项，更新 {report.updated} 项，{report.unchanged} 项无变化。"
            ),
            changed="没有导入：预览之后活动安排或基础数据发生了变化，出现了下面的问题，没有写入任何数据。",
        )
    return render(
        request,
        "schedule/admin/import_preview.html",
        {
            "record": record,
            "report": record.report,
            "can_confirm": record.awaits(request.user),
            "limit": sheets.PREVIEW_LIMIT,
        },
    )


@require_GET
@importers_only
def import_file(request, pk):
    """The uploaded file itself: it lies in private storage, which the web server never serves."""
    return kept_file_response(_record_for(request, pk))


@require_GET
@importers_only
def import_template(request):
    return xlsx_response(sheets.template_xlsx(), "年度活动安排-模板.xlsx")


MODELADMINS = ()
MENU = (("导入活动安排", "schedule_import", "upload", may_import, 20),)
urls = [
    path("schedule/import/", import_upload, name="schedule_import"),
    path("schedule/import/template/", import_template, name="schedule_import_template"),
    path("schedule/import/<int:pk>/", import_preview, name="schedule_import_preview"),
    path("schedule/import/<int:pk>/file/", import_file, name="schedule_import_file"),
]
