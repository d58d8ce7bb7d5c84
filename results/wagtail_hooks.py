"""Registers the registry's admin (results/admin.py), its reports (results/reports.py) and its
import and export (results/transfer.py) with Wagtail."""

from wagtail import hooks

from . import admin, reports, transfer


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [*admin.admin_urls, *reports.report_urls, *transfer.transfer_urls]
