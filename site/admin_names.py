"""Wagtail writes a few rows in English when it migrates, and its admin shows them to the offices:
the roots of the page tree and of the collections ("Root"), the names of permissions ("Publish
any page"; Django names every model's permissions "Can add …" too) and two sample groups
("Editors", "Moderators"). After every migrate (apps.py) they are named in Chinese, and the two
sample groups, which the committee's roles (people/roles.py) replace, are removed as long as
nobody belongs to them."""

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation
from wagtail.models import Collection, Page

ROOT_TITLE = "根目录"
SAMPLE_GROUPS = ("Editors", "Moderators")
ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看", "choose": "选用"}
# Wagtail's own permissions, whose names follow no pattern.
WAGTAIL_NAMES = {
    ("wagtailadmin", "access_admin"): "可以访问管理后台",
    ("wagtailcore", "publish_page"): "可以发布任何页面",
    ("wagtailcore", "bulk_delete_page"): "可以删除带子页面的页面",
    ("wagtailcore", "lock_page"): "可以锁定页面，并解锁自己锁定的页面",
    ("wagtailcore", "unlock_page"): "可以解锁任何页面",
}


def chinese_permission_name(permission):
    """The permission's name in Chinese, or None for a permission this module does not name (the
    project's own, named in Chinese where they are declared)."""
    content_type = permission.content_type
    if (content_type.app_label, permission.codename) in WAGTAIL_NAMES:
        return WAGTAIL_NAMES[content_type.app_label, permission.codename]
    action, _, model_name = permission.codename.partition("_")
    model = content_type.model_class()
    if action in ACTIONS and model is not None and model_name == model._meta.model_name:
        # From the model's current name, so that renaming a model renames its permissions.
        return f"可以{ACTIONS[action]}{model._meta.verbose_name}"
    return None


@transaction.atomic
def name_wagtail_rows_in_chinese():
    Page.objects.filter(depth=1, title="Root").update(title=ROOT_TITLE, draft_title=ROOT_TITLE)
    Collection.objects.filter(depth=1, name="Root").update(name=ROOT_TITLE)
    with translation.override(settings.LANGUAGE_CODE):
        for permission in Permission.objects.select_related("content_type"):
            name = chinese_permission_name(permission)
            if name and name != permission.name:
                permission.name = name
                permission.save(update_fields=["name"])
    Group.objects.filter(name__in=SAMPLE_GROUPS, user__isnull=True).delete()


def name_wagtail_rows_after_migrate(sender, using="default", **kwargs):
    # Permissions are created app by app after migrate; make sure all exist before naming them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    name_wagtail_rows_in_chinese()
