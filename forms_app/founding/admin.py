"""The offices' side of the 委员工作室建立申请 in the Wagtail admin: the list with the box each
application waits at and for how long, signing a box, and the xlsx export."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail_modeladmin.views import InspectView

from lianxin_site.admin_helpers import ModelAdmin, ReadOnlyPermissionHelper
from lianxin_site.downloads import xlsx_response
from lianxin_site.spreadsheet import table_xlsx

from . import rules
from .forms import SignOpinionForm
from .models import WorkstationApplication


def waited_label(application):
    days = rules.waited(application)
    if days is None:
        return "—"
    return "不到 1 天" if days == 0 else f"{days} 天"


class ApplicationPermissionHelper(ReadOnlyPermissionHelper):
    """Applications come from members' wizards: offices read them and sign their own box."""

    def user_can_inspect_obj(self, user, obj):
        return rules.applications_visible_to(user).filter(pk=obj.pk).exists()


class ApplicationInspectView(InspectView):
    """The application, its boxes, and, for the office it waits at, the form to sign."""

    def post(self, request, *args, **kwargs):
        form = SignOpinionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = rules.sign(
                    self.instance.pk,
                    request.user,
                    request.POST.get("stage", "0"),
                    data["decision"],
                    data["text"],
                    data["signed_on"],
                    data["approved_name"],
                )
            except rules.ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{application.name}：已签署{_done_label(application, data['decision'])}。")
                return redirect(self.url_helper.get_action_url("inspect", application.pk))
        self.instance.refresh_from_db()
        return self.render_to_response(self.get_context_data(sign_form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.instance
        stage = application.waiting_at
        can_sign = rules.can_sign(self.request.user, application)
        if can_sign and "sign_form" not in kwargs:
            context["sign_form"] = SignOpinionForm(
                initial={
                    "signed_on": timezone.localdate(),
                    "approved_name": application.name,
                }
            )
        context.update(
            application=application,
            participants=application.participants.select_related("member"),
            boxes=rules.boxes(application),
            opinions=application.opinions.all(),
            conditions=rules.application_conditions(application),
            stage=stage,
            can_sign=can_sign,
            is_chairs_meeting=stage == rules.Stage.CHAIRS_MEETING,
            waited=waited_label(application),
        )
        return context


def _done_label(application, decision):
    if application.status == WorkstationApplication.Status.APPROVED:
        return f"主席会议意见，工作室统一命名为“{application.approved_name}”，已建立工作室页面草稿"
    return {"approve": "同意", "return": "退回修改", "reject": "不同意"}[decision]


class WorkstationApplicationAdmin(ModelAdmin):
    model = WorkstationApplication
    menu_label = _("委员工作室申请")
    menu_icon = "home"
    menu_order = 230
    list_display = ("name", "lead", "committee", "status", "waiting_at_label", "waited", "submitted_at")
    list_filter = ("status", "stage", "committee")
    search_fields = ("name", "approved_name", "lead_member__name", "address")
    inspect_view_enabled = True
    inspect_view_class = ApplicationInspectView
    inspect_template_name = "forms_app/admin/application_inspect.html"
    index_template_name = "forms_app/admin/application_index.html"
    permission_helper_class = ApplicationPermissionHelper

    def get_queryset(self, request):
        return rules.applications_visible_to(request.user).order_by("status", "waiting_since")

    @admin.display(description=_("负责人"))
    def lead(self, obj):
        return obj.lead_member.name

    @admin.display(description=_("等待环节"))
    def waiting_at_label(self, obj):
        return rules.waiting_label(obj) or "—"

    @admin.display(description=_("已等待"))
    def waited(self, obj):
        return waited_label(obj)


EXPORT_COLUMNS = [
    ("工作室名称", lambda a: a.name),
    ("统一命名", lambda a: a.approved_name),
    ("申请方式", lambda a: a.get_kind_display()),
    ("地址", lambda a: a.address),
    ("形式", lambda a: a.get_mode_display()),
    ("依托", lambda a: a.basis_name),
    ("对口委室", lambda a: a.committee.name),
    ("负责人", lambda a: a.lead_member.name),
    ("单位及职务", lambda a: a.lead_employer_title),
    ("界别", lambda a: a.lead_sector.name),
    ("专长领域", lambda a: a.lead_specialties),
    ("联系方式", lambda a: a.lead_contact),
    ("参与委员", lambda a: "、".join(p.member.name for p in a.participants.all())),
    ("申请时间", lambda a: a.signed_on),
    ("状态", lambda a: a.get_status_display()),
    ("等待环节", rules.waiting_label),
    ("已等待天数", lambda a: rules.waited(a)),
    ("进入当前环节时间", lambda a: a.waiting_since),
]


@require_GET
def export_applications(request):
    """The applications the user may see, as the list shows them (its filters applied)."""
    if not request.user.has_perm("forms_app.view_workstationapplication"):
        return redirect("wagtailadmin_home")
    filters = {
        key: request.GET[key]
        for key in ("stage__exact", "committee__id__exact")
        if request.GET.get(key, "").isdecimal()
    }
    if request.GET.get("status__exact") in WorkstationApplication.Status.values:
        filters["status__exact"] = request.GET["status__exact"]
    applications = (
        rules.applications_visible_to(request.user)
        .filter(**filters)
        .select_related("lead_sector", "sector", "street_group")
        .prefetch_related("participants__member")
        .order_by("status", "waiting_since")
    )
    return xlsx_response(
        table_xlsx("委员工作室申请", EXPORT_COLUMNS, applications),
        f"委员工作室申请-{timezone.localdate():%Y%m%d}.xlsx",
    )


admin_urls = [
    path("workstation-applications/export/", export_applications, name="workstation_applications_export"),
]
