from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from lianxin_site.admin_helpers import ModelAdmin, ReadOnlyPermissionHelper, one_button_helper

from . import views
from .models import Job
from .registry import kind_of
from .rules import jobs_visible_to


@hooks.register("register_admin_urls")
def register_job_urls():
    return [
        path("jobs/<uuid:pk>/", views.job_page, name="jobs_job"),
        path("jobs/<uuid:pk>/status.json", views.job_status, name="jobs_job_status"),
        path("jobs/<uuid:pk>/rerun/", views.job_rerun, name="jobs_job_rerun"),
        path("jobs/<uuid:pk>/file/", views.job_file, name="jobs_job_file"),
    ]


class JobPermissionHelper(ReadOnlyPermissionHelper):
    """Everyone who reaches the admin has a 后台任务 list (their own jobs: jobs/rules.py); jobs are
    made by the screens that start them, never by hand."""

    def user_can_list(self, user):
        return user.is_active and user.is_authenticated

    def user_can_inspect_obj(self, user, obj):
        return False


class JobAdmin(ModelAdmin):
    model = Job
    menu_label = _("后台任务")
    menu_icon = "time"
    menu_order = 900
    permission_helper_class = JobPermissionHelper
    button_helper_class = one_button_helper("jobs_job", _("查看任务的进度与结果"))
    list_display = ("title", "kind_label", "status", "created", "finished")
    list_filter = ("status",)

    def get_queryset(self, request):
        return jobs_visible_to(request.user)

    @admin.display(description=_("类型"))
    def kind_label(self, obj):
        kind = kind_of(obj.kind)
        return kind.label if kind else obj.kind


modeladmin_register(JobAdmin)
