"""The registry's figures, as plain functions over querysets: the 办理进度 board, 成果统计 and the
零提案 (零成果) list. The admin pages, their xlsx and PDF, and benchmarks/results.py all call these,
so a figure on screen, in a file and in a benchmark is the same figure.

Each function takes the rows a viewer may see (`rules.results_visible_to(user)`,
`people.services.members_visible_to(user)`) and a year; only 已确认 entries count. The number of
queries does not depend on the number of entries: everything is counted by the database, and
the board reads its proposals, units, authors and steps in one query each."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from people.models import Member, Party, Sector

from . import rules
from .models import (
    Acceptance,
    AuthorKind,
    HandlingStep,
    HandlingUnit,
    Kind,
    Occasion,
    ProposalUnit,
    Result,
    ResultAuthor,
    Status,
)

Step = HandlingStep.Step
STEPS = list(Step)

# 提案 by who submitted it and when, in the committee's words (seed 004 item 8: 平时/党派/界别/联名).
AUTHOR_KIND_LABELS = {
    AuthorKind.INDIVIDUAL: "个人提案",
    AuthorKind.JOINT: "联名提案",
    AuthorKind.SECTOR: "界别提案",
    AuthorKind.PARTY: "党派提案",
}
OCCASION_LABELS = {Occasion.REGULAR: "平时提案", Occasion.PLENARY: "大会提案"}
MEMBERS_OWN = (AuthorKind.INDIVIDUAL, AuthorKind.JOINT)


# --- shares


def percent(count, total):
    """`count` of `total` as a percentage rounded half up to one decimal (Decimal("33.3")), the way a
    hand count rounds it; None when there is nothing to divide by."""
    if not total:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    total: int

    @property
    def percent(self):
        return percent(self.count, self.total)

    @property
    def percent_text(self):
        """ "40.0%", or "—" when the total is 0."""
        value = self.percent
        return "—" if value is None else f"{value}%"

    @property
    def fraction(self):
        """The rounded share as a fraction (0.4 for 40.0%), for a spreadsheet cell formatted 0.0%."""
        value = self.percent
        return None if value is None else float(value / 100)


def shares(items, total):
    return [Share(label, count, total) for label, count in items]


# --- 办理进度


@dataclass
class BoardRow:
    """One line of the 办理进度 board: a 立案 proposal and one of its units (or no unit yet)."""

    result: Result
    unit: HandlingUnit | None
    role: str
    steps: dict = field(default_factory=dict)  # Step value -> [dates]
    due: object = None
    overdue: bool = False

    def step_dates(self, step):
        return self.steps.get(step, [])

    @property
    def before(self):
        return self.step_dates(Step.BEFORE)

    @property
    def during(self):
        return self.step_dates(Step.DURING)

    @property
    def after(self):
        return self.step_dates(Step.AFTER)


def board_proposals(results, year):
    """The year's 立案 proposals among `results`, with units and authors fetched alongside."""
    return (
        results.filter(year=year, kind=Kind.PROPOSAL, status=Status.CONFIRMED, acceptance=Acceptance.ACCEPTED)
        .prefetch_related(
            Prefetch("units", queryset=ProposalUnit.objects.select_related("unit")),
            Prefetch("author_rows", queryset=ResultAuthor.objects.select_related("member")),
        )
        .order_by("number", "submitted_on", "pk")
    )


