"""三联系 in the 履职档案 ledger: one row per maker per activity (each maker of a 集体走访), a
集体座谈会 gives 组织 (召集) to its 常委 and 参加 to each member who came; no unit's or citizen's
name and no note reach the ledger; a fixed number of queries; the ledger follows entries on commit;
the 记分办法 scores the new category, or notes it has no rule."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts import rules
from contacts.ledger import LINK, ledger_entries
from contacts.models import ContactActivity, Pairing, PairingKind, Source, TargetCategory, Way
from people.models import ChairRole
from performance.ledger import SOURCES, category_labels, sync_ledger
from performance.models import LedgerEntry, Role, ScoreLine, ScoringRule, ScoringScheme
from performance.scoring import NO_RULE, compute_scores
from tests.factories import MemberFactory

YEAR = timezone.localdate().year - 1


def d(month, day):
    return datetime.date(YEAR, month, day)


def log(date, way, makers=(), contacted=(), targets=(), today=None, **extra):
    entry = rules.Entry(
        date=date, way=way, makers=list(makers), contacted=list(contacted), targets=list(targets), **extra
    )
    return rules.save_entry(entry, None, today=today)


@pytest.fixture
def year(members, reference):
    chair = MemberFactory(code="C001", name="主席甲", chair_role=ChairRole.CHAIR)
    vice = MemberFactory(code="C002", name="副主席乙", chair_role=ChairRole.VICE_CHAIR)
    standing = MemberFactory(code="S001", name="常委丙", is_standing=True)
    for member in (members["teacher"], members["doctor"]):
        Pairing.of(YEAR, PairingKind.STANDING, standing, member).save()
    return {**members, "chair": chair, "vice": vice, "standing": standing}


def test_rows_per_maker_and_a_forum_gives_its_roles(year, reference):
    y = year
    collective = log(d(3, 10), Way.VISIT, [y["chair"], y["vice"]], [y["standing"]], note="主席班子集体走访")
    forum = log(d(5, 8), Way.FORUM, [y["standing"]], [y["teacher"], y["doctor"]], is_forum=True)
    visit = log(
        d(6, 1),
        Way.VISIT,
        [y["teacher"]],
        targets=[(TargetCategory.ENTERPRISE, "区第一机床厂"), (TargetCategory.PUBLIC, "王女士")],
        note="私下谈话内容",
    )
    log(d(6, 2), Way.VISIT, contacted=[y["banker"]], committee=reference["econ_committee"], source=Source.OFFICE)
    # the year before, logged in its time
    log(datetime.date(YEAR - 1, 12, 31), Way.PHONE, [y["teacher"]], [y["doctor"]], today=d(1, 5))

    rows = list(ledger_entries(YEAR))
    got = {(r.member_id, r.source_ref): (r.date, r.category, r.role) for r in rows}
    assert got == {
        (y["chair"].pk, f"contact:{collective.pk}"): (d(3, 10), "contacts", ""),
        (y["vice"].pk, f"contact:{collective.pk}"): (d(3, 10), "contacts", ""),
        (y["standing"].pk, f"contact:{forum.pk}"): (d(5, 8), "contacts", Role.ORGANISE),
        (y["teacher"].pk, f"contact:{forum.pk}"): (d(5, 8), "contacts", Role.ATTEND),
        (y["doctor"].pk, f"contact:{forum.pk}"): (d(5, 8), "contacts", Role.ATTEND),
        (y["teacher"].pk, f"contact:{visit.pk}"): (d(6, 1), "contacts", ""),
    }, "no row for a 专委会走访 without a member maker, nor for another year"
    titles = {r.source_ref: r.title for r in rows}
    assert titles[f"contact:{collective.pk}"] == "三联系：走访（集体走访） 常委丙"
    assert titles[f"contact:{forum.pk}"] == "三联系：常委丙召集集体座谈会，2 位委员参加"
    assert titles[f"contact:{visit.pk}"] == "三联系：走访 企事业单位 1 个、社会群众 1 个"
    text = " ".join(titles.values())
    assert "机床厂" not in text and "王女士" not in text and "私下" not in text and "集体走访" in text
    assert {r.link for r in rows} == {LINK} and {r.year for r in rows} == {YEAR}
    assert SOURCES["contacts"].label == "三联系" and category_labels()["contacts"] == "三联系"


def test_the_same_queries_for_ten_and_a_hundred_activities(year):
    y = year

    def fill(n, month):
        for i in range(n):
            log(
                d(month, 1 + i % 28),
                [Way.VISIT, Way.PHONE][i % 2],
                [y["teacher"], y["chair"]],
                [y["doctor"]],
                targets=[(TargetCategory.PUBLIC, f"群众{month}-{i}")],
            )

    fill(10, 1)
    with CaptureQueriesContext(connection) as ten:
        assert len(list(ledger_entries(YEAR))) == 20
    fill(90, 2)
    with CaptureQueriesContext(connection) as hundred:
        assert len(list(ledger_entries(YEAR))) == 200
    assert len(ten) == len(hundred) == 4


def test_the_ledger_follows_entries_on_commit_and_imports(year, django_capture_on_commit_callbacks):
    y = year
    with django_capture_on_commit_callbacks(execute=True):
        entry = log(d(4, 4), Way.PHONE, [y["teacher"]], [y["doctor"]])
    assert list(LedgerEntry.objects.filter(source="contacts").values_list("member_id", "source_ref")) == [
        (y["teacher"].pk, f"contact:{entry.pk}")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        rules.save_entries(
            [rules.Entry(date=d(4, 5), way=Way.VISIT, makers=[y["doctor"], y["banker"]], contacted=[y["teacher"]])],
            None,
        )
    assert LedgerEntry.objects.filter(source="contacts").count() == 3, "a bulk import reaches the ledger too"
    with django_capture_on_commit_callbacks(execute=True):
        ContactActivity.objects.get(pk=entry.pk).delete()
    assert LedgerEntry.objects.filter(source="contacts").count() == 2


def test_the_scheme_scores_contacts_or_says_it_has_no_rule(year):
    y = year
    log(d(5, 8), Way.FORUM, [y["standing"]], [y["teacher"], y["doctor"]], is_forum=True)
    log(d(6, 1), Way.PHONE, [y["teacher"]], [y["banker"]])
    sync_ledger(YEAR)
    scheme = ScoringScheme.objects.create(year=YEAR, version=1, published_at=timezone.now())
    compute_scores(YEAR)
    assert set(ScoreLine.objects.values_list("note", "points")) == {(NO_RULE, Decimal("0.00"))}
    ScoringRule.objects.create(scheme=scheme, category="contacts", role=Role.ORGANISE, points=Decimal("2"))
    ScoringRule.objects.create(scheme=scheme, category="contacts", points=Decimal("1"))
    compute_scores(YEAR)
    points = {line.member_id: line.points for line in ScoreLine.objects.all() if line.member_id != y["teacher"].pk}
    assert points == {y["standing"].pk: Decimal("2.00"), y["doctor"].pk: Decimal("1.00")}
    teacher = sorted(ScoreLine.objects.filter(member=y["teacher"]).values_list("points", flat=True))
    assert teacher == [Decimal("1.00"), Decimal("1.00")]  # attended the forum, and made a call
