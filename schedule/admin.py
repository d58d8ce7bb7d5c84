"""The 年度活动安排 menu group: the entries (entries_admin), the xlsx import (import_admin) and the
下乡进社区 check (coverage_admin), each shown to whom its `allowed(user)` admits."""

from django.utils.translation import gettext_lazy as _

from lianxin_site.admin_helpers import ModuleMenuGroup

from . import coverage_admin, entries_admin, import_admin

MODULES = (entries_admin, import_admin, coverage_admin)


class ScheduleGroup(ModuleMenuGroup):
    menu_label = _("年度活动安排")
    menu_icon = "date"
    menu_order = 235
    modules = MODULES
