"""The 三联系 menu group: the modeladmins and the entries each admin module declares (pairings_admin,
entries_admin, report_admin), each shown to whom its `allowed(user)` admits."""

from django.utils.translation import gettext_lazy as _

from lianxin_site.admin_helpers import ModuleMenuGroup

from . import entries_admin, pairings_admin, report_admin

MODULES = (pairings_admin, entries_admin, report_admin)


class ContactsGroup(ModuleMenuGroup):
    menu_label = _("三联系")
    menu_icon = "group"
    menu_order = 227
    modules = MODULES
