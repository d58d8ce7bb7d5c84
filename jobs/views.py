"""A job's page in the admin (/admin/jobs/<uuid>/): a progress bar that polls status.json every
second, then the result (a link, a file, or straight on to the page the handler names) or the
error in Chinese; an interrupted job offers 重新运行. Only who started the job, and superusers,
see it (jobs/rules.py)."""

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .models import Job
from .registry import kind_of
from .rules import jobs_visible_to
from .services import JobError, rerun, state_of


def job_url(job):
    return reverse("jobs_job", args=[job.pk])


def _job_for(request, pk):
    """The job, if the user may see it; anyone else is told it is not there."""
    return get_object_or_404(jobs_visible_to(request.user), pk=pk)


def _back(job):
    """Where the job was started from (params["back"], a path on this site), for 返回 after a failure."""
    back = str((job.params or {}).get("back", ""))
    return back if back.startswith("/") and not back.startswith("//") else ""


@require_GET
@never_cache
def job_page(request, pk):
    job = _job_for(request, pk)
    kind = kind_of(job.kind)
    return TemplateResponse(
        request,
        "jobs/admin/job.html",
        {
            "job": job,
            "kind_label": kind.label if kind else job.kind,
            "state": state_of(job),
            "status_url": reverse("jobs_job_status", args=[job.pk]),
            "back": _back(job),
        },
    )


@require_GET
@never_cache
def job_status(request, pk):
    job = _job_for(request, pk)
    state = state_of(job)
    if state["has_file"]:
        state["file_url"] = reverse("jobs_job_file", args=[job.pk])
    if state["redirect"] and state["message"]:
        # job.js goes straight on to the page the job names: its outcome goes with it, as the
        # request does for a small file (“名册已导入：新增 3 人……” above the member list).
        messages.success(request, state["message"])
    return JsonResponse(state, json_dumps_params={"ensure_ascii": False})


@require_POST
def job_rerun(request, pk):
    job = _job_for(request, pk)
    try:
        rerun(job, request.user)
    except JobError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, "任务已重新排队运行。")
    return redirect("jobs_job", pk=job.pk)


@require_GET
def job_file(request, pk):
    """The job's result file, from private storage (which the web server never serves)."""
    job = _job_for(request, pk)
    if job.status != Job.Status.DONE or not job.result_file or not job.result_file.storage.exists(job.result_file.name):
        raise Http404("结果文件已不存在。")
    filename = (job.result or {}).get("filename") or job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=filename)
