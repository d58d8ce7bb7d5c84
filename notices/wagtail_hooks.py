"""The admin's side of notices: the 待我处理 panel on the dashboard (notices/panels.py) and, for
系统管理员, the mails that failed (notices/delivery_admin.py)."""

# --- 发送失败的邮件 and 提醒设置 (notices/delivery_admin.py), for 系统管理员

from wagtail import hooks  # noqa: E402

from . import delivery_admin  # noqa: E402


@hooks.register("register_admin_urls")
def register_delivery_admin_urls():
    return delivery_admin.urls


@hooks.register("register_settings_menu_item")
def register_failed_deliveries_menu_item():
    return delivery_admin.menu_items()[0]


@hooks.register("register_settings_menu_item")
def register_notice_settings_menu_item():
    return delivery_admin.menu_items()[1]
