"""The 工作室运行 menu group: the modeladmins and the entries each admin module declares (grid_admin,
records_admin, assessment_admin, street_admin, activities_admin), each shown to whom its
`allowed(user)` admits."""

from django.utils.translation import gettext_lazy as _

from lianxin_site.admin_helpers import ModuleMenuGroup

from . import activities_admin, assessment_admin, grid_admin, records_admin, street_admin

MODULES = (grid_admin, records_admin, assessment_admin, street_admin, activities_admin)


class StationsGroup(ModuleMenuGroup):
    menu_label = _("工作室运行")
    menu_icon = "home"
    menu_order = 228
    modules = MODULES
