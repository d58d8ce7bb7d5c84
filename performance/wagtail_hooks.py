"""Registers the 履职档案 admin (performance/admin.py) and its lists (performance/reports.py)
with Wagtail. The 履职档案 menu group lists the entries each module declares in its *_MENU
(admin.declared_menus); each module's URLs are in URL_LISTS."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from . import admin, reports

# The 请假 queue (leave_admin.leave_urls), the sign-in import (transfer.transfer_urls) and the
# files (exports.export_urls) join this list when they land.
URL_LISTS = [admin.admin_urls, reports.report_urls]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [url for urls in URL_LISTS for url in urls]


modeladmin_register(admin.PerformanceGroup)
