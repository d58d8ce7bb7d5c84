"""Registers the 年度活动安排 admin with Wagtail (admin.ScheduleGroup: the entries, the xlsx import and
the check for committees and sectors with no 下乡进社区 activity planned) and each module's URLs."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from . import admin


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [url for module in admin.MODULES for url in module.urls]


modeladmin_register(admin.ScheduleGroup)
