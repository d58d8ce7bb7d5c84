"""Counting 三联系 against the year's quotas, for one member (the front end) or a whole scope (落实
情况, 按月汇总, the half-year report), in a fixed number of queries whatever the number of
members or entries. Every page counts through `counts_for`, so a member sees on their phone the
same figures the office sees on its dashboard.

What counts, per member, between two dates:
- 联系活动: entries the member made (as one of the makers);
- 企事业单位 / 界别群众 / 社会群众 …: distinct targets of that category reached in those entries,
  by name (one target contacted twice counts once, also when a 集体走访 saved it under a colleague);
- a 主席会议成员's 走访 of 常委 per month: distinct 常委 visited (way 走访) that month;
- a 常委's 集体座谈会 per half year."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
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
        .annotate(n=Count("targets__name", distinct=True))
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


# --- the roll-ups (按月汇总, the half-year report's totals per 专委会) -----------------------------

WAYS = tuple(Way.values)


@dataclass
class Month:
    """One month of a scope's 三联系: entries by way (an entry made by two members of the scope
    counts once), members who made one, distinct targets reached by category, 集体座谈会 held."""

    ways: dict = field(default_factory=lambda: dict.fromkeys(WAYS, 0))
    active: int = 0
    targets: dict = field(default_factory=dict)
    forums: int = 0

    @property
    def activities(self):
        return sum(self.ways.values())


def _scope_activities(ids, start, end, committee_ids):
    """Entries in the date range made by a member of the scope, or logged by one of
    `committee_ids` with no member maker (专委会走访所联系界别委员)."""
    made = Q(pk__in=ContactActivity.makers.through.objects.filter(member_id__in=ids).values("contactactivity_id"))
    if committee_ids:
        made |= Q(committee_id__in=committee_ids, makers__isnull=True)
    return ContactActivity.objects.filter(made, date__gte=start, date__lte=end)


def monthly_counts(members, year, committee_ids=(), until=None):
    """The 按月汇总 of a scope: ({month 1–12: Month}, year Month, {member id: first date}) for
    `members` (and the entries `committee_ids` logged without a maker). The year's Month counts
    distinct members and targets over the whole year, or up to `until` (the first half's report
    counts to 30 June, whatever was logged since). Six queries whatever the size."""
    start, end = year_bounds(year)
    if until is not None:
        end = min(end, until)
    ids = _ids(members)
    Makers = ContactActivity.makers.through
    months = {m: Month() for m in range(1, 13)}
    whole = Month()
    activities = _scope_activities(ids, start, end, list(committee_ids))

    for row in (
        activities.annotate(month=ExtractMonth("date")).values("month", "way").annotate(n=Count("pk", distinct=True))
    ):
        months[row["month"]].ways[row["way"]] += row["n"]
        whole.ways[row["way"]] += row["n"]
    for row in (
        activities.filter(is_forum=True)
        .annotate(month=ExtractMonth("date"))
        .values("month")
        .annotate(n=Count("pk", distinct=True))
    ):
        months[row["month"]].forums = row["n"]
        whole.forums += row["n"]

    made = Makers.objects.filter(member_id__in=ids, contactactivity__date__gte=start, contactactivity__date__lte=end)
    for row in (
        made.annotate(month=ExtractMonth("contactactivity__date"))
        .values("month")
        .annotate(n=Count("member_id", distinct=True))
    ):
        months[row["month"]].active = row["n"]
    first = dict(
        made.values("member_id").annotate(first=Min("contactactivity__date")).values_list("member_id", "first")
    )
    whole.active = len(first)

    reached = ContactActivity.objects.filter(date__gte=start, date__lte=end, makers__in=ids, targets__isnull=False)
    for row in (
        reached.annotate(month=ExtractMonth("date"))
        .values("month", "targets__category")
        .annotate(n=Count("targets", distinct=True))
    ):
        months[row["month"]].targets[row["targets__category"]] = row["n"]
    for row in reached.values("targets__category").annotate(n=Count("targets", distinct=True)):
        whole.targets[row["targets__category"]] = row["n"]
    return months, whole, first


def committee_totals(start, end):
    """Per 专委会 (its members and the members of the sectors it contacts, as its 工作室 sees
    them): {committee id: {"members", "ways", "activities", "active", "forums", "zero"}} between
    two dates, and under None the whole roster (with every entry a committee logged). Three
    queries whatever the number of committees, members or entries."""
    from people.models import Member

    scopes = {None: set()}  # committee id -> member ids
    for pk, own, contacting in Member.objects.values_list("pk", "committee_id", "sector__contact_committee_id"):
        scopes[None].add(pk)
        for committee in {own, contacting} - {None}:
            scopes.setdefault(committee, set()).add(pk)
    made = {}  # activity id -> (way, is_forum, maker ids)
    for activity, member, way, forum in ContactActivity.makers.through.objects.filter(
        contactactivity__date__gte=start, contactactivity__date__lte=end
    ).values_list("contactactivity_id", "member_id", "contactactivity__way", "contactactivity__is_forum"):
        made.setdefault(activity, (way, forum, set()))[2].add(member)
    logged = {}  # committee id -> [(way, is_forum)] of its entries without a maker
    for committee, way, forum in ContactActivity.objects.filter(
        date__gte=start, date__lte=end, committee__isnull=False, makers__isnull=True
    ).values_list("committee_id", "way", "is_forum"):
        logged.setdefault(committee, []).append((way, forum))

    totals = {}
    for committee, scope in scopes.items():
        ways = dict.fromkeys(WAYS, 0)
        forums = 0
        active = set()
        for way, forum, makers in made.values():
            if makers & scope:
                ways[way] += 1
                forums += forum
                active |= makers & scope
        own_logs = logged.get(committee, ()) if committee else [x for logs in logged.values() for x in logs]
        for way, forum in own_logs:
            ways[way] += 1
            forums += forum
        totals[committee] = {
            "members": len(scope),
            "ways": ways,
            "activities": sum(ways.values()),
            "active": len(active),
            "forums": forums,
            "zero": len(scope - active),
        }
    return totals
