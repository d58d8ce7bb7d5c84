"""三联系: what an entry must hold, who reads it, and the counts against the quotas on a
hand-built year (seed 003 annex 3 三; Xishan's quotas)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import rules, stats
from contacts.models import (
    ContactActivity,
    ContactQuota,
    ContactTarget,
    HalfYearReport,
    Pairing,
    PairingKind,
    Source,
    TargetCategory,
    Way,
)
from people.models import ChairRole
from people.roles import COMMITTEE_OFFICE, LIAISON_OFFICE, MEMBER
from tests.factories import MemberFactory

YEAR = 2026
TODAY = datetime.date(2026, 11, 25)


def d(month, day):
    return datetime.date(YEAR, month, day)


@pytest.fixture
def year(members, reference):
    """A chair, two 常委 and members; pairings of every kind."""
    chair = MemberFactory(code="C001", name="主席甲", chair_role=ChairRole.CHAIR, sector=reference["economy"])
    standing = MemberFactory(code="S001", name="常委乙", is_standing=True, sector=reference["education"])
    standing2 = MemberFactory(code="S002", name="常委丙", is_standing=True, sector=reference["economy"])
    youth = MemberFactory(code="Y001", name="青年丁", is_youth=True, sector=reference["education"])
    m = members
    for from_member, to_member, kind in (
        (chair, standing, PairingKind.CHAIR),
        (standing, m["teacher"], PairingKind.STANDING),
        (standing, m["doctor"], PairingKind.STANDING),
        (m["teacher"], youth, PairingKind.MENTOR),
    ):
        Pairing.of(YEAR, kind, from_member, to_member).save()
    return {**m, "chair": chair, "standing": standing, "standing2": standing2, "youth": youth}


def log(date, way, makers, contacted=(), targets=(), is_forum=False, note="", user=None):
    entry = rules.Entry(
        date=date,
        way=way,
        makers=list(makers),
        contacted=list(contacted),
        targets=list(targets),
        is_forum=is_forum,
        note=note,
    )
    return rules.save_entry(entry, user, today=TODAY)


def test_hand_built_year_counts(year):
    y = year
    # The chair: no visit in January, one 常委 in February, three in March (one of them twice).
    log(d(2, 10), Way.VISIT, [y["chair"]], [y["standing"]])
    log(d(3, 2), Way.VISIT, [y["chair"]], [y["standing"]])
    log(d(3, 9), Way.VISIT, [y["chair"]], [y["standing"], y["standing2"]])
    log(d(3, 20), Way.VISIT, [y["chair"], y["standing2"]], [y["standing"]])
    # A phone call to a 常委 is not a 走访.
    log(d(1, 5), Way.PHONE, [y["chair"]], [y["standing"]])
    third = MemberFactory(code="S003", name="常委戊", is_standing=True)
    log(d(3, 25), Way.VISIT, [y["chair"]], [third])
    # The 常委: an H1 forum with both paired members, none in H2.
    log(d(5, 8), Way.FORUM, [y["standing"]], [y["teacher"], y["doctor"]], is_forum=True)
    # The teacher: three entries; one enterprise reached twice counts once.
    log(d(4, 1), Way.VISIT, [y["teacher"]], targets=[(TargetCategory.ENTERPRISE, "区第一机床厂")])
    log(d(6, 1), Way.PHONE, [y["teacher"]], targets=[(TargetCategory.ENTERPRISE, "区第一机床厂")])
    log(
        d(9, 1),
        Way.WECHAT,
        [y["teacher"]],
        targets=[(TargetCategory.PUBLIC, "王女士"), (TargetCategory.PUBLIC, "李先生")],
    )

    counts = stats.year_counts([y["chair"], y["standing"], y["standing2"], y["teacher"], y["doctor"]], YEAR)
    chair = counts[y["chair"].pk]
    assert chair.chair_visits[:4] == [0, 1, 3, 0]
    assert chair.activities == 6
    standing = counts[y["standing"].pk]
    assert standing.forums == [1, 0]
    assert standing.activities == 1  # the forum
    assert counts[y["standing2"].pk].activities == 1  # the 集体走访 counts for each of its makers
    teacher = counts[y["teacher"].pk]
    assert teacher.activities == 3
    assert teacher.of(TargetCategory.ENTERPRISE) == 1
    assert teacher.of(TargetCategory.PUBLIC) == 2
    assert y["doctor"].pk not in counts  # attending a forum is not making a contact
    quota = rules.quota_for(YEAR)
    assert stats.shortfalls(teacher, quota) == [("联系活动", 3, 4), ("界别群众", 0, 2), ("社会群众", 2, 3)]


def test_counts_take_the_same_queries_for_many_members(year):
    y = year
    log(d(2, 10), Way.VISIT, [y["chair"]], [y["standing"]])
    with CaptureQueriesContext(connection) as few:
        stats.year_counts([y["chair"].pk], YEAR)
    for n in range(20):
        member = MemberFactory()
        log(d(3, 1 + n), Way.VISIT, [member], targets=[(TargetCategory.PUBLIC, f"群众{n}")])
    with CaptureQueriesContext(connection) as many:
        stats.year_counts(ContactActivity.makers.through.objects.values("member_id"), YEAR)
    assert len(many) == len(few)


@pytest.mark.django_db
def test_quota_defaults_without_a_row():
    assert rules.quota_for(2030).activities_per_member == 4
    assert rules.quota_for(2030).public == 3


@pytest.mark.django_db
def test_quota_row_overrides_defaults():
    ContactQuota.objects.create(year=2031, activities_per_member=6)
    assert rules.quota_for(2031).activities_per_member == 6


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"date": d(11, 26)}, "date", "「日期」：不能晚于今天"),
        ({"way": "letter"}, "way", "「方式」：应为走访、电话、微信或座谈"),
        ({"note": "王女士电话 139 1234 5678"}, "note", "「备注」：请勿填写群众的手机号或身份证号"),
        ({"note": "身份证１１０１０１１９９００１０１１２３Ｘ"}, "note", "「备注」：请勿填写群众的手机号或身份证号"),
        ({"targets": []}, "whom", rules.WHOM_TEXT),
        ({"note": "很" * 501}, "note", "「备注」：不能超过 500 个字"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(year, changes, field, message):
    fields = {
        "date": d(4, 1),
        "way": Way.VISIT,
        "makers": [year["teacher"]],
        "targets": [(TargetCategory.PUBLIC, "王女士")],
    }
    fields.update(changes)
    with pytest.raises(rules.ContactError) as refused:
        rules.save_entry(rules.Entry(**fields), None, today=TODAY)
    assert message in refused.value.errors[field]
    assert not ContactActivity.objects.exists()
    assert not ContactTarget.objects.exists()


def test_a_forum_needs_a_standing_member_and_two_paired_members(year):
    y = year
    with pytest.raises(rules.ContactError) as refused:
        log(d(5, 8), Way.FORUM, [y["standing"]], [y["teacher"], y["banker"]], is_forum=True)
    assert "「集体座谈会」：应有至少两位该常委联系的委员参加" in refused.value.errors["is_forum"]
    with pytest.raises(rules.ContactError) as refused:
        log(d(5, 8), Way.FORUM, [y["teacher"]], [y["doctor"], y["banker"]], is_forum=True)
    assert "「集体座谈会」：应由一位常委召集" in refused.value.errors["is_forum"]


def test_an_issued_half_locks_its_entries(year):
    entry = log(d(3, 1), Way.PHONE, [year["teacher"]], targets=[(TargetCategory.PUBLIC, "王女士")])
    HalfYearReport.objects.create(year=YEAR, half=1, issued_at=datetime.datetime(2026, 7, 5, tzinfo=datetime.UTC))
    with pytest.raises(rules.ContactError) as refused:
        log(d(4, 1), Way.PHONE, [year["teacher"]], targets=[(TargetCategory.PUBLIC, "王女士")])
    assert "已锁定" in str(refused.value)
    with pytest.raises(rules.ContactError):
        rules.save_entry(
            rules.Entry(
                date=d(8, 1), way=Way.PHONE, makers=[year["teacher"]], targets=[(TargetCategory.PUBLIC, "张先生")]
            ),
            None,
            instance=entry,
            today=TODAY,
        )
    assert ContactActivity.objects.get().date == d(3, 1)
    log(d(8, 1), Way.PHONE, [year["teacher"]], targets=[(TargetCategory.PUBLIC, "王女士")])  # H2 stays open


def test_who_reads_entries(year, make_user, roles_synced, reference):
    y = year
    teacher_entry = log(d(4, 1), Way.VISIT, [y["teacher"]], targets=[(TargetCategory.PUBLIC, "王女士")])
    banker_entry = log(d(4, 2), Way.VISIT, [y["banker"]], targets=[(TargetCategory.PUBLIC, "赵先生")])
    teacher = make_user(MEMBER, member=y["teacher"])
    edu_office = make_user(COMMITTEE_OFFICE, committee=reference["edu_committee"])
    liaison = make_user(LIAISON_OFFICE)
    stranger = make_user(MEMBER)
    assert list(rules.activities_visible_to(teacher)) == [teacher_entry]
    assert list(rules.activities_visible_to(edu_office)) == [teacher_entry]
    assert set(rules.activities_visible_to(liaison)) == {teacher_entry, banker_entry}
    assert not rules.activities_visible_to(stranger).exists()
    assert [t.name for t in rules.targets_visible_to(teacher)] == ["王女士"]
    assert [t.name for t in rules.targets_visible_to(edu_office)] == ["王女士"]
    assert rules.may_change(teacher, teacher_entry) is False  # saved with no user: not the member's own
    own = rules.save_entry(
        rules.Entry(date=d(4, 3), way=Way.PHONE, makers=[y["teacher"]], targets=[(TargetCategory.PUBLIC, "王女士")]),
        teacher,
        today=TODAY,
    )
    assert own.source == Source.MEMBER
    assert rules.may_change(teacher, own) and not rules.may_change(stranger, own)


def test_a_pair_outlives_a_member_who_leaves(year):
    year["youth"].delete()
    pair = Pairing.objects.get(kind=PairingKind.MENTOR)
    assert pair.left_roster and pair.to_name == "青年丁"


def test_a_unit_reached_jointly_then_alone_counts_once(year):
    """A 集体走访 saves the unit under its first maker; the second maker visiting it alone later
    has still reached one 企事业单位, not two."""
    y = year
    log(d(4, 1), Way.VISIT, [y["teacher"], y["doctor"]], targets=[(TargetCategory.ENTERPRISE, "甲公司")])
    log(d(5, 1), Way.VISIT, [y["doctor"]], targets=[(TargetCategory.ENTERPRISE, "甲公司")])
    assert ContactTarget.objects.filter(name="甲公司").count() == 2
    assert stats.member_counts(y["doctor"], YEAR).of(TargetCategory.ENTERPRISE) == 1
    assert stats.member_counts(y["teacher"], YEAR).of(TargetCategory.ENTERPRISE) == 1
