"""The ledger and its sources.

A source is one function that yields a year's rows, registered with

    @ledger_source("five_ones", "五个一活动", categories=[("five_ones", "五个一基层活动")],
                   watch={Attendance: lambda attendance: attendance.filing.year})
    def five_ones_rows(year): ...

`sync_ledger(year, source=None)` upserts what the sources yield and removes what they no longer
yield, in one transaction. It runs on commit of a watched object (signals.py), from
`manage.py rebuild_ledger --year`, and after bulk writes that send `records_changed`. An entry an
office corrected keeps the corrected fields (`overridden`) and its void through every sync; if
its source row disappears it stays, marked 来源已删除. A frozen year is never written: what the
sources would change is listed instead (`pending_changes`)."""

import datetime
from collections import Counter
from dataclasses import dataclass, fields

from django.db import transaction
from django.utils import timezone

from .models import LedgerEntry
from .rules import refuse_if_frozen

SYNCED_FIELDS = ("year", "date", "category", "role", "status", "important", "quantity", "title", "link")
IN_CHUNK = 500


@dataclass(frozen=True)
class Row:
    """What a source says of one member: `source_ref` names the source's row (with the member,
    it is unique within the source)."""

    member_id: int
    source_ref: str
    year: int
    date: datetime.date
    category: str
    title: str
    role: str = ""
    status: str = ""
    important: bool = False
    quantity: int = 1
    link: str = ""

    @property
    def key(self):
        return (self.source_ref, self.member_id)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    categories: tuple  # ((key, label), …)
    rows: object  # callable(year) → iterable of Row
    watch: dict  # model → callable(instance) → year


SOURCES = {}
OFFICE = "office"  # entries an office adds by hand (补录): no source syncs them


def ledger_source(key, label, categories, watch=None):
    """Register `rows(year)` as the ledger source `key`."""

    def register(rows):
        SOURCES[key] = Source(key, label, tuple((str(k), str(v)) for k, v in categories), rows, dict(watch or {}))
        return rows

    return register


def source_labels():
    return {key: source.label for key, source in SOURCES.items()} | {OFFICE: "办公室补录"}


def category_labels():
    """Every category a registered source gives: {key: label}."""
    return {key: label for source in SOURCES.values() for key, label in source.categories}


@dataclass
class Plan:
    """What syncing one source for one year would do."""

    create: list
    update: list  # [(entry, {field: new value})]
    gone: list  # entries the source no longer yields and an office corrected: kept, marked
    delete: list  # entries the source no longer yields: removed
    back: list  # entries marked 来源已删除 whose row is back


def _existing(key, year, refs):
    """The source's entries of `year`, and those of other years whose row the source now gives for
    `year` (a result moved to another year)."""
    found = {(e.source_ref, e.member_id): e for e in LedgerEntry.objects.filter(source=key, year=year)}
    missing = sorted({ref for ref, _member in refs} - {ref for ref, _member in found})
    for start in range(0, len(missing), IN_CHUNK):
        for entry in LedgerEntry.objects.filter(source=key, source_ref__in=missing[start : start + IN_CHUNK]):
            found.setdefault((entry.source_ref, entry.member_id), entry)
    return found


def plan_sync(key, year):
    rows = {}
    for row in SOURCES[key].rows(year):
        rows[row.key] = row
    existing = _existing(key, year, rows.keys())
    plan = Plan([], [], [], [], [])
    for row_key, row in rows.items():
        entry = existing.get(row_key)
        if entry is None:
            plan.create.append(row)
            continue
        changed = {
            name: getattr(row, name)
            for name in SYNCED_FIELDS
            if name not in entry.overridden and getattr(entry, name) != getattr(row, name)
        }
        if changed:
            plan.update.append((entry, changed))
        if entry.source_gone:
            plan.back.append(entry)
    for row_key, entry in existing.items():
        if row_key in rows or entry.year != year:
            continue
        if entry.voided or entry.overridden:
            if not entry.source_gone:
                plan.gone.append(entry)
        else:
            plan.delete.append(entry)
    return plan


def _row_fields(row):
    return {f.name: getattr(row, f.name) for f in fields(Row)}


def sync_ledger(year, source=None):
    """Bring the ledger of `year` in line with its sources (or one source). Returns a Counter of
    新增, 更新, 删除 and 来源已删除 rows. Raises YearFrozen for a frozen year."""
    keys = [source] if source else list(SOURCES)
    done = Counter()
    with transaction.atomic():
        refuse_if_frozen(year, lock=True)
        for key in keys:
            plan = plan_sync(key, year)
            LedgerEntry.objects.bulk_create(
                [LedgerEntry(source=key, **_row_fields(row)) for row in plan.create], batch_size=1000
            )
            updated = {}
            for entry, changed in plan.update:
                for name, value in changed.items():
                    setattr(entry, name, value)
                updated[entry.pk] = entry
            for entry in plan.back:
                entry.source_gone = False
                updated[entry.pk] = entry
            now = timezone.now()  # bulk_update skips auto_now: the record pages' "changed since" check reads it
            for entry in updated.values():
                entry.updated_at = now
            LedgerEntry.objects.bulk_update(
                list(updated.values()), [*SYNCED_FIELDS, "source_gone", "updated_at"], batch_size=500
            )
            for entry in plan.gone:
                entry.source_gone = True
            LedgerEntry.objects.bulk_update(plan.gone, ["source_gone"], batch_size=500)
            pks = [entry.pk for entry in plan.delete]
            for start in range(0, len(pks), IN_CHUNK):
                LedgerEntry.objects.filter(pk__in=pks[start : start + IN_CHUNK]).delete()
            done["新增"] += len(plan.create)
            done["更新"] += len(plan.update)
            done["删除"] += len(plan.delete)
            done["来源已删除"] += len(plan.gone)
    return done


def pending_changes(year):
    """For a frozen year: what the sources would change, as [(source label, 新增/更新/删除, title)]
    (冻结后变更，未计入)."""
    out = []
    for key, source in SOURCES.items():
        plan = plan_sync(key, year)
        out += [(source.label, "新增", row.title) for row in plan.create]
        out += [(source.label, "更新", entry.title) for entry, _changed in plan.update]
        out += [(source.label, "删除", entry.title) for entry in [*plan.delete, *plan.gone]]
    return out
