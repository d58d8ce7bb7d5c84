"""The admin menu as 连心's: without the links and marks of Wagtail the product that an office
has no use for. The logo, colours and the name in the tab are in templates/wagtailadmin/; the
words are in locale/zh_Hans/."""

from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem

# Help menu items that open Wagtail's English pages on wagtail.org ("What's new in Wagtail 8.0",
# "Editor Guide"); the keyboard shortcuts stay.
WAGTAIL_ORG_HELP = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_help_menu")
def keep_help_on_the_site(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_ORG_HELP)]


@hooks.register("construct_main_menu")
def settings_menu_without_wagtail_version(request, menu_items):
    """Wagtail's settings menu carries "Wagtail v8.0.1" at its foot; a plain submenu carries nothing."""
    for index, item in enumerate(menu_items):
        if item.name == "settings" and type(item) is not SubmenuMenuItem:
            menu_items[index] = SubmenuMenuItem(
                item.label,
                item.menu,
                name=item.name,
                classname=item.classname,
                icon_name=item.icon_name,
                attrs=item.attrs,
                order=item.order,
            )
