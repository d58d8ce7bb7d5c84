"""Starting, running and re-running background jobs.

- start_job(kind, *, user, params, title) records the job (排队中) and, once the caller's transaction
  commits, hands its id to the worker (jobs/tasks.py).
- run(job_id), in the worker, claims the job with a conditional UPDATE (排队中 → 运行中, attempts + 1):
  two workers handed the same job, or a 重新运行 clicked twice, and exactly one runs it. The
  handler and the job's outcome are written in one transaction: a worker killed mid-way leaves
  nothing written and the job 运行中 with a heartbeat that stops, which the page then shows as
  任务中断 (state_of).
- rerun(job, user) puts an interrupted or failed job back in the queue, once."""

import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from lianxin_site.errors import DomainError
from lianxin_site.imports import SheetFileError

from . import progress as progress_store
from .models import Job
from .registry import kind_of
from .rules import may_see

logger = logging.getLogger(__name__)

UNEXPECTED = "任务运行出错，没有写入任何数据。请点“重新运行”再试一次；如果仍然出错，请联系系统管理员。"
GONE_KIND = "这种任务已不再支持，无法运行。"
NO_RERUN = "这个任务失败的原因见上面的说明，重新运行也会同样失败，所以没有重新运行。"


class JobError(DomainError):
    """A job cannot be started again now (it is running, or done)."""


def stale_seconds():
    return getattr(settings, "JOBS_STALE_SECONDS", 60)


def heartbeat_seconds():
    return getattr(settings, "JOBS_HEARTBEAT_SECONDS", 5)


# ---------------------------------------------------------------------------
# Starting


def start_job(kind, *, user, params, title):
    """Record a job of a registered `kind` for `user` and queue it for the worker once the
    current transaction commits. Returns the Job (its page: jobs.views.job_url(job))."""
    if kind_of(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, title=title, params=params, created_by=user)
    _enqueue(job.pk)
    return job


def _enqueue(job_id):
    def enqueue():
        from .tasks import run_job

        queued = run_job.enqueue(str(job_id))
        Job.objects.filter(pk=job_id).update(task_id=str(queued.id)[:64])

    transaction.on_commit(enqueue)


# ---------------------------------------------------------------------------
# Running (in the worker)


def _claim(job_id):
    """排队中 → 运行中 in one conditional UPDATE; the run's number, or None if another took it."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started=timezone.now(), finished=None, error="", attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Job.objects.get(pk=job_id)


def _finish(job, attempt, status, *, progress, result=None, error=""):
    """Write the outcome, only while this run still owns the job (status 运行中, same attempt)."""
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=attempt).update(
        status=status,
        progress_done=progress.done,
        progress_total=progress.total,
        result=result or {},
        error=error,
        result_file=job.result_file.name or "",
        finished=timezone.now(),
    )


def run(job_id):
    job = _claim(job_id)
    if job is None:
        return
    attempt = job.attempts
    progress = progress_store.Progress(job.pk)
    with progress_store.Heartbeat(progress, heartbeat_seconds()):
        try:
            with transaction.atomic():
                kind = kind_of(job.kind)
                if kind is None:
                    raise JobError(GONE_KIND)
                result = kind.run(job, progress) or {}
                if not _finish(job, attempt, Job.Status.DONE, progress=progress, result=result):
                    # Given up for dead and run again meanwhile: that run's outcome stands.
                    transaction.set_rollback(True)
        except (DomainError, SheetFileError) as exc:
            _drop_file(job)
            _finish(job, attempt, Job.Status.FAILED, progress=progress, error=str(exc))
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _drop_file(job)
            _finish(job, attempt, Job.Status.FAILED, progress=progress, error=UNEXPECTED)


def _drop_file(job):
    """A failed run keeps no file: what it wrote to storage went with its transaction."""
    if job.result_file:
        job.result_file.delete(save=False)


# ---------------------------------------------------------------------------
# Watching and running again


def is_interrupted(job, state=None):
    """A 运行中 job whose worker stopped beating (killed, the machine restarted): 任务中断. With no
    heartbeat at all (the cache was cleared), the start time stands in for it."""
    if job.status == Job.Status.INTERRUPTED:
        return True
    if job.status != Job.Status.RUNNING:
        return False
    state = progress_store.read(job.pk) if state is None else state
    if state and state.get("beat"):
        last = state["beat"]
    elif job.started:
        last = job.started.timestamp()
    else:
        return False
    return time.time() - last > stale_seconds()


def may_rerun(job, interrupted):
    """重新运行 is offered when running again can succeed: the worker died, or the job failed on
    something unexpected. A job refused for a reason of its own (a file's content, DomainError)
    would fail the same way: its page says the reason and leads back instead."""
    return interrupted or (job.status == Job.Status.FAILED and job.error == UNEXPECTED)


def state_of(job):
    """What the status page shows, as the JSON it polls."""
    state = progress_store.read(job.pk) or {}
    interrupted = is_interrupted(job, state)
    if job.finished:
        done, total = job.progress_done, job.progress_total
    else:
        done, total = state.get("done", 0), state.get("total")
    if job.status == Job.Status.DONE and total:
        done = total
    result = job.result or {}
    return {
        "status": Job.Status.INTERRUPTED.value if interrupted else job.status,
        "label": "任务中断" if interrupted else job.get_status_display(),
        "done": done,
        "total": total,
        "percent": min(100, round(100 * done / total)) if total else (100 if job.status == Job.Status.DONE else 0),
        "note": state.get("note", ""),
        "finished": job.status in (Job.Status.DONE, Job.Status.FAILED) or interrupted,
        "interrupted": interrupted,
        "may_rerun": may_rerun(job, interrupted),
        "error": job.error,
        "message": str(result.get("message", "")),
        "redirect": str(result.get("redirect", "")) if job.status == Job.Status.DONE else "",
        "has_file": bool(job.result_file) and job.status == Job.Status.DONE,
    }


def rerun(job, user):
    """重新运行: an interrupted (or failed) job goes back to the queue, once; a second click, or a
    job still running or already done, is refused with the reason."""
    if not may_see(user, job):
        raise JobError("只有发起这个任务的人可以重新运行它。")
    if job.status == Job.Status.RUNNING and is_interrupted(job):
        # Only the run that was seen as dead: a run claimed since then keeps going.
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts).update(
            status=Job.Status.INTERRUPTED, finished=timezone.now()
        )
    rerunnable = Q(status=Job.Status.INTERRUPTED) | Q(status=Job.Status.FAILED, error=UNEXPECTED)
    again = Job.objects.filter(rerunnable, pk=job.pk).update(status=Job.Status.QUEUED, error="", finished=None)
    if not again:
        job.refresh_from_db()
        refusals = {
            Job.Status.QUEUED: "这个任务已在排队，不必重新运行。",
            Job.Status.RUNNING: "这个任务正在运行，不必重新运行。",
            Job.Status.DONE: "这个任务已经完成，不必重新运行。",
            Job.Status.FAILED: NO_RERUN,
        }
        raise JobError(refusals.get(job.status, "这个任务现在不能重新运行。"))
    progress_store.Progress(job.pk).reset()
    _enqueue(job.pk)
    job.refresh_from_db()
    return job
