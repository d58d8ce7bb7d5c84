"""The rules the 履职档案 admin calls: the 记分办法's versions (a published version is never
edited, an old score still names its version, a new year starts as a copy), publishing refuses
rule errors, the freeze and its reopening (roles, reasons), corrections (change, void, restore,
add) with their history and required reason surviving rebuild_ledger, 异议 answered once, and
the 履职活动 an office may save."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from people import roles
from performance import rules
from performance.ledger import sync_ledger
from performance.models import (
    DutyActivity,
    EntryChange,
    LedgerEntry,
    Objection,
    Participation,
    PerformanceYear,
    Role,
    ScoreLine,
    ScoringRule,
    ScoringScheme,
    Status,
    YearEvent,
)
from performance.rules import PerformanceError, Refused, YearFrozen
from performance.scoring import compute_scores

pytestmark = pytest.mark.django_db
YEAR = 2026
D = Decimal
FROZEN = f"{YEAR} 年度履职档案已于 {YEAR + 1}-01-31 冻结，不能修改"


def at(month, day, hour=9):
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour))


@pytest.fixture
def people(roles_synced, make_user, reference):
    return {
        "liaison": make_user(roles.LIAISON_OFFICE),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "sysadmin": make_user(roles.SYSTEM_ADMIN),
    }


@pytest.fixture
def plenary(members):
    """全体会议 in March: 王丽 spoke, 李强 attended; the others were absent."""
    activity = DutyActivity.objects.create(name="区政协全体会议", kind="plenary", start=at(3, 1), invite_all=True)
    Participation.objects.create(activity=activity, member=members["teacher"], status=Status.PRESENT, role=Role.SPEAK)
    Participation.objects.create(activity=activity, member=members["doctor"], status=Status.PRESENT, role=Role.ATTEND)
    sync_ledger(YEAR)
    return activity


def published(year, user, *rule_rows):
    scheme = rules.draft_scheme(year, user)
    rules.save_scheme(scheme.pk, user, {}, [dict(zip(RULE_KEYS, row, strict=True)) for row in rule_rows])
    return rules.publish_scheme(scheme.pk, user)


RULE_KEYS = ("category", "role", "status", "points", "yearly_cap")
PLENARY_PRESENT = ("plenary", "", Status.PRESENT, D("3"), None)


def entry_of(member):
    return LedgerEntry.objects.get(member=member, year=YEAR, source="activities")


# --- the 记分办法's versions


def test_editing_a_published_scheme_makes_version_2_and_an_old_score_still_names_version_1(people, members, plenary):
    liaison = people["liaison"]
    v1 = published(YEAR, liaison, PLENARY_PRESENT)
    compute_scores(YEAR)
    line = ScoreLine.objects.get(entry=entry_of(members["teacher"]))
    assert (line.points, line.scheme.version) == (D("3.00"), 1)

    draft = rules.draft_scheme(YEAR, liaison)
    assert (draft.version, draft.published_at) == (2, None), "a published version is never edited"
    assert rules.draft_scheme(YEAR, liaison) == draft, "asking again gives the same draft"
    assert [(r.category, r.points) for r in draft.rules.all()] == [("plenary", D("3.00"))], "copied from v1"
    rules.save_scheme(
        draft.pk,
        liaison,
        {"absence_penalty": D("1")},
        [dict(zip(RULE_KEYS, ("plenary", "", Status.PRESENT, D("4"), None), strict=True))],
    )
    rules.publish_scheme(draft.pk, liaison)

    line.refresh_from_db()
    assert (line.points, line.scheme_id) == (D("3.00"), v1.pk), "the old score still explains itself with v1"
    assert list(v1.rules.values_list("points", flat=True)) == [D("3.00")], "v1's rules are untouched"
    compute_scores(YEAR)
    line = ScoreLine.objects.get(entry=entry_of(members["teacher"]))
    assert (line.points, line.scheme.version) == (D("4.00"), 2)


def test_a_new_year_starts_as_a_copy_of_the_last_years_scheme(people):
    liaison = people["liaison"]
    last = published(YEAR - 1, liaison, PLENARY_PRESENT, ("proposal", Role.AUTHOR, "", D("5"), D("20")))
    ScoringScheme.objects.filter(pk=last.pk).update(absence_penalty=D("3"))
    first = rules.draft_scheme(YEAR, liaison)
    assert (first.year, first.version, first.published_at, first.absence_penalty) == (YEAR, 1, None, D("3.00"))
    assert [(r.category, r.role, r.points, r.yearly_cap) for r in first.rules.all()] == [
        ("plenary", "", D("3.00"), None),
        ("proposal", Role.AUTHOR, D("5.00"), D("20.00")),
    ]


def test_publishing_and_saving_refuse_rule_errors_and_a_published_version(people):
    liaison = people["liaison"]
    draft = rules.draft_scheme(YEAR, liaison)
    with pytest.raises(PerformanceError, match="还没有任何规则"):
        rules.publish_scheme(draft.pk, liaison)
    with pytest.raises(rules.SchemeInvalid) as refused:
        rules.save_scheme(
            draft.pk,
            liaison,
            {},
            [
                dict(zip(RULE_KEYS, PLENARY_PRESENT, strict=True)),
                dict(zip(RULE_KEYS, ("plenery", "", "", D("1"), D("-2")), strict=True)),
            ],
        )
    assert refused.value.errors == {1: {"category": "没有这个类别：plenery", "yearly_cap": "年度上限不能为负数。"}}
    assert not draft.rules.exists(), "nothing saved"
    ScoringRule.objects.create(scheme=draft, category="nothing", points=D("1"))  # as an old import might have left it
    with pytest.raises(PerformanceError, match="第 1 条：没有这个类别：nothing"):
        rules.publish_scheme(draft.pk, liaison)
    assert ScoringScheme.objects.get(pk=draft.pk).published_at is None
    rules.save_scheme(draft.pk, liaison, {}, [dict(zip(RULE_KEYS, PLENARY_PRESENT, strict=True))])
    rules.publish_scheme(draft.pk, liaison)
    with pytest.raises(PerformanceError, match="已经发布，不能再修改"):
        rules.save_scheme(draft.pk, liaison, {}, [])
    with pytest.raises(Refused):
        rules.draft_scheme(YEAR, people["secretary"])


# --- the freeze


def test_freeze_and_reopen_with_a_reason_by_the_roles_that_may(people, members, plenary):
    liaison, sysadmin = people["liaison"], people["sysadmin"]
    with pytest.raises(Refused, match="只有委员联络室可以设置冻结日期"):
        rules.set_freeze(YEAR, people["secretary"], datetime.date(YEAR + 1, 1, 31))
    rules.set_freeze(YEAR, liaison, datetime.date(YEAR + 1, 1, 31))
    assert not rules.is_frozen(YEAR), "the date is still ahead"
    PerformanceYear.objects.filter(year=YEAR).update(freeze_on=timezone.localdate() - datetime.timedelta(days=1))
    message = rules.frozen_message(YEAR)
    assert message.startswith(f"{YEAR} 年度履职档案已于 ") and message.endswith("冻结，不能修改")
    entry = entry_of(members["teacher"])
    for write in (
        lambda: rules.correct_entry(entry.pk, liaison, {"quantity": 2}, "多次发言"),
        lambda: rules.void_entry(entry.pk, liaison, "重复"),
        lambda: rules.draft_scheme(YEAR, liaison),
        lambda: rules.set_freeze(YEAR, liaison, datetime.date(YEAR + 1, 3, 1)),
        lambda: rules.save_activity(liaison, {"name": "补开会议", "kind": "plenary", "start": at(12, 1)}, {}),
    ):
        with pytest.raises(YearFrozen) as refused:
            write()
        assert str(refused.value).startswith(message)

    with pytest.raises(Refused, match="只有系统管理员"):
        rules.reopen_year(YEAR, liaison, "更正错误")
    with pytest.raises(PerformanceError, match="请填写重新开放的理由"):
        rules.reopen_year(YEAR, sysadmin, "  ")
    rules.reopen_year(YEAR, sysadmin, "补录漏记的全体会议")
    assert not rules.is_frozen(YEAR)
    events = list(YearEvent.objects.filter(year__year=YEAR).values_list("actor", "action", "why"))
    assert events[-1] == (sysadmin.pk, "重新开放", "补录漏记的全体会议")
    assert events[0][1] == f"设置冻结日期 {YEAR + 1}-01-31"


def test_the_frozen_message_is_the_committees_sentence():
    PerformanceYear.objects.update_or_create(year=YEAR, defaults={"freeze_on": datetime.date(YEAR + 1, 1, 31)})
    assert rules.frozen_message(YEAR, today=datetime.date(YEAR + 1, 2, 1)) == FROZEN


# --- corrections


def test_corrections_change_void_restore_and_add_with_history_and_a_required_reason_and_survive_a_rebuild(
    people, members, plenary
):
    liaison = people["liaison"]
    published(YEAR, liaison, PLENARY_PRESENT)
    entry = entry_of(members["banker"])
    assert entry.status == Status.ABSENT
    with pytest.raises(PerformanceError, match="请填写更正理由"):
        rules.correct_entry(entry.pk, liaison, {"status": Status.LEAVE}, " ")
    with pytest.raises(Refused):
        rules.correct_entry(entry.pk, people["secretary"], {"status": Status.LEAVE}, "已请假")
    seen = rules.entry_version(entry)
    rules.correct_seen_entry(entry.pk, liaison, {"status": Status.PRESENT}, "签到表漏记", seen)
    with pytest.raises(PerformanceError, match="已被.*更正过"):
        rules.correct_seen_entry(entry.pk, liaison, {"quantity": 2}, "另一处的更正", seen)
    assert ScoreLine.objects.get(entry=entry).points == D("3.00"), "the year was recomputed"

    voided = entry_of(members["engineer"])
    rules.void_seen_entry(voided.pk, liaison, "当天公差", rules.entry_version(voided))
    with pytest.raises(PerformanceError, match="已经作废"):
        rules.void_entry(voided.pk, liaison, "再作废一次")
    added = rules.add_scored_entry(
        liaison,
        members["doctor"],
        {
            "date": datetime.date(YEAR, 4, 2),
            "category": "plenary",
            "role": Role.ATTEND,
            "status": Status.PRESENT,
            "important": False,
            "quantity": 1,
            "title": "全体会议分组讨论（补录）",
        },
        "纸质签到表补录",
    )
    with pytest.raises(PerformanceError, match="没有这个类别"):
        rules.add_entry(liaison, members["doctor"], {"date": datetime.date(YEAR, 4, 2), "category": "x"}, "补录")

    call_command("rebuild_ledger", year=YEAR, stdout=open("/dev/null", "w"))
    entry.refresh_from_db()
    voided.refresh_from_db()
    assert (entry.status, entry.overridden) == (Status.PRESENT, ["status"])
    assert voided.voided and LedgerEntry.objects.filter(pk=added.pk).exists()
    history = list(EntryChange.objects.filter(entry=entry).values_list("action", "before", "after", "why", "actor"))
    assert history == [("change", {"status": Status.ABSENT}, {"status": Status.PRESENT}, "签到表漏记", liaison.pk)]
    assert EntryChange.objects.get(entry=added).action == "add"
    assert not ScoreLine.objects.filter(entry=voided).exists(), "a voided entry scores nothing"

    rules.void_seen_entry(voided.pk, liaison, "公差未获批准", rules.entry_version(voided), restore=True)
    voided.refresh_from_db()
    assert not voided.voided
    assert list(EntryChange.objects.filter(entry=voided).values_list("action", flat=True)) == ["void", "restore"]
    assert ScoreLine.objects.get(entry=voided).note == "无故缺席扣分"


def test_an_objection_is_answered_once(people, members):
    objection = rules.raise_objection(members["teacher"], YEAR, "3 月的全体会议我发了言")
    with pytest.raises(PerformanceError, match="请填写答复"):
        rules.answer_open_objection(objection.pk, people["liaison"], "")
    rules.answer_open_objection(objection.pk, people["liaison"], "已更正为发言")
    with pytest.raises(PerformanceError, match="已经答复"):
        rules.answer_open_objection(objection.pk, people["liaison"], "再答复一次")
    objection.refresh_from_db()
    assert (objection.state, objection.answer, objection.answered_by) == (
        Objection.State.ANSWERED,
        "已更正为发言",
        people["liaison"],
    )


# --- 履职活动


def test_a_committee_office_saves_only_its_own_committees_activities(people, reference, members):
    office = people["edu_office"]
    fields = {"name": "教育界视察", "kind": "inspection", "start": at(5, 6), "organiser": reference["econ_committee"]}
    with pytest.raises(PerformanceError, match="专委会工作四室只能创建、修改本专委会组织的履职活动"):
        rules.save_activity(office, fields, {})
    activity = rules.save_activity(
        office, {**fields, "organiser": reference["edu_committee"]}, {"invite_sectors": [reference["education"]]}
    )
    assert list(rules.invitees(activity)) == [members["teacher"]]
    assert activity.created_by == office
    with pytest.raises(PerformanceError, match="请假截止时间不能晚于"):
        rules.save_activity(office, {**fields, "organiser": reference["edu_committee"], "leave_deadline": at(5, 7)}, {})
    other = DutyActivity.objects.create(
        name="经济界调研", kind="inspection", start=at(5, 8), organiser=reference["econ_committee"]
    )
    with pytest.raises(DutyActivity.DoesNotExist):
        rules.save_activity(office, {**fields, "organiser": reference["edu_committee"]}, {}, pk=other.pk)


def test_resync_and_score_gives_the_counts(people, members, plenary):
    with pytest.raises(Refused):
        rules.resync_and_score(YEAR, people["secretary"])
    done, scheme = rules.resync_and_score(YEAR, people["liaison"])
    assert scheme is None and sum(done.values()) == 0
    published(YEAR, people["liaison"], PLENARY_PRESENT)
    Participation.objects.filter(member=members["doctor"]).delete()
    done, scheme = rules.resync_and_score(YEAR, people["liaison"])
    assert done["更新"] == 1, "李强's attendance was removed: now 缺席"
    assert scheme.version == 1 and ScoreLine.objects.filter(year=YEAR).count() == 4


def test_a_year_never_set_up_is_not_reopened_and_a_correction_keeps_its_year(people, members, plenary):
    with pytest.raises(rules.PerformanceError, match="2031 年度没有冻结"):
        rules.reopen_year(2031, people["sysadmin"], "误操作")
    entry = entry_of(members["teacher"])
    with pytest.raises(rules.PerformanceError, match=f"日期应在 {YEAR} 年内"):
        rules.correct_entry(entry.pk, people["liaison"], {"date": datetime.date(YEAR + 1, 1, 2)}, "补正日期")


def test_a_leave_decision_note_has_a_length_limit(people, members):
    activity = DutyActivity.objects.create(
        name="视察", kind="inspection", start=timezone.now() + datetime.timedelta(days=5), invite_all=True
    )
    leave = rules.request_leave(members["teacher"], activity, "出差")
    with pytest.raises(rules.PerformanceError, match="审批意见不能超过 500 字"):
        rules.decide_leave(leave.pk, people["liaison"], False, "不" * 501)
