"""量化记分: the ledger and the 记分办法 in, score lines and each member's figures out.

This module reads only LedgerEntry and the scheme, never a source: a new source scores as soon
as the scheme has rules for its categories. Computing is one action (`compute_scores`) that
replaces the year's lines, so recomputing gives the same numbers as a fresh compute, in a fixed
number of queries whatever the number of members."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lianxin_site.db import bulk_insert, delete_rows
from people.models import Member

from .models import LedgerEntry, MemberScore, ScoreLine, ScoringScheme, Status
from .rules import PerformanceError, refuse_if_frozen

ATTENDANCE = (Status.PRESENT, Status.LEAVE, Status.ABSENT, Status.SELF_ORGANISED)
CAPPED = "已达年度上限"
NO_RULE = "记分办法未对此类记分"
ABSENCE = "无故缺席扣分"
ZERO = Decimal("0.00")


def scheme_in_force(year):
    """The year's latest published 记分办法, or None."""
    return ScoringScheme.objects.filter(year=year, published_at__isnull=False).order_by("-version").first()


@dataclass(frozen=True)
class Entry:
    """What scoring needs of a ledger entry."""

    pk: int
    member_id: int
    category: str
    role: str
    status: str
    important: bool
    quantity: int


@dataclass(frozen=True)
class Line:
    entry_id: int
    member_id: int
    rule_id: int | None
    points: Decimal
    note: str = ""


class RuleBook:
    """The scheme's rules, indexed: the most specific rule for an entry (role and status named
    beat a blank that matches any; then the rule listed first)."""

    def __init__(self, rules):
        self.by_category = defaultdict(list)
        for rule in rules:
            self.by_category[rule.category].append(rule)
        for candidates in self.by_category.values():
            candidates.sort(key=lambda r: (-(bool(r.role) + bool(r.status)), r.sort_order, r.pk or 0))
        self._cache = {}

    def match(self, category, role, status):
        key = (category, role, status)
        if key not in self._cache:
            self._cache[key] = next(
                (r for r in self.by_category.get(category, ()) if r.role in ("", role) and r.status in ("", status)),
                None,
            )
        return self._cache[key]


def score_entries(entries, scheme, rules):
    """Score lines for `entries` (one year, any members, in date order) under `scheme`.

    An 缺席 (unexcused) entry costs the scheme's absence penalty for each time and no rule applies
    to it; 请假 is never an absence. Otherwise the most specific rule gives points × quantity, ×
    the 重要履职活动 weight for an important entry, until the rule's yearly cap for that member is
    reached (the line that crosses it gets what is left, later ones 0, noted 已达年度上限)."""
    book = RuleBook(rules)
    given = defaultdict(lambda: ZERO)  # (member, rule) → points so far
    lines = []
    for entry in entries:
        if entry.status == Status.ABSENT:
            points = -(scheme.absence_penalty * entry.quantity)
            lines.append(Line(entry.pk, entry.member_id, None, points.quantize(ZERO), ABSENCE))
            continue
        rule = book.match(entry.category, entry.role, entry.status)
        if rule is None:
            lines.append(Line(entry.pk, entry.member_id, None, ZERO, NO_RULE))
            continue
        points = rule.points * entry.quantity
        if entry.important:
            points *= scheme.important_weight
        note = ""
        if rule.yearly_cap is not None:
            so_far = given[(entry.member_id, rule.pk)]
            room = max(rule.yearly_cap - so_far, ZERO)
            if points > room:
                points, note = room, CAPPED
            given[(entry.member_id, rule.pk)] = so_far + points
        lines.append(Line(entry.pk, entry.member_id, rule.pk, points.quantize(ZERO), note))
    return lines


@dataclass
class Figures:
    total: Decimal = ZERO
    expected: int = 0
    present: int = 0
    leave: int = 0
    absent: int = 0
    self_organised: int = 0


def figures_of(entries, lines):
    """{member id: Figures}: the score and the attendance counts (应出席 is every attendance
    entry: 出席, 请假, 缺席, 自行开展)."""
    figures = defaultdict(Figures)
    field = {
        Status.PRESENT: "present",
        Status.LEAVE: "leave",
        Status.ABSENT: "absent",
        Status.SELF_ORGANISED: "self_organised",
    }
    for entry in entries:
        if entry.status in field:
            f = figures[entry.member_id]
            f.expected += entry.quantity
            setattr(f, field[entry.status], getattr(f, field[entry.status]) + entry.quantity)
    for line in lines:
        figures[line.member_id].total += line.points
    return figures


def ledger_entries(year):
    """The year's entries that count (not voided), in the order they are scored."""
    rows = (
        LedgerEntry.objects.filter(year=year, voided=False)
        .order_by("member_id", "date", "pk")
        .values_list("pk", "member_id", "category", "role", "status", "important", "quantity")
    )
    return [Entry(*row) for row in rows]


def compute_scores(year, scheme=None):
    """Score `year` under `scheme` (default: the one in force) and replace the year's score lines
    and figures. Returns the scheme used. Refuses a frozen year or a year without a published
    scheme."""
    with transaction.atomic():
        refuse_if_frozen(year, lock=True)
        scheme = scheme or scheme_in_force(year)
        if scheme is None:
            raise PerformanceError(f"{year} 年度还没有发布记分办法，不能计算得分。")
        entries = ledger_entries(year)
        lines = score_entries(entries, scheme, list(scheme.rules.all()))
        figures = figures_of(entries, lines)
        delete_rows(ScoreLine.objects.filter(year=year))
        delete_rows(MemberScore.objects.filter(year=year))
        bulk_insert(
            ScoreLine,
            [
                {
                    "year": year,
                    "member_id": line.member_id,
                    "scheme_id": scheme.pk,
                    "entry_id": line.entry_id,
                    "rule_id": line.rule_id,
                    "points": line.points,
                    "note": line.note,
                }
                for line in lines
            ],
        )
        now = timezone.now()
        bulk_insert(
            MemberScore,
            [
                {
                    "year": year,
                    "member_id": member_id,
                    "scheme_id": scheme.pk,
                    "computed_at": now,
                    **vars(figures.get(member_id, Figures())),
                }
                for member_id in Member.objects.order_by("pk").values_list("pk", flat=True)
            ],
        )
    return scheme
