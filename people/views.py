"""Roster import (upload → preview → confirm) and export, inside the Wagtail admin."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from jobs.models import Job
from jobs.services import start_job
from jobs.views import job_url
from lianxin_site.downloads import XLSX_TYPE, streamed_file_response
from lianxin_site.imports import ImportRefused, kept_file_response

from .forms import RosterUploadForm
from .job_kinds import stage_upload
from .models import Member, RosterImport
from .roster import (
    CHANGED_SINCE_PREVIEW,
    RosterFileError,
    confirm_import,
    imported_words,
    preview_upload,
    roster_rows,
    runs_in_worker,
)
from .roster_export import EXPORT_FORMATS, csv_chunks, export_filename, roster_file, worker_rows

CONTENT_TYPES = {
    "xlsx": XLSX_TYPE,
    "csv": "text/csv; charset=utf-8",
}


@require_http_methods(["GET", "POST"])
@permission_required("people.import_roster", raise_exception=True)
def roster_import_upload(request):
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
    else:
        form = RosterUploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        rows = roster_rows(data)
        if runs_in_worker(rows):
            job = start_job(
                "roster_preview",
                user=request.user,
                params={**stage_upload(data, upload.name), "back": reverse("people_roster_import")},
                title=f"名册预览：{upload.name}（约 {rows:,} 行）",
            )
            return redirect(job_url(job))
        try:
            record = preview_upload(data, upload.name, request.user)
        except RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("people_roster_preview", pk=record.pk)
    return render(request, "people/admin/roster_import.html", {"form": form})


def _record_for(request, pk):
    record = get_object_or_404(RosterImport, pk=pk)
    if not request.user.has_perm("people.view_rosterimport"):
        raise PermissionDenied
    return record


@require_http_methods(["GET", "POST"])
def roster_import_preview(request, pk):
    record = _record_for(request, pk)
    is_uploader = record.sent_by(request.user) and request.user.has_perm("people.import_roster")
    if request.method == "POST":
        if not is_uploader:
            raise PermissionDenied
        return _confirm(request, record.pk)
    running = _import_job(record)
    return render(
        request,
        "people/admin/roster_preview.html",
        {
            "record": record,
            "report": record.report,
            "can_confirm": is_uploader and record.awaits(request.user) and running is None,
            "import_job": running,
        },
    )


def _import_job(record):
    """The worker's import of this upload, queued or running: until it commits, the upload still
    reads 待确认 (its claim is inside the job's transaction)."""
    return (
        Job.objects.filter(kind="roster_import", params__record=record.pk, status__in=ACTIVE_JOB)
        .order_by("-created")
        .first()
    )


ACTIVE_JOB = (Job.Status.QUEUED, Job.Status.RUNNING)


def _confirm(request, pk):
    record = RosterImport.objects.get(pk=pk)
    if record.awaits(request.user) and runs_in_worker(record.report.get("total", 0)):
        running = _import_job(record)
        if running is not None:
            messages.info(request, "这份名册正在导入，请稍候查看结果；不必再次确认。")
            return redirect(job_url(running))
        job = start_job(
            "roster_import",
            user=request.user,
            params={"record": record.pk, "back": reverse("people_roster_preview", args=[record.pk])},
            title=f"名册导入：{record.original_name}（{record.report.get('total', 0):,} 行）",
        )
        return redirect(job_url(job))
    try:
        record, report = confirm_import(pk)
    except ImportRefused as exc:
        messages.info(request, str(exc))
        return redirect("people_roster_preview", pk=pk)
    if record.status == RosterImport.Status.IMPORTED:
        messages.success(request, imported_words(report))
        return redirect("people_member_modeladmin_index")
    messages.error(request, CHANGED_SINCE_PREVIEW)
    return redirect("people_roster_preview", pk=pk)


@require_GET
@permission_required("people.export_roster", raise_exception=True)
def roster_export(request):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        fmt = "xlsx"
    if Member.objects.count() > worker_rows():  # the worker writes it; its page offers the file
        job = start_job("roster_export", user=request.user, params={"format": fmt}, title=f"导出委员名册（{fmt}）")
        return redirect(job_url(job))
    # CSV is streamed as it is read; xlsx is written to a temporary file, sent from there, and gone.
    content = csv_chunks() if fmt == "csv" else roster_file(fmt)
    return streamed_file_response(content, export_filename(fmt), CONTENT_TYPES[fmt])


@require_GET
@permission_required("people.import_roster", raise_exception=True)
def roster_import_file(request, pk):
    """The uploaded roster file itself, to those who import rosters: it lies in the private
    storage, which the web server never serves, so this view is its only way out."""
    return kept_file_response(get_object_or_404(RosterImport, pk=pk))
