from django.contrib import admin
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register
from wagtail_modeladmin.views import InspectView

from lianxin_site.admin_helpers import ReadOnlyPermissionHelper

from . import activity_day_admin, admin_views, founding_admin
from . import filing as rules
from .forms import ReturnForm
from .models import FilingYear, FiveOnesFiling


@hooks.register("register_admin_urls")
def register_filing_urls():
    return [
        path("five-ones/<int:pk>/act/", admin_views.act_on_filing, name="five_ones_act"),
        path("five-ones/board/", admin_views.deadline_board, name="five_ones_board"),
        path("five-ones/export/", admin_views.export_year, name="five_ones_export"),
        path("workstation-applications/export/", founding_admin.export_applications,
             name="workstation_applications_export"),
        path("activity-days/<int:pk>/rollup/", activity_day_admin.rollup, name="activity_day_rollup"),
        path("activity-days/<int:pk>/rollup.xlsx", activity_day_admin.rollup_xlsx_view, name="activity_day_rollup_xlsx"),
        path("activity-days/<int:pk>/rollup.pdf", activity_day_admin.rollup_pdf, name="activity_day_rollup_pdf"),
        path("activity-days/<int:pk>/import/", activity_day_admin.import_tables, name="activity_day_import"),
        path("activity-days/<int:pk>/import/<int:import_id>/", activity_day_admin.import_preview,
             name="activity_day_import_preview"),
        path("activity-days/<int:pk>/import/<int:import_id>/confirm/", activity_day_admin.import_confirm,
             name="activity_day_import_confirm"),
    ]


class FilingPermissionHelper(ReadOnlyPermissionHelper):
    """Filings come from leaders' wizards: offices read them and move them along the route."""

    def user_can_inspect_obj(self, user, obj):
        return rules.filings_visible_to(user).filter(pk=obj.pk).exists()


class FilingInspectView(InspectView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.instance
        context.update(
            filing=filing,
            events=filing.events.select_related("actor"),
            reflections=filing.reflections.select_related("member"),
            participants=filing.participants.all(),
            actions=[(a, rules.Action(a).label) for a in rules.allowed_actions(self.request.user, filing)],
            return_form=ReturnForm(),
            route_office=rules.route_office(filing),
        )
        return context


class FiveOnesFilingAdmin(ModelAdmin):
    model = FiveOnesFiling
    menu_label = _("备案表")
    menu_icon = "doc-full"
    list_display = ("year", "filer", "leader_name", "status", "submitted_at")
    list_filter = ("year", "status")
    search_fields = ("theme", "leader_name", "sector__name", "party__name")
    inspect_view_enabled = True
    inspect_view_class = FilingInspectView
    inspect_template_name = "forms_app/admin/filing_inspect.html"
    permission_helper_class = FilingPermissionHelper

    def get_queryset(self, request):
        return rules.filings_visible_to(request.user).order_by("-year", "status")

    @admin.display(description=_("党派、界别名称"))
    def filer(self, obj):
        return obj.filer_name


class FilingYearAdmin(ModelAdmin):
    model = FilingYear
    menu_label = _("报送截止日期")
    menu_icon = "date"
    list_display = ("year", "deadline")


class BoardMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("forms_app.view_fiveonesfiling")


class FiveOnesGroup(ModelAdminGroup):
    menu_label = _("五个一活动")
    menu_icon = "doc-full"
    menu_order = 220
    items = (FiveOnesFilingAdmin, FilingYearAdmin)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(BoardMenuItem(_("报送进度"), reverse("five_ones_board"), icon_name="list-ul", order=10))
        return items


modeladmin_register(FiveOnesGroup)
modeladmin_register(founding_admin.WorkstationApplicationAdmin)
modeladmin_register(activity_day_admin.ActivityDayGroup)
