"""Import and export of the registry as xlsx, in the committee's column order, inside the Wagtail
admin (the reading, checking and writing is results/sheets.py).

Import, as for the roster: upload (size checked by the form, the archive by check_xlsx before any
reader parses it) → preview (新增 / 更新 / 无变化 and the rows) → 确认导入 by the uploader, all or
nothing, once. Each upload is kept in private storage (ResultImport) with who sent it and when;
it is seen by its uploader and by those who handle every 类别 it holds (提案委 for 提案, 研究室
for the rest), so that an upload never shows another office's entries.

Export: GET results/export/?year=2026&kind=proposal (kind optional) downloads the confirmed
entries the user may see (rules.results_visible_to) in the same layout; without ?year it shows a
small form to choose.

TRANSFER_MENU: [(label, url name, icon, allowed(user), order)] for the 履职成果 admin menu."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.dates import this_year, year_param
from lianxin_site.downloads import xlsx_response
from lianxin_site.imports import XlsxUploadForm, confirm_and_tell, kept_file_response, preview_upload

from . import rules, sheets
from .admin import forbidden
from .models import Kind, ResultImport

IMPORT = "results.import_results"
EXPORT = "results.export_results"
RECENT = 20


class UploadForm(XlsxUploadForm):
    table = "履职成果表"
    columns = sheets.COLUMNS
    too_big_hint = "请分成几个文件分别导入。"

    def max_bytes(self):
        return sheets.max_upload_bytes()


def requires(permission, message):
    """Answer 403 with `message` (admin.forbidden, not Wagtail's redirect to the dashboard) unless
    the user holds `permission`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                return forbidden(request, message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


may_import = requires(IMPORT, "您的账号没有导入履职成果的权限（提案委导入提案，研究室导入其他成果）。")
may_export = requires(EXPORT, "您的账号没有导出履职成果的权限。")


def may_see(user, record):
    """The uploader, and those who handle every 类别 the file holds."""
    if record.uploaded_by_id == user.pk or user.is_superuser:
        return True
    # A file refused before its kinds were read lists none: only its uploader sees it.
    return bool(record.kinds) and user.has_perm(IMPORT) and all(rules.manages(user, kind) for kind in record.kinds)


@require_http_methods(["GET", "POST"])
@may_import
def import_upload(request):
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    record = preview_upload(
        form,
        lambda upload: sheets.import_results(upload.read(), request.user, dry_run=True, filename=upload.name),
        lambda upload, report: ResultImport.keep(upload, request.user, report, kinds=report.kinds),
    )
    if record:
        return redirect("results_import_preview", pk=record.pk)
    recent = [r for r in ResultImport.objects.select_related("uploaded_by")[: RECENT * 5] if may_see(request.user, r)]
    return render(
        request,
        "results/transfer/import.html",
        {
            "form": form,
            "recent": recent[:RECENT],
            "kinds": [(value, label) for value, label in Kind.choices if rules.manages(request.user, value)],
            "year": this_year(),
        },
    )


def _record_for(request, pk):
    record = get_object_or_404(ResultImport.objects.select_related("uploaded_by"), pk=pk)
    if not may_see(request.user, record):
        raise Http404("没有这份导入记录。")
    return record


@require_http_methods(["GET", "POST"])
@may_import
def import_preview(request, pk):
    record = _record_for(request, pk)
    if request.method == "POST":
        if not record.sent_by(request.user):
            return forbidden(request, "只有上传这份文件的人可以确认导入。")
        return _confirm(request, record.pk)
    return render(
        request,
        "results/transfer/preview.html",
        {
            "record": record,
            "report": record.report,
            "can_confirm": record.awaits(request.user),
            "limit": sheets.PREVIEW_LIMIT,
        },
    )


def _confirm(request, pk):
    return confirm_and_tell(
        request,
        pk,
        sheets.confirm_import,
        preview="results_import_preview",
        done=lambda report: (
            f"履职成果已导入：新增 {report.created} 项，更新 {report.updated} 项，{report.unchanged} 项无变化。"
        ),
        changed="没有导入：预览之后登记簿或名册发生了变化，出现了下面的问题，没有写入任何数据。",
    )


@require_GET
@may_import
def import_file(request, pk):
    """The uploaded file itself: it lies in private storage, which the web server never serves."""
    record = _record_for(request, pk)
    return kept_file_response(record)


@require_GET
@may_export
def export(request):
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    if "year" not in request.GET:
        years = set(rules.results_visible_to(request.user).order_by().values_list("year", flat=True).distinct())
        return render(
            request,
            "results/transfer/export.html",
            {
                "years": sorted(years | {this_year()}, reverse=True),
                "year": this_year(),
                "kinds": Kind.choices,
                "kind": kind,
            },
        )
    year = year_param(request.GET["year"])
    results = rules.results_visible_to(request.user).filter(year=year)
    if kind:
        results = results.filter(kind=kind)
    name = f"履职成果-{year}年{'-' + Kind(kind).label if kind else ''}.xlsx"
    return xlsx_response(sheets.export_results(results), name)


def can_import(user):
    return user.has_perm(IMPORT)


def can_export(user):
    return user.has_perm(EXPORT)


transfer_urls = [
    path("results/import/", import_upload, name="results_import"),
    path("results/import/<int:pk>/", import_preview, name="results_import_preview"),
    path("results/import/<int:pk>/file/", import_file, name="results_import_file"),
    path("results/export/", export, name="results_export"),
]

TRANSFER_MENU = [
    ("导入履职成果", "results_import", "upload", can_import, 300),
    ("导出履职成果", "results_export", "download", can_export, 310),
]
