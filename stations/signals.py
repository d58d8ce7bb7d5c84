"""The convener groups follow Profile.workstation and the stations themselves, between the full
syncs that sync_roles() runs (people.roles.AFTER_SYNC, appended here: people may not import
stations). A profile saved or deleted moves its account; a station saved creates or renames its
group and collection; a station deleted loses its group, and its conveners the role."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from content.models import WorkstationPage
from people import roles
from people.models import Profile

from . import convener

if convener.sync_convener_groups not in roles.AFTER_SYNC:
    roles.AFTER_SYNC.append(convener.sync_convener_groups)


@receiver(post_save, sender=Profile, dispatch_uid="stations-convener-profile-saved")
@receiver(post_delete, sender=Profile, dispatch_uid="stations-convener-profile-deleted")
def profile_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    convener.follow_profile(instance.user_id)


@receiver(post_save, sender=WorkstationPage, dispatch_uid="stations-convener-station-saved")
def station_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # A revision saved or a draft title changed leaves the group alone; a new or (re)published
    # station, whose title may have changed, gets its group and collection in step.
    if raw or (update_fields is not None and "title" not in update_fields):
        return
    convener.ensure_station_group(instance)


@receiver(pre_delete, sender=WorkstationPage, dispatch_uid="stations-convener-station-deleting")
def station_deleting(sender, instance, **kwargs):
    group = convener.station_group(instance.pk)
    instance._convener_group_ids = [group.pk] if group else []


@receiver(post_delete, sender=WorkstationPage, dispatch_uid="stations-convener-station-deleted")
def station_deleted(sender, instance, **kwargs):
    convener.forget_station(getattr(instance, "_convener_group_ids", []))
