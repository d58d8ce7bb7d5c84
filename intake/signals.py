"""The public page cache follows the 委员接待日 (the workstation pages list the coming days),
whoever changes them: the admin, a command, the shell.

区政协办公室 publishes the 请群众走进政协 events: page permissions (add, change, publish) on each
EventIndexPage, never on the root (the role has none there on purpose). sync_roles() wipes a
role's page permissions and then runs people.roles.AFTER_SYNC, where this is appended; an index
page created between syncs gets them when it is first saved."""

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import GroupPagePermission

from lianxin_site.cache import clear_public_cache
from people import roles

from .models import EventIndexPage, ReceptionDay

EVENT_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _grant(group, page_ids):
    perms = Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=EVENT_PAGE_PERMISSIONS)
    held = set(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission_id"))
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page_id=page_id, permission=perm)
        for page_id in page_ids
        for perm in perms
        if (page_id, perm.pk) not in held
    )


def sync_event_page_permissions():
    # sync_roles() runs after every migrate, also one that stops before intake's tables exist.
    if EventIndexPage._meta.db_table not in connection.introspection.table_names():
        return
    group = Group.objects.filter(name=roles.DISTRICT_OFFICE).first()
    if group is None:
        return
    _grant(group, list(EventIndexPage.objects.values_list("pk", flat=True)))


if sync_event_page_permissions not in roles.AFTER_SYNC:
    roles.AFTER_SYNC.append(sync_event_page_permissions)


@receiver(post_save, sender=EventIndexPage, dispatch_uid="intake-event-index-saved")
def event_index_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    group = Group.objects.filter(name=roles.DISTRICT_OFFICE).first()
    if group is not None:
        _grant(group, [instance.pk])


def _reception_days_changed(sender, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(clear_public_cache)


post_save.connect(_reception_days_changed, sender=ReceptionDay, dispatch_uid="intake-reception-day-saved")
post_delete.connect(_reception_days_changed, sender=ReceptionDay, dispatch_uid="intake-reception-day-deleted")
m2m_changed.connect(
    _reception_days_changed, sender=ReceptionDay.on_duty.through, dispatch_uid="intake-reception-day-on-duty"
)
