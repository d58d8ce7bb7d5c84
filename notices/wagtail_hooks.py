"""The admin's side of notices: the 待我处理 panel on the dashboard (notices/panels.py) and, for
系统管理员, the mails that failed and the reminder settings (notices/delivery_admin.py)."""

from wagtail import hooks
from wagtail.admin.auth import user_has_any_page_permission

from . import delivery_admin
from .panels import PendingPanel


@hooks.register("construct_homepage_panels")
def add_pending_panel(request, panels):
    panels.insert(0, PendingPanel(request.user))


# Runs after Wagtail's own hooks (order): the "N 个页面 / N 张图片 / N 个文档" counts help those who
# edit the site's pages; for the offices, who edit none, they said nothing, and 待我处理 takes their place.
@hooks.register("construct_homepage_summary_items", order=100)
def keep_site_summary_for_editors(request, items):
    if not user_has_any_page_permission(request.user):
        items.clear()


# --- 发送失败的邮件 and 提醒设置, for 系统管理员


@hooks.register("register_admin_urls")
def register_delivery_admin_urls():
    return delivery_admin.urls


@hooks.register("register_settings_menu_item")
def register_failed_deliveries_menu_item():
    return delivery_admin.menu_items()[0]


@hooks.register("register_settings_menu_item")
def register_notice_settings_menu_item():
    return delivery_admin.menu_items()[1]
