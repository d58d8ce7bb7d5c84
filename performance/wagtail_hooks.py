"""Registers the 履职档案's admin screens with Wagtail: the 请假 queue (leave_admin.py). Its menu
entry is declared in leave_admin.LEAVE_MENU for the 履职档案 menu group."""

from wagtail import hooks

from . import leave_admin


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [*leave_admin.leave_urls]
