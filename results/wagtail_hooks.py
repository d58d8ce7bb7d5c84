"""Registers the registry's admin (results/admin.py), its reports (results/reports.py) and its
import and export (results/transfer.py) with Wagtail. The 履职成果 menu group also lists the
entries reports.REPORT_MENU and transfer.TRANSFER_MENU declare (admin.ResultsGroup)."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from . import admin, reports, transfer


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [*admin.admin_urls, *reports.report_urls, *transfer.transfer_urls]


modeladmin_register(admin.ResultsGroup)
