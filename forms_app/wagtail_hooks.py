"""Registers each paper form's admin (its modeladmin and its admin URLs, declared in
<form>/admin.py) with Wagtail, which only looks for wagtail_hooks at the top of an app."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .activity_day import admin as activity_day
from .five_ones import admin as five_ones
from .founding import admin as founding


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [*five_ones.admin_urls, *founding.admin_urls, *activity_day.admin_urls]


modeladmin_register(five_ones.FiveOnesGroup)
modeladmin_register(founding.WorkstationApplicationAdmin)
modeladmin_register(activity_day.ActivityDayGroup)
