"""Registers the 履职档案 admin with Wagtail: the activities, records and scheme (admin.py), the
ranking and lists (reports.py), the 请假 queue (leave_admin.py), the 签到表 import (transfer.py)
and the downloads (exports.py). The 履职档案 menu group lists the entries each module declares in
its *_MENU (admin.declared_menus); each module's URLs are in URL_LISTS."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from . import admin, exports, leave_admin, reports, transfer

URL_LISTS = [admin.admin_urls, reports.report_urls, leave_admin.leave_urls, transfer.transfer_urls, exports.export_urls]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [url for urls in URL_LISTS for url in urls]


modeladmin_register(admin.PerformanceGroup)
