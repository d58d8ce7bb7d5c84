"""Registers the 履职档案's admin URLs with Wagtail: the 签到表 import (transfer.py) and the
downloads (exports.py). The menu group that lists TRANSFER_MENU and EXPORT_MENU is built beside
the rankings."""

from wagtail import hooks

from . import exports, transfer


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [*transfer.transfer_urls, *exports.export_urls]
