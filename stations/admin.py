"""The 工作室运行 menu group: the modeladmins and the entries each admin module declares (grid_admin,
records_admin, assessment_admin, street_admin, activities_admin), each shown to whom its
`allowed(user)` admits."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import Menu
from wagtail_modeladmin.menus import GroupMenuItem
from wagtail_modeladmin.options import ModelAdminGroup

from lianxin_site.admin_helpers import AllowedMenuItem

from . import activities_admin, assessment_admin, grid_admin, records_admin, street_admin

MODULES = (grid_admin, records_admin, assessment_admin, street_admin, activities_admin)


class StationsGroup(ModelAdminGroup):
    menu_label = _("工作室运行")
    menu_icon = "home"
    menu_order = 228
    items = tuple(modeladmin for module in MODULES for modeladmin in module.MODELADMINS)

    def get_submenu_items(self):
        items = [admin.get_menu_item(order=admin.menu_order) for admin in self.modeladmin_instances]
        items += [
            AllowedMenuItem(label, reverse(url_name), icon, allowed, order)
            for module in MODULES
            for label, url_name, icon, allowed, order in module.MENU
        ]
        return sorted(items, key=lambda item: item.order)

    def get_menu_item(self):
        """The group even before it has a modeladmin of its own: its pages are declared entries."""
        return GroupMenuItem(self, self.get_menu_order(), Menu(items=self.get_submenu_items()))
