"""Registers the 工作室运行 admin with Wagtail (admin.StationsGroup) and each admin module's URLs."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from . import admin


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [url for module in admin.MODULES for url in module.urls]


modeladmin_register(admin.StationsGroup)
