"""The 签到表 of a street-group activity on the front end (the reading, checking and writing is
sheets.py), beside the activity it belongs to.

Upload (size and name checked by the form, before any reader opens the file; the archive by
check_xlsx) → preview (新增 / 更新 / 无变化 and the rows, or every 第 N 行「列」：原因) → 确认导入 by the
uploader, all or nothing, once (lianxin_site.imports.confirm_upload). Each upload is kept in
private storage (SignInImport) and seen by whom may write its activity's group; its file is served
by a view that asks the same (404 for anyone else).

URL names: street_group_signin_template, street_group_signin_upload, street_group_signin_preview,
street_group_signin_file."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.downloads import xlsx_response
from lianxin_site.imports import XlsxUploadForm, confirm_and_tell, kept_file_response, preview_upload
from lianxin_site.refusals import refused

from . import rules, sheets, street_activities
from .models import SignInImport

RECENT = 5


class UploadForm(XlsxUploadForm):
    table = "签到表"
    columns = sheets.COLUMNS

    def help_text(self):
        return "Excel（.xlsx）文件，表头：" + "、".join(self.columns) + "（可有“序号”列）。"

    def max_bytes(self):
        return sheets.max_upload_bytes()


def writer(view):
    """login_required, never cached; the view gets an activity the user writes (404 for any other)."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        activity = get_object_or_404(
            street_activities.activities_visible_to(request.user).select_related("group"), pk=pk
        )
        if not rules.may_write_group(request.user, activity.group):
            raise Http404("没有这项活动。")
        return view(request, activity, *args, **kwargs)

    return wrapped


def _record(request, pk):
    """A kept upload of an activity the user writes; 404 for any other."""
    record = get_object_or_404(SignInImport.objects.select_related("activity__group", "uploaded_by"), pk=pk)
    if not rules.may_write_group(request.user, record.activity.group):
        raise Http404("没有这份签到表。")
    return record


@require_GET
@writer
def blank_sheet(request, activity):
    return xlsx_response(sheets.blank_sheet(activity), sheets.sheet_filename(activity))


@require_http_methods(["GET", "POST"])
@writer
def sign_in_upload(request, activity):
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    record = preview_upload(
        form,
        lambda upload: sheets.import_sign_in(activity, upload.read(), request.user, dry_run=True),
        lambda upload, report: SignInImport.keep(upload, request.user, report, activity=activity),
    )
    if record:
        return redirect("street_group_signin_preview", pk=record.pk)
    return render(
        request,
        "stations/activities/signin_upload.html",
        {
            "activity": activity,
            "form": form,
            "recent": activity.imports.select_related("uploaded_by")[:RECENT],
            "limit": sheets.max_upload_bytes(),
            "columns": sheets.COLUMNS,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_preview(request, pk):
    record = _record(request, pk)
    if request.method == "POST":
        if not record.sent_by(request.user):
            return refused(request, "只有上传这份签到表的人可以确认导入。")
        return confirm_and_tell(
            request,
            record.pk,
            sheets.confirm_import,
            preview="street_group_signin_preview",
            done=lambda report: (
                f"签到表已导入：新增 {report.created} 人，更新 {report.updated} 人，{report.unchanged} 人无变化。"
            ),
            changed="没有导入：预览之后情况发生了变化，出现了下面的问题，没有写入任何数据。",
        )
    return render(
        request,
        "stations/activities/signin_preview.html",
        {
            "record": record,
            "activity": record.activity,
            "report": record.report,
            "can_confirm": record.awaits(request.user),
        },
    )


@login_required
@require_GET
def sign_in_file(request, pk):
    return kept_file_response(_record(request, pk))


urlpatterns = [
    path("activities/<int:pk>/signin/template.xlsx", blank_sheet, name="street_group_signin_template"),
    path("activities/<int:pk>/signin/", sign_in_upload, name="street_group_signin_upload"),
    path("signin/<int:pk>/", sign_in_preview, name="street_group_signin_preview"),
    path("signin/<int:pk>/file/", sign_in_file, name="street_group_signin_file"),
]
