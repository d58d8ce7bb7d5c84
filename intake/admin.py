"""The 群众诉求 menu group: the modeladmins and the entries each admin module declares (cases_admin,
reception_admin, leads_admin, events_admin), each shown to whom its `allowed(user)` admits."""

from django.utils.translation import gettext_lazy as _

from lianxin_site.admin_helpers import ModuleMenuGroup

from . import cases_admin, events_admin, leads_admin, reception_admin

MODULES = (cases_admin, reception_admin, leads_admin, events_admin)


class IntakeGroup(ModuleMenuGroup):
    menu_label = _("群众诉求")
    menu_icon = "mail"
    menu_order = 229
    modules = MODULES
