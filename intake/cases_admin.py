"""群众诉求 › 诉求件, 登记诉求件, 逾期诉求件, 办理时限 in the admin (as 备案表 are, forms_app/five_ones/admin.py).

The list and the inspect page start from rules.cases_visible_to: 区政协办公室 and 研究室 every
case, 委员联络室 and a 专委会工作室 what was given to them. Search is by 受理编号 only: a citizen's
name, phone, email or address is never a search field. Nobody creates or edits a case through the
modeladmin forms; the steps are POST views calling intake/cases.py (case_admin_views)."""

from django.contrib import admin
from django.db.models import BooleanField, Value
from django.urls import path
from django.utils import timezone

from lianxin_site.admin_helpers import ModelAdmin, ReadOnlyPermissionHelper

from . import case_admin_views as views
from . import cases, rules
from .leads import strip_personal
from .models import Case, IntakeSettings


class CasePermissionHelper(ReadOnlyPermissionHelper):
    def user_can_list(self, user):
        return views.may_list_cases(user)

    def user_can_inspect_obj(self, user, obj):
        """Asked for each row of the list: no query for those who read every case, one per
        request for the others (request.user is one object for the whole request)."""
        if rules.reads_all_cases(user):
            return True
        visible = getattr(user, "_intake_visible_case_ids", None)
        if visible is None:
            visible = set(rules.cases_visible_to(user).values_list("pk", flat=True))
            user._intake_visible_case_ids = visible
        return obj.pk in visible


class CaseAdmin(ModelAdmin):
    model = Case
    menu_label = "诉求件"
    menu_icon = "mail"
    menu_order = 10
    list_display = ("number", "title", "channel", "status", "holder", "created_at", "due_display")
    list_filter = ("status", "channel", "category")
    search_fields = ("number",)  # never the citizen's personal data
    list_select_related = ("assignment__member", "assignment__station", "assignment__committee")
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_class = views.CaseInspectView
    inspect_template_name = "intake/admin/case_inspect.html"
    index_template_name = "intake/admin/case_index.html"
    permission_helper_class = CasePermissionHelper

    def get_queryset(self, request):
        personal = Value(request.user.has_perm("intake.view_personal_data"), output_field=BooleanField())
        return (
            cases.with_due(rules.cases_visible_to(request.user), IntakeSettings.load())
            .annotate(sees_personal=personal)
            .select_related(*self.list_select_related)
        )

    @admin.display(description="标题")
    def title(self, obj):
        """The subject, without a name or phone the citizen typed into it for those who may not read them."""
        return obj.subject if getattr(obj, "sees_personal", False) else strip_personal(obj.subject, obj)

    @admin.display(description="当前承办")
    def holder(self, obj):
        if obj.status == Case.Status.CLOSED:
            return "—"
        return cases.holder_label(obj)

    @admin.display(description="时限", ordering="step_started_at")
    def due_display(self, obj):
        due = getattr(obj, "due", None)
        if due is None:
            return "—"
        text = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
        return f"{text}（已逾期）" if due < timezone.now() else text


MODELADMINS = (CaseAdmin,)
MENU = (  # (label, url name, icon, allowed(user), order)
    ("登记诉求件", "intake_case_register", "plus", rules.is_registrar, 11),
    ("逾期诉求件", "intake_overdue", "warning", views.may_list_cases, 12),
    ("办理时限", "intake_settings", "time", views.may_change_settings, 13),
)
urls = [
    path("intake/cases/register/", views.register_case, name="intake_case_register"),
    path("intake/cases/<str:pk>/assign/", views.assign_case, name="intake_case_assign"),
    path("intake/cases/<str:pk>/review/", views.review_reply, name="intake_case_review"),
    path("intake/cases/<str:pk>/close/", views.close_case, name="intake_case_close"),
    path("intake/cases/<str:pk>/lead/", views.lead_from_case, name="intake_case_lead"),
    path("intake/overdue/", views.overdue_list, name="intake_overdue"),
    path("intake/settings/", views.intake_settings, name="intake_settings"),
]
