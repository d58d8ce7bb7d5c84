"""The ledger follows its sources: saving or deleting a watched object syncs that source for the
object's year once the transaction commits (once per source and year, however many objects
the transaction touched). Bulk writes, which send no model signals, send `records_changed`."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from lianxin_site.signals import records_changed

from .ledger import SOURCES, sync_ledger
from .rules import is_frozen

logger = logging.getLogger(__name__)


def run(jobs):
    for key, year in sorted(jobs):
        if not is_frozen(year):  # a frozen year lists the change as 冻结后变更，未计入
            sync_ledger(year, key)


class PendingSyncs:
    """The on-commit callback of one transaction: the (source, year) pairs to sync."""

    def __init__(self):
        self.jobs = set()
        self.done = False

    def __call__(self):
        self.done = True
        run(self.jobs)


def schedule(key, year):
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        run({(key, year)})
        return
    pending = next(
        (fn for _sids, fn, _robust in connection.run_on_commit if isinstance(fn, PendingSyncs) and not fn.done), None
    )
    if pending is None:
        pending = PendingSyncs()
        transaction.on_commit(pending, robust=True)
    pending.jobs.add((key, year))


def _handler(key, year_of):
    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):  # loaddata
            return
        try:
            year = year_of(instance)
        except Exception:  # a cascade removed what the year is read from: the year's rebuild catches it
            logger.info("ledger: no year for %r, left to rebuild_ledger", instance)
            return
        if year:
            schedule(key, year)

    return changed


def _records_changed(sender, years=(), **kwargs):
    for key, source in SOURCES.items():
        if sender in source.watch:
            for year in years:
                schedule(key, year)


def _activity_day_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from .rules import day_activity

        day_activity(instance)


def watch_sources():
    from forms_app.activity_day.models import ActivityDay

    post_save.connect(_activity_day_saved, sender=ActivityDay, dispatch_uid="ledger:activity_day")
    for key, source in SOURCES.items():
        for model, year_of in source.watch.items():
            handler = _handler(key, year_of)
            uid = f"ledger:{key}:{model._meta.label}"
            post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":save")
            post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":delete")
    records_changed.connect(_records_changed, dispatch_uid="ledger:records_changed")
