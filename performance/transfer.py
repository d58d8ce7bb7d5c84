"""签到表 in the admin (the reading, checking and writing is sheets.py): the activities a user
organises (rules.activities_for: all for 委员联络室, its own for a 专委会工作室), each with its
blank 签到表 and its import.

Import, as for the 履职成果 registry: upload (size checked by the form, the archive by
check_xlsx before any reader parses it) → preview (新增 / 更新 / 无变化 and the rows) → 确认导入
by the uploader, all or nothing, once. Each upload is kept in private storage (SignInImport) and
seen by those who organise its activity.

TRANSFER_MENU: [(label, url name, icon, allowed(user), order)] for the 履职档案 admin menu."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.dates import this_year, year_param
from lianxin_site.downloads import xlsx_response
from lianxin_site.imports import XlsxUploadForm, confirm_and_tell, kept_file_response, preview_upload
from results.admin import forbidden

from . import rules, sheets
from .models import SignInImport

RECENT = 10


class UploadForm(XlsxUploadForm):
    table = "签到表"
    columns = sheets.COLUMNS

    def max_bytes(self):
        return sheets.max_upload_bytes()


REFUSAL = "您的账号没有登记履职活动出勤的权限（委员联络室，或组织活动的专委会工作室）。"


def may_record(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not rules.may_record_attendance(request.user):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def _activity(request, pk):
    """An activity the user organises; 404 for any other."""
    return get_object_or_404(rules.activities_for(request.user), pk=pk)


def _record(request, pk):
    record = get_object_or_404(SignInImport.objects.select_related("activity", "uploaded_by"), pk=pk)
    if not rules.activities_for(request.user).filter(pk=record.activity_id).exists():
        raise Http404("没有这份导入记录。")
    return record


@require_GET
@may_record
def activity_list(request):
    """The year's activities the user organises, each with its 签到表."""
    year = year_param(request.GET.get("year"))
    activities = rules.activities_for(request.user).filter(start__year=year).select_related("organiser")
    now = timezone.now()
    return render(
        request,
        "performance/transfer/activities.html",
        {
            "year": year,
            "years": range(this_year(), this_year() - 5, -1),
            "rows": [(a, rules.organiser_name(a), a.start <= now) for a in activities.order_by("-start")],
            "frozen": rules.frozen_message(year),
        },
    )


@require_GET
@may_record
def blank_sheet(request, pk):
    activity = _activity(request, pk)
    return xlsx_response(sheets.blank_sheet(activity), sheets.sheet_filename(activity))


@require_http_methods(["GET", "POST"])
@may_record
def sign_in_upload(request, pk):
    activity = _activity(request, pk)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    record = preview_upload(
        form,
        lambda upload: sheets.import_sign_in(activity, upload.read(), request.user, dry_run=True, filename=upload.name),
        lambda upload, report: SignInImport.keep(upload, request.user, report, activity=activity),
    )
    if record:
        return redirect("performance_sign_in_preview", pk=record.pk)
    return render(
        request,
        "performance/transfer/upload.html",
        {
            "activity": activity,
            "organiser": rules.organiser_name(activity),
            "refusal": rules.attendance_refusal(activity),
            "form": form,
            "recent": activity.sign_in_imports.select_related("uploaded_by")[:RECENT],
            "limit": sheets.max_upload_bytes(),
        },
    )


@require_http_methods(["GET", "POST"])
@may_record
def sign_in_preview(request, pk):
    record = _record(request, pk)
    if request.method == "POST":
        if not record.sent_by(request.user):
            return forbidden(request, "只有上传这份签到表的人可以确认导入。")
        return _confirm(request, record.pk)
    return render(
        request,
        "performance/transfer/preview.html",
        {
            "record": record,
            "activity": record.activity,
            "report": record.report,
            "can_confirm": record.awaits(request.user),
        },
    )


def _confirm(request, pk):
    return confirm_and_tell(
        request,
        pk,
        sheets.confirm_import,
        preview="performance_sign_in_preview",
        done=lambda report: (
            f"签到表已导入：新增 {report.created} 人，更新 {report.updated} 人，{report.unchanged} 人无变化。"
        ),
        changed="没有导入：预览之后情况发生了变化，出现了下面的问题，没有写入任何数据。",
    )


@require_GET
@may_record
def sign_in_file(request, pk):
    """The uploaded file itself, from private storage, to those who organise the activity."""
    record = _record(request, pk)
    return kept_file_response(record)


transfer_urls = [
    path("performance/sign-in/", activity_list, name="performance_sign_in"),
    path("performance/sign-in/<int:pk>/sheet.xlsx", blank_sheet, name="performance_sign_in_sheet"),
    path("performance/sign-in/<int:pk>/import/", sign_in_upload, name="performance_sign_in_upload"),
    path("performance/sign-in/import/<int:pk>/", sign_in_preview, name="performance_sign_in_preview"),
    path("performance/sign-in/import/<int:pk>/file/", sign_in_file, name="performance_sign_in_file"),
]

TRANSFER_MENU = [
    ("签到表导入", "performance_sign_in", "upload", rules.may_record_attendance, 150),
]