def proposal_board(results, year, unit=None, overdue_only=False, today=None):
    """办理进度: every 立案 proposal of `year` among `results` × each of its units (主办 first), with
    the dates of 办前沟通, 办中协商 and 办后回访 that unit recorded, the 答复期限 and 逾期
    (rules.is_overdue, with the year's 办理时限 read once). A proposal not yet 交办 has one row
    without a unit. `unit` keeps only that unit's rows; `overdue_only` only 逾期 proposals."""
    today = today or timezone.localdate()
    months = rules.handling_months(year)
    proposals = board_proposals(results, year)
    if unit is not None:
        proposals = proposals.filter(units__unit=unit)
    steps = defaultdict(lambda: defaultdict(list))
    for result_id, unit_id, step, date in (
        HandlingStep.objects.filter(result__in=proposals.values("pk"))
        .order_by("date", "pk")
        .values_list("result_id", "unit_id", "step", "date")
    ):
        steps[(result_id, unit_id)][step].append(date)
    rows = []
    for proposal in proposals:
        due = rules.answer_due(proposal, months)
        overdue = rules.is_overdue(proposal, today, months)
        if overdue_only and not overdue:
            continue
        assigned = [pu for pu in proposal.units.all() if unit is None or pu.unit_id == unit.pk]
        if not assigned:
            rows.append(BoardRow(proposal, None, "", {}, due, overdue))
        for pu in sorted(assigned, key=lambda pu: pu.role != ProposalUnit.Role.LEAD):
            rows.append(
                BoardRow(proposal, pu.unit, pu.get_role_display(), dict(steps[(proposal.pk, pu.unit_id)]), due, overdue)
            )
    return rows


def _dates(dates):
    return "、".join(f"{d:%Y-%m-%d}" for d in dates)


# (heading, value of a BoardRow): the board's columns, on screen and in the xlsx.
BOARD_COLUMNS = [
    ("案号", lambda r: r.result.number),
    ("标题", lambda r: r.result.title),
    ("提案人", lambda r: r.result.author_label),
    ("大会/平时", lambda r: r.result.get_occasion_display()),
    ("交办日期", lambda r: r.result.assigned_on),
    ("承办单位", lambda r: r.unit.name if r.unit else "（未交办）"),
    ("主办/协办", lambda r: r.role),
    ("办前沟通", lambda r: _dates(r.before)),
    ("办中协商", lambda r: _dates(r.during)),
    ("办后回访", lambda r: _dates(r.after)),
    ("答复期限", lambda r: r.due),
    ("答复日期", lambda r: r.result.answered_on),
    ("满意度", lambda r: r.result.get_satisfaction_display()),
    ("逾期", lambda r: "逾期" if r.overdue else ""),
]


# --- 成果统计


@dataclass
class GroupRow:
    """A sector's (party's) entries of each kind, in Kind order, and their sum."""

    name: str
    counts: list

    @property
    def total(self):
        return sum(self.counts)


def statistics(results, year):
    """成果统计 for `year` over the 已确认 entries among `results`:

    - kinds: count and share of all entries, by kind;
    - author_kinds / occasions: 提案 by 作者类型 (个人/联名/界别/党派) and 平时 vs 大会, as shares of
      the year's 提案;
    - sectors / parties: entries of each kind per sector and per party. An entry submitted in a
      sector's (party's) name counts for that sector (party) only; a member's or members' entry
      counts for each sector (party) its authors belong to, once per sector (party) however many of
      its authors come from it. A joint entry by members of two sectors therefore counts in both,
      and the sector rows may add up to more than the year's total.
    """
    confirmed = results.filter(year=year, status=Status.CONFIRMED).order_by()
    by_kind, by_author_kind, by_occasion = defaultdict(int), defaultdict(int), defaultdict(int)
    named_sectors, named_parties = [], []
    # One pass over the year's entries gives the kinds, the 提案's make-up and the named entries.
    for kind, author_kind, occasion, sector_id, party_id, n in confirmed.values_list(
        "kind", "author_kind", "occasion", "sector_id", "party_id"
    ).annotate(n=Count("pk")):
        by_kind[kind] += n
        if kind == Kind.PROPOSAL:
            by_author_kind[author_kind] += n
            by_occasion[occasion] += n
        if sector_id:
            named_sectors.append((sector_id, kind, n))
        if party_id:
            named_parties.append((party_id, kind, n))
    total = sum(by_kind.values())
    kinds = shares([(Kind(k).label, by_kind[k]) for k in Kind.values], total)
    proposal_total = by_kind[Kind.PROPOSAL]
    author_kinds = shares([(label, by_author_kind[k]) for k, label in AUTHOR_KIND_LABELS.items()], proposal_total)
    occasions = shares([(label, by_occasion[k]) for k, label in OCCASION_LABELS.items()], proposal_total)

    # Members' own entries, by their authors' sectors (parties), each entry once per sector (party).
    members_own = ResultAuthor.objects.filter(
        result__year=year, result__status=Status.CONFIRMED, result__author_kind__in=MEMBERS_OWN
    ).order_by()
    if results.query.has_filters():
        members_own = members_own.filter(Exists(results.filter(pk=OuterRef("result_id"))))
    sectors = _group_rows(
        Sector.objects.all(),
        named_sectors,
        members_own.values_list("member__sector_id", "result__kind").annotate(n=Count("result", distinct=True)),
    )
    parties = _group_rows(
        Party.objects.all(),
        named_parties,
        members_own.filter(member__party__isnull=False)
        .values_list("member__party_id", "result__kind")
        .annotate(n=Count("result", distinct=True)),
    )
    return {
        "year": year,
        "total": total,
        "kinds": kinds,
        "proposal_total": proposal_total,
        "author_kinds": author_kinds,
        "occasions": occasions,
        "kind_labels": Kind.labels,
        "sectors": sectors,
        "parties": parties,
    }


