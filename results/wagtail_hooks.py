"""Registers the registry's admin (results/admin.py) and reports (results/reports.py) with Wagtail."""

from wagtail import hooks

from . import admin, reports


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [*admin.admin_urls, *reports.report_urls]
