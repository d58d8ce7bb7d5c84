"""Counting 三联系 against the year's quotas, for one member (the front end) or a whole scope (落实
情况, 按月汇总, the half-year report), in a fixed number of queries whatever the number of
members or entries. Every page counts through `counts_for`, so a member sees on their phone the
same figures the office sees on its dashboard.

What counts, per member, between two dates:
- 联系活动: entries the member made (as one of the makers);
- 企事业单位 / 界别群众 / 社会群众 …: distinct targets of that category reached in those entries
  (one target contacted twice counts once);
- a 主席会议成员's 走访 of 常委 per month: distinct 常委 visited (way 走访) that month;
- a 常委's 集体座谈会 per half year."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from .models import ContactActivity, TargetCategory, Way


@dataclass
class Counts:
    activities: int = 0
    targets: dict = field(default_factory=dict)  # category value -> distinct targets
    chair_visits: list = field(default_factory=lambda: [0] * 12)  # distinct 常委 visited, by month
    forums: list = field(default_factory=lambda: [0, 0])  # 集体座谈会 called, H1 and H2

    def of(self, category):
        return self.targets.get(category, 0)


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _ids(members):
    """Member ids as a list, or a queryset of ids (kept as a subquery)."""
    if hasattr(members, "values"):
        return members.values("pk")
    return [m if isinstance(m, int) else m.pk for m in members]


def counts_for(members, start, end):
    """{member id: Counts} for `members` (a queryset, or members/ids) between `start` and `end`
    inclusive; members with nothing logged are absent (use .get(pk, Counts()))."""
    ids = _ids(members)
    Makers = ContactActivity.makers.through
    in_range = {"contactactivity__date__gte": start, "contactactivity__date__lte": end}
    counts = {}

    def one(member_id):
        if member_id not in counts:
            counts[member_id] = Counts()
        return counts[member_id]

    for row in (
        Makers.objects.filter(member_id__in=ids, **in_range)
        .values("member_id")
        .annotate(n=Count("contactactivity_id", distinct=True))
    ):
        one(row["member_id"]).activities = row["n"]

    activities = ContactActivity.objects.filter(date__gte=start, date__lte=end, makers__in=ids)
    for row in (
        activities.filter(targets__isnull=False)
        .values("makers", "targets__category")
        .annotate(n=Count("targets", distinct=True))
    ):
        one(row["makers"]).targets[row["targets__category"]] = row["n"]

    for row in (
        activities.filter(way=Way.VISIT, contacted_members__is_standing=True)
        .annotate(month=ExtractMonth("date"))
        .values("makers", "month")
        .annotate(n=Count("contacted_members", distinct=True))
    ):
        one(row["makers"]).chair_visits[row["month"] - 1] = row["n"]

    for row in (
        activities.filter(is_forum=True)
        .annotate(month=ExtractMonth("date"))
        .values("makers", "month")
        .annotate(n=Count("pk", distinct=True))
    ):
        one(row["makers"]).forums[0 if row["month"] <= 6 else 1] += row["n"]
    return counts


def year_counts(members, year):
    return counts_for(members, *year_bounds(year))


def member_counts(member, year):
    """One member's Counts for a year (their front-end progress)."""
    return year_counts([member.pk], year).get(member.pk, Counts())


QUOTA_CATEGORIES = (
    (TargetCategory.ENTERPRISE, "enterprises"),
    (TargetCategory.SECTOR_PUBLIC, "sector_public"),
    (TargetCategory.PUBLIC, "public"),
)


def shortfalls(counts, quota):
    """What a member lacks against the year's quotas: [(label, have, need)], empty when met."""
    missing = []
    if counts.activities < quota.activities_per_member:
        missing.append(("联系活动", counts.activities, quota.activities_per_member))
    for category, attribute in QUOTA_CATEGORIES:
        need = getattr(quota, attribute)
        if counts.of(category) < need:
            missing.append((TargetCategory(category).label, counts.of(category), need))
    return missing
