"""The roster's work for the worker (jobs/): previewing and importing a file too large for a
request (more than settings.ROSTER_WORKER_ROWS rows). Each does what the admin's request does for
a small file (people/views.py), with the same services (people/roster.py), and ends on the same
preview page. Each runs inside the job's one transaction: all or nothing, as in the request."""

import tempfile
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from jobs.registry import job_kind
from lianxin_site.errors import DomainError
from lianxin_site.imports import SheetFileError
from lianxin_site.storage import private_storage

from .models import Member, RosterImport
from .roster import CHANGED_SINCE_PREVIEW, confirm_import, imported_words, preview_upload
from .roster_export import export_filename, write_roster

STAGED = "roster_imports/queued/"


class RosterJobError(DomainError):
    pass


def stage_upload(data, name):
    """Keep an uploaded roster in private storage until the worker previews it: the params of
    a preview job (the file's place and the name it came with)."""
    stored = private_storage().save(f"{STAGED}{uuid.uuid4().hex}.bin", ContentFile(data))
    return {"file": stored, "name": name}


def drop_staged(params):
    private_storage().delete(params["file"])


def staged_data(params):
    storage = private_storage()
    if not storage.exists(params["file"]):
        raise RosterJobError("上传的名册文件已不存在，请重新上传。")
    with storage.open(params["file"], "rb") as handle:
        return handle.read()


@job_kind("roster_preview", label="名册预览")
def preview(job, progress):
    """Check every row (a dry run that writes no member) and keep the upload with its report,
    then send the admin on to the usual preview page."""
    params = job.params
    progress.note("正在读取名册文件")
    data = staged_data(params)
    try:
        record = preview_upload(data, params["name"], job.created_by, progress=progress)
    except (DomainError, SheetFileError):
        # Refused for its content: running again would fail the same way (the job offers no
        # 重新运行), so the staged file goes now. After anything unexpected it stays for 重新运行
        # (prune_roster_files removes it when nobody has for a week).
        drop_staged(params)
        raise
    report = record.report
    transaction.on_commit(lambda: drop_staged(params))
    return {
        "redirect": reverse("people_roster_preview", args=[record.pk]),
        "message": f"名册已检查完毕：共 {report['total']} 行，发现 {len(report['errors'])} 个问题。",
        "record": record.pk,
    }


@job_kind("roster_import", label="名册导入")
def import_previewed(job, progress):
    """确认导入 of a previewed upload, through the one claim (confirm_import): a second job for
    the same upload is told it was imported already."""
    progress.note("正在导入名册")
    record, report = confirm_import(job.params["record"], progress=progress)
    if record.status == RosterImport.Status.IMPORTED:
        return {
            "redirect": reverse("people_member_modeladmin_index"),
            "message": imported_words(report),
        }
    # The roster changed since the preview and the file no longer imports: the upload is
    # recorded 导入失败 with the problems, which its preview page lists.
    return {
        "redirect": reverse("people_roster_preview", args=[record.pk]),
        "message": CHANGED_SINCE_PREVIEW,
    }


@job_kind("roster_export", label="导出委员名册")
def run_export(job, progress):
    """Write the roster in params["format"] to a temporary file and keep it with the job (private
    storage): its page offers the download to whoever started it."""
    fmt = job.params["format"]
    total = Member.objects.count()
    progress.reset(total=total)
    progress.note(f"正在导出 {total:,} 名委员")
    filename = export_filename(fmt)
    with tempfile.NamedTemporaryFile(suffix=f".{fmt}") as out:
        write_roster(out, fmt, progress=progress)
        out.flush()
        job.keep_file(filename, out.name)
    return {"message": f"已导出 {total:,} 名委员，请下载文件。", "filename": filename}
