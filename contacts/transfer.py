"""三联系 › 导入联系记录 in the admin (the reading, checking and writing is sheets.py).

Upload (size and name checked by the form, the archive by check_xlsx before any reader parses it)
→ preview (新增 / 已存在 / 错误 and the first rows) → 确认导入 by the uploader, all or nothing, once
(lianxin_site.imports.confirm_upload). Each upload is kept in private storage (ContactImport,
kind 联系记录) and listed as 导入记录 to whom rules.imports_visible_to admits; its file is served by
a view that asks the same selector (404 for anyone else).

URLs (admin): contacts_import, contacts_import_template, contacts_import_preview,
contacts_import_file."""

from functools import wraps

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.downloads import xlsx_response
from lianxin_site.imports import XlsxUploadForm, confirm_and_tell, kept_file_response, preview_upload
from results.admin import forbidden

from . import rules, sheets
from .models import ContactImport

PER_PAGE = 20
REFUSAL = "您的账号没有导入联系记录的权限（专委会工作室或委员联络室）。"


class UploadForm(XlsxUploadForm):
    table = "联系记录表"
    columns = sheets.COLUMNS
    too_big_hint = "请分成几个文件分别导入。"

    def max_bytes(self):
        return sheets.max_upload_bytes()


def may_import(user):
    return user.has_perm(rules.IMPORT)


def importer(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_import(request.user):
            return forbidden(request, REFUSAL)
        return view(request, *args, **kwargs)

    return wrapped


def _record(request, pk):
    return get_object_or_404(rules.imports_visible_to(request.user).select_related("uploaded_by"), pk=pk)


@require_http_methods(["GET", "POST"])
@importer
def import_page(request):
    """The upload form, how to fill each column, and the 导入记录 the user may see."""
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    record = preview_upload(
        form,
        lambda upload: sheets.import_activities(upload.read(), request.user, dry_run=True),
        lambda upload, report: ContactImport.keep(upload, request.user, report, kind=ContactImport.Kind.ACTIVITIES),
    )
    if record:
        return redirect("contacts_import_preview", pk=record.pk)
    records = rules.imports_visible_to(request.user).select_related("uploaded_by")
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("p"))
    return render(
        request,
        "contacts/transfer/upload.html",
        {"form": form, "page": page, "limit": sheets.max_upload_bytes(), "guide": sheets.GUIDE},
    )


@require_GET
@importer
def blank_template(request):
    return xlsx_response(sheets.blank_template(), "联系记录导入模板.xlsx")


@require_http_methods(["GET", "POST"])
@importer
def import_preview(request, pk):
    record = _record(request, pk)
    if request.method == "POST":
        if not record.sent_by(request.user):
            return forbidden(request, "只有上传这份联系记录表的人可以确认导入。")
        return confirm_and_tell(
            request,
            record.pk,
            sheets.confirm_import,
            preview="contacts_import_preview",
            done=lambda report: f"联系记录已导入：新增 {report.created} 条，{report.unchanged} 条已存在，未重复导入。",
            changed="没有导入：预览之后情况发生了变化，出现了下面的问题，没有写入任何数据。",
        )
    report = record.report
    shown = len(report.get("changes", []))
    return render(
        request,
        "contacts/transfer/preview.html",
        {
            "record": record,
            "report": report,
            "more": report.get("created", 0) + report.get("unchanged", 0) - shown,
            "can_confirm": record.awaits(request.user),
        },
    )


@require_GET
@importer
def import_file(request, pk):
    """The uploaded file itself, from private storage, to whom may see the upload."""
    return kept_file_response(_record(request, pk))


urls = [
    path("contacts/activity-import/", import_page, name="contacts_import"),
    path("contacts/activity-import/template.xlsx", blank_template, name="contacts_import_template"),
    path("contacts/activity-import/<int:pk>/", import_preview, name="contacts_import_preview"),
    path("contacts/activity-import/<int:pk>/file/", import_file, name="contacts_import_file"),
]

MENU = [("导入联系记录", "contacts_import", "upload", may_import, 300)]
