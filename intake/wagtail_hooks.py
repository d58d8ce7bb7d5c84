"""Registers the 群众诉求 admin with Wagtail (admin.IntakeGroup) and each admin module's URLs."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from . import admin


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [url for module in admin.MODULES for url in module.urls]


modeladmin_register(admin.IntakeGroup)
