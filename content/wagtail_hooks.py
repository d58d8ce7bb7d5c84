from wagtail import hooks

from . import search_admin


@hooks.register("register_admin_urls")
def register_search_admin_urls():
    return search_admin.urls


@hooks.register("register_settings_menu_item")
def register_search_rebuild_menu_item():
    return search_admin.menu_item()
