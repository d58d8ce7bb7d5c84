"""量化记分 with hand-computed expectations: rules by category × role × status, the most specific
rule, yearly caps, the 重要履职活动 weight, the absence penalty, 请假 never an absence, 自行开展;
recomputing equals a fresh compute; the number of queries does not grow with the members."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people.models import Member
from performance.models import LedgerEntry, MemberScore, Role, ScoreLine, ScoringRule, ScoringScheme, Status
from performance.rules import PerformanceError
from performance.scoring import ABSENCE, CAPPED, NO_RULE, Entry, compute_scores, figures_of, score_entries

from .factories import MemberFactory

pytestmark = pytest.mark.django_db
YEAR = 2026
D = Decimal


def scheme_with_rules(year=YEAR, publish=True):
    scheme = ScoringScheme.objects.create(
        year=year,
        version=1,
        important_weight=D("2"),
        absence_penalty=D("2"),
        published_at=timezone.now() if publish else None,
    )
    rules = {
        "plenary": ScoringRule(category="plenary", status=Status.PRESENT, points=D("3")),
        "plenary_speech": ScoringRule(category="plenary", role=Role.SPEAK, status=Status.PRESENT, points=D("5")),
        "five_ones": ScoringRule(category="five_ones", status=Status.PRESENT, points=D("2"), yearly_cap=D("5")),
        "five_ones_self": ScoringRule(category="five_ones", status=Status.SELF_ORGANISED, points=D("1")),
        "author": ScoringRule(category="proposal", role=Role.AUTHOR, points=D("4")),
        "co_author": ScoringRule(category="proposal", role=Role.CO_AUTHOR, points=D("2"), yearly_cap=D("3")),
    }
    for order, rule in enumerate(rules.values()):
        rule.scheme, rule.sort_order = scheme, order
        rule.save()
    return scheme, rules


# Member 1's year; each line's points worked out by hand beside it.
BUSY = [
    ("plenary", Role.ATTEND, Status.PRESENT, True),  # 3 × weight 2 = 6
    ("plenary", Role.SPEAK, Status.PRESENT, False),  # the speech rule beats the plain one: 5
    ("five_ones", Role.ATTEND, Status.PRESENT, False),  # 2
    ("five_ones", Role.HOST, Status.PRESENT, False),  # 2 (4 of the cap of 5)
    ("five_ones", Role.ATTEND, Status.PRESENT, False),  # 1, the cap's rest
    ("five_ones", Role.ATTEND, Status.SELF_ORGANISED, False),  # 自行开展: 1
    ("five_ones", Role.ATTEND, Status.LEAVE, False),  # 请假: no rule, 0, and no penalty
    ("plenary", Role.ATTEND, Status.ABSENT, True),  # 缺席: −2 (the penalty is not weighted)
    ("proposal", Role.AUTHOR, "", False),  # 4
    ("proposal", Role.CO_AUTHOR, "", False),  # 2
    ("proposal", Role.CO_AUTHOR, "", False),  # 1, the cap's rest
    ("proposal", Role.CO_AUTHOR, "", False),  # 0, capped
]
BUSY_POINTS = ["6", "5", "2", "2", "1", "1", "0", "-2", "4", "2", "1", "0"]


def entries_of(member_id, rows, start=1):
    return [
        Entry(pk, member_id, category, role, status, important, 1)
        for pk, (category, role, status, important) in enumerate(rows, start)
    ]


def test_each_line_has_the_hand_counted_points_and_says_why():
    scheme, rules = scheme_with_rules()
    lines = score_entries(entries_of(1, BUSY), scheme, list(scheme.rules.all()))
    assert [str(line.points) for line in lines] == [f"{D(p):.2f}" for p in BUSY_POINTS]
    assert [line.rule_id for line in lines] == [
        rules["plenary"].pk,
        rules["plenary_speech"].pk,
        rules["five_ones"].pk,
        rules["five_ones"].pk,
        rules["five_ones"].pk,
        rules["five_ones_self"].pk,
        None,
        None,
        rules["author"].pk,
        rules["co_author"].pk,
        rules["co_author"].pk,
        rules["co_author"].pk,
    ]
    notes = [line.note for line in lines]
    assert notes[4] == CAPPED and notes[10] == CAPPED and notes[11] == CAPPED
    assert notes[6] == NO_RULE and notes[7] == ABSENCE
    assert sum(line.points for line in lines) == D("22")


def test_caps_count_per_member_and_quantity_multiplies():
    scheme, rules = scheme_with_rules()
    entries = [
        Entry(1, 1, "five_ones", Role.ATTEND, Status.PRESENT, False, 2),  # 2 × 2 = 4
        Entry(2, 2, "five_ones", Role.ATTEND, Status.PRESENT, False, 3),  # 6, capped at 5
        Entry(3, 1, "five_ones", Role.ATTEND, Status.PRESENT, False, 1),  # 1 left of member 1's cap
        Entry(4, 2, "plenary", Role.ATTEND, Status.ABSENT, False, 2),  # two absences: −4
    ]
    lines = score_entries(entries, scheme, list(scheme.rules.all()))
    assert [line.points for line in lines] == [D("4"), D("5"), D("1"), D("-4")]
    assert [line.note for line in lines] == ["", CAPPED, CAPPED, ABSENCE]


def test_attendance_figures_and_rate_treat_leave_apart_from_absence():
    scheme, _rules = scheme_with_rules()
    entries = entries_of(1, BUSY)
    figures = figures_of(entries, score_entries(entries, scheme, list(scheme.rules.all())))[1]
    # 应出席 8 (5 出席, 1 自行开展, 1 请假, 1 缺席); 出席率 (5 + 1) ÷ (8 − 1)
    assert (figures.expected, figures.present, figures.self_organised, figures.leave, figures.absent) == (8, 5, 1, 1, 1)
    score = MemberScore(
        expected=figures.expected,
        present=figures.present,
        leave=figures.leave,
        absent=figures.absent,
        self_organised=figures.self_organised,
    )
    assert score.rate == pytest.approx(6 / 7)
    assert MemberScore(expected=2, leave=2).rate is None


def ledger(member, rows, year=YEAR):
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                member=member,
                year=year,
                date=datetime.date(year, 1, 1) + datetime.timedelta(days=n),
                source="test",
                source_ref=f"row:{n}",
                category=category,
                role=role,
                status=status,
                important=important,
                title=f"第 {n} 项",
            )
            for n, (category, role, status, important) in enumerate(rows)
        ]
    )


def test_compute_writes_lines_and_figures_and_recomputing_changes_nothing(members):
    scheme, _rules = scheme_with_rules()
    ledger(members["teacher"], BUSY)
    ledger(members["doctor"], [("plenary", Role.ATTEND, Status.ABSENT, False)])
    LedgerEntry.objects.filter(member=members["teacher"], source_ref="row:0").update(voided=True)  # the 6 goes
    compute_scores(YEAR)
    first = list(ScoreLine.objects.order_by("entry_id").values_list("entry_id", "rule_id", "points", "note"))
    scores = {s.member_id: s for s in MemberScore.objects.filter(year=YEAR)}
    assert scores[members["teacher"].pk].total == D("16")
    assert scores[members["doctor"].pk].total == D("-2")
    assert scores[members["banker"].pk].total == 0 and scores[members["banker"].pk].expected == 0
    assert {s.scheme_id for s in scores.values()} == {scheme.pk}

    compute_scores(YEAR)
    assert list(ScoreLine.objects.order_by("entry_id").values_list("entry_id", "rule_id", "points", "note")) == first
    assert MemberScore.objects.filter(year=YEAR).count() == Member.objects.count()


def test_no_published_scheme_is_refused_with_a_message(members):
    scheme_with_rules(publish=False)
    with pytest.raises(PerformanceError, match="2026 年度还没有发布记分办法"):
        compute_scores(YEAR)


def queries_to_compute(count):
    """Queries of one compute after `count` more members, two entries each (so that every write
    fits one INSERT statement of bulk_insert at 500 members too)."""
    for n in range(count):
        ledger(MemberFactory(), [BUSY[n % len(BUSY)], BUSY[(n + 5) % len(BUSY)]])
    with CaptureQueriesContext(connection) as ctx:
        compute_scores(YEAR)
    return len(ctx.captured_queries)


def test_computing_asks_as_many_queries_for_500_members_as_for_50(reference):
    scheme_with_rules()
    compute_scores(YEAR)  # the year's row is made once, by the first compute
    few = queries_to_compute(50)
    assert MemberScore.objects.count() == 50
    assert queries_to_compute(450) == few
    assert MemberScore.objects.count() == 500
