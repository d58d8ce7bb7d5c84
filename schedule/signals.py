"""The calendar page and the public feeds are served from the shared cache (lianxin_site/cache.py):
clear it once a change to the plan, its bodies, its invited members or a street group's name is
committed (after the first clear, the rest of an import's clears find an empty cache)."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from lianxin_site.cache import clear_public_cache
from people.models import StreetGroup

from .models import EntryBody, ScheduleEntry


def _clear_after_commit(**kwargs):
    transaction.on_commit(clear_public_cache)


for model in (ScheduleEntry, EntryBody, StreetGroup):
    post_save.connect(_clear_after_commit, sender=model, dispatch_uid=f"schedule-clear-save-{model.__name__}")
    post_delete.connect(_clear_after_commit, sender=model, dispatch_uid=f"schedule-clear-delete-{model.__name__}")
m2m_changed.connect(_clear_after_commit, sender=ScheduleEntry.invited.through, dispatch_uid="schedule-clear-invited")
