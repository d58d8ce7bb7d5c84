"""The rules of the 履职档案, once: the freeze, and (as the pages land) who sees and changes what."""

from django.utils import timezone

from lianxin_site.db import locked
from lianxin_site.errors import DomainError

from .models import PerformanceYear


class PerformanceError(DomainError):
    pass


class YearFrozen(PerformanceError):
    pass


def frozen_message(year):
    """「2025 年度履职档案已于 2026-01-31 冻结，不能修改」 when `year` is frozen today, else None."""
    record = PerformanceYear.objects.filter(year=year).first()
    if record is None or not record.is_frozen():
        return None
    return f"{year} 年度履职档案已于 {record.freeze_on:%Y-%m-%d} 冻结，不能修改"


def is_frozen(year):
    return frozen_message(year) is not None


def refuse_if_frozen(year, lock=False):
    """Raise YearFrozen for a frozen year. With `lock` (inside atomic()), the year's row stays
    locked to the end of the transaction, so a freeze cannot slip in between check and write."""
    records = PerformanceYear.objects.filter(year=year)
    record = (locked(records) if lock else records).first()
    if record is not None and record.is_frozen(timezone.localdate()):
        raise YearFrozen(f"{year} 年度履职档案已于 {record.freeze_on:%Y-%m-%d} 冻结，不能修改")
