"""Saving a 委员活动日 drafts its 活动通知 (notices.drafts). The units are saved after the day (a
form's save_m2m, or day.units.set()), so the draft is made when the day is created and brought up
to date when its units change; editing the day never makes a second one."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from forms_app.activity_day.models import ActivityDay

from .drafts import draft_activity_notice


@receiver(post_save, sender=ActivityDay, dispatch_uid="notices-draft-activity-notice")
def draft_on_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created or instance.notices.exists():
        draft_activity_notice(instance)


@receiver(m2m_changed, sender=ActivityDay.units.through, dispatch_uid="notices-activity-notice-units")
def refresh_on_units(sender, instance, action, reverse, **kwargs):
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if instance.notices.exists():
        draft_activity_notice(instance)
