"""What roster uploads leave in private storage, and removing what nobody will use.

A preview too large for a request stages its upload (people/job_kinds.py, roster_imports/queued/)
until the worker keeps it with its record; a preview with no error keeps its plan beside the record's
file (people/roster.py, `<file>.plan.json.gz`) for 确认导入. Both are removed as they stop mattering
(the staged file once kept or refused, a plan once confirmed or replaced by a newer preview); what a
crash, or a preview nobody confirmed, leaves behind goes with prune_roster_files (cron, daily)."""

from datetime import timedelta

from django.utils import timezone

from jobs.models import Job
from lianxin_site.storage import private_storage

from .job_kinds import STAGED
from .models import RosterImport
from .roster import PLAN_SUFFIX

ROOT = "roster_imports"
# Still wanted: an upload being confirmed, or one whose 确认导入 may still come.
AWAITING = (RosterImport.Status.PREVIEWED, RosterImport.Status.IMPORTING)
ACTIVE_JOB = (Job.Status.QUEUED, Job.Status.RUNNING)


def _files(storage, folder):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _files(storage, f"{folder}/{directory}")


def _unwanted_plan(name, since):
    """A plan whose upload is gone, done with (imported, failed), not confirmed for `days`, or
    replaced by a newer preview of the same person."""
    record = RosterImport.objects.filter(file=name.removesuffix(PLAN_SUFFIX)).first()
    if record is None or record.status not in AWAITING or record.uploaded_at < since:
        return True
    return (
        record.uploaded_by_id is not None
        and RosterImport.objects.filter(
            uploaded_by_id=record.uploaded_by_id, status=RosterImport.Status.PREVIEWED, pk__gt=record.pk
        ).exists()
    )


def prune_roster_files(days=7, now=None):
    """Remove the staged uploads older than `days` that no queued or running job will read, and the
    plans nobody will confirm from. Returns (staged, plans): how many of each were removed."""
    storage = private_storage()
    since = (now or timezone.now()) - timedelta(days=days)
    staged = plans = 0
    if not storage.exists(ROOT):
        return staged, plans
    queued = STAGED.rstrip("/")
    wanted = set(
        Job.objects.filter(kind="roster_preview", status__in=ACTIVE_JOB).values_list("params__file", flat=True)
    )
    if storage.exists(queued):
        for name in _files(storage, queued):
            if name not in wanted and storage.get_modified_time(name) < since:
                storage.delete(name)
                staged += 1
    for name in _files(storage, ROOT):
        if name.startswith(f"{queued}/") or not name.endswith(PLAN_SUFFIX):
            continue
        if _unwanted_plan(name, since):
            storage.delete(name)
            plans += 1
    return staged, plans
