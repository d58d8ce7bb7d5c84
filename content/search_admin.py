"""设置 › 重建搜索索引 (superusers only): a page with one button that starts the `search_rebuild`
job (content/job_kinds.py) and goes to its progress page. While one rebuild is queued or running,
the button leads to it instead of starting a second."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from wagtail.admin.menu import MenuItem

from jobs.models import Job
from jobs.services import is_interrupted, start_job
from jobs.views import job_url

KIND = "search_rebuild"


def may_rebuild(user):
    return user.is_active and user.is_superuser


def running_rebuild():
    job = Job.objects.filter(kind=KIND, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).first()
    return None if job is None or is_interrupted(job) else job


@require_http_methods(["GET", "POST"])
def search_rebuild(request):
    if not may_rebuild(request.user):
        raise PermissionDenied
    running = running_rebuild()
    if request.method == "POST":
        job = running or start_job(KIND, user=request.user, params={}, title="重建搜索索引")
        return redirect(job_url(job))
    last = Job.objects.filter(kind=KIND, status=Job.Status.DONE).order_by("-finished").first()
    return TemplateResponse(request, "content/admin/search_rebuild.html", {"running": running, "last": last})


urls = [path("search-rebuild/", search_rebuild, name="content_search_rebuild")]


class RebuildMenuItem(MenuItem):
    def is_shown(self, request):
        return may_rebuild(request.user)


def menu_item():
    return RebuildMenuItem("重建搜索索引", reverse("content_search_rebuild"), icon_name="search", order=900)