def _group_rows(groups, *counted):
    """[GroupRow] for every sector (party) in its order, adding up (group id, kind, n) rows."""
    counts = defaultdict(int)
    for rows in counted:
        for group_id, kind, n in rows:
            counts[(group_id, kind)] += n
    return [GroupRow(group.name, [counts[(group.pk, kind)] for kind in Kind.values]) for group in groups]


# --- 零提案 / 零成果


def count_field(kind):
    return f"count_{kind}"


def _authored(year, kind=None):
    """Who is an author or co-author of an 已确认 entry of `year` (of `kind`): member ids."""
    rows = ResultAuthor.objects.filter(result__year=year, result__status=Status.CONFIRMED)
    return (rows.filter(result__kind=kind) if kind else rows).values("member_id")


def zero_proposals(members, year, zero_results=False, sector=None):
    """零提案: the `members` with no 已确认 提案 of `year` as author or co-author; with
    `zero_results`, those with no confirmed entry of the year at all (零成果). Ordered by sector,
    then 委员证号. with_counts() adds each one's confirmed entries of the year by kind.

    The list is scoped by member: pass members_visible_to(user). Its counts (numbers, never titles)
    take every confirmed entry of a listed member, whichever office handles its kind, since the
    question is whether the member submitted anything; 研究室, which does not see 提案
    (rules.results_visible_to), still learns who has none."""
    if sector is not None:
        members = members.filter(sector=sector)
    wrote = _authored(year) if zero_results else _authored(year, Kind.PROPOSAL)
    return (
        members.exclude(pk__in=wrote)
        .select_related("sector", "party")
        .order_by("sector__sort_order", "sector__name", "code")
    )


def with_counts(members, year):
    """The `members` (a page, a list) as a list, each with count_proposal, count_opinion, … and
    count_total: the 已确认 entries of `year` of each kind they are an author or co-author of,
    counted by the database in one query (an author is listed once per entry)."""
    members = list(members)
    confirmed = Q(result_authorships__result__year=year, result_authorships__result__status=Status.CONFIRMED)
    fields = [count_field(kind) for kind in Kind.values] + ["count_total"]
    counts = {
        row[0]: row[1:]
        for row in Member.objects.filter(pk__in=[m.pk for m in members])
        .annotate(
            **{
                count_field(kind): Count(
                    "result_authorships", filter=confirmed & Q(result_authorships__result__kind=kind)
                )
                for kind in Kind.values
            },
            count_total=Count("result_authorships", filter=confirmed),
        )
        .order_by()
        .values_list("pk", *fields)
    }
    for member in members:
        for name, value in zip(fields, counts.get(member.pk, [0] * len(fields)), strict=True):
            setattr(member, name, value)
    return members


def zero_columns():
    """(heading, value of an annotated member): the list's columns, on screen and in the xlsx."""
    return [
        ("委员证号", lambda m: m.code),
        ("姓名", lambda m: m.name),
        ("界别", lambda m: m.sector.name),
        ("党派", lambda m: m.party.name if m.party else ""),
        *[(str(label), (lambda k: lambda m: getattr(m, count_field(k)))(kind)) for kind, label in Kind.choices],
        ("成果合计", lambda m: m.count_total),
    ]
