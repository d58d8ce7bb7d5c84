"""The 履职档案 ledger: what each source gives, a new source registered in a test reaching the
ledger and the score with no change to the score code, corrections that survive a rebuild, the
freeze, and the ledger following its sources on commit."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from forms_app.five_ones import rules as five_ones
from people import roles
from performance import ledger
from performance.ledger import Row, ledger_source, pending_changes, sync_ledger
from performance.models import (
    DutyActivity,
    LeaveRequest,
    LedgerEntry,
    Participation,
    PerformanceYear,
    Role,
    ScoreLine,
    ScoringRule,
    ScoringScheme,
    Status,
)
from performance.rules import YearFrozen
from performance.scoring import compute_scores
from results.models import Status as ResultStatus

from .factories import MemberFactory
from .results_helpers import YEAR, entry
from .test_five_ones_route import file_for

pytestmark = pytest.mark.django_db


def at(month, day, hour=9):
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour))


def entries(**filters):
    return {
        (e.member_id, e.source_ref): (e.category, e.role, e.status)
        for e in LedgerEntry.objects.filter(year=YEAR, **filters)
    }


def test_the_registry_gives_each_author_of_a_confirmed_result(members):
    joint = entry(members["teacher"], members["doctor"], title="联名提案")
    entry(members["banker"], title="待确认的提案", status=ResultStatus.PENDING)
    assert sync_ledger(YEAR, "results")["新增"] == 2
    assert entries(source="results") == {
        (members["teacher"].pk, f"result:{joint.pk}"): ("proposal", Role.AUTHOR, ""),
        (members["doctor"].pk, f"result:{joint.pk}"): ("proposal", Role.CO_AUTHOR, ""),
    }
    joint.status = ResultStatus.WITHDRAWN
    joint.save()
    assert sync_ledger(YEAR, "results")["删除"] == 2
    assert not entries(source="results")


def test_five_ones_attendance_gives_present_with_the_role_leave_and_absent(make_user, members, reference):
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"])
    filing = file_for(leader, year=YEAR, sector=reference["education"])
    other = MemberFactory(sector=reference["education"])
    filing.participants.set([members["teacher"], members["doctor"], other])
    five_ones.record_attendance(
        filing, leader, [(members["teacher"], True, "主持座谈"), (members["doctor"], False, ""), (other, False, "")]
    )
    LeaveRequest.objects.create(
        member=members["doctor"], filing=filing, reason="出差", decision=LeaveRequest.Decision.APPROVED
    )
    sync_ledger(YEAR, "five_ones")
    ref = f"filing:{filing.pk}"
    got = entries(source="five_ones")
    assert got[(members["teacher"].pk, ref)] == ("five_ones", Role.HOST, Status.PRESENT)
    assert got[(members["doctor"].pk, ref)] == ("five_ones", Role.ATTEND, Status.LEAVE)
    assert got[(other.pk, ref)] == ("five_ones", Role.ATTEND, Status.ABSENT)


def test_an_activity_gives_its_invitees_participation_leave_or_absence_once_it_has_begun(members, reference):
    activity = DutyActivity.objects.create(name="教育专题协商会", kind="consultation", start=at(3, 10), important=True)
    activity.invite_sectors.set([reference["education"]])
    activity.invite_members.set([members["banker"]])
    colleague = MemberFactory(sector=reference["education"])
    Participation.objects.create(activity=activity, member=members["teacher"], status=Status.PRESENT, role=Role.SPEAK)
    Participation.objects.create(activity=activity, member=members["doctor"], status=Status.PRESENT, role=Role.ATTEND)
    LeaveRequest.objects.create(
        member=members["banker"], activity=activity, reason="住院", decision=LeaveRequest.Decision.APPROVED
    )
    later = DutyActivity.objects.create(
        name="年底视察", kind="inspection", start=timezone.now() + datetime.timedelta(days=3)
    )
    later.invite_members.set([members["teacher"]])
    sync_ledger(YEAR, "activities")
    ref = f"activity:{activity.pk}"
    assert entries(source="activities") == {
        (members["teacher"].pk, ref): ("consultation", Role.SPEAK, Status.PRESENT),
        (members["doctor"].pk, ref): ("consultation", Role.ATTEND, Status.PRESENT),  # came uninvited
        (members["banker"].pk, ref): ("consultation", Role.ATTEND, Status.LEAVE),
        (colleague.pk, ref): ("consultation", Role.ATTEND, Status.ABSENT),
    }, "the activity three days ahead gives nothing yet"
    assert set(LedgerEntry.objects.filter(source="activities").values_list("important", flat=True)) == {True}


@pytest.fixture
def contacts_source(members):
    """三联系 as it will plug in: a source registered by a test, not known to the score code."""

    @ledger_source("test_contacts", "三联系", categories=[("contact", "联系界别群众")])
    def rows(year):
        yield Row(
            member_id=members["teacher"].pk,
            source_ref="contact:1",
            year=year,
            date=datetime.date(year, 4, 1),
            category="contact",
            title="走访东华门社区",
            quantity=3,
        )

    yield rows
    ledger.SOURCES.pop("test_contacts")


def test_a_new_source_reaches_the_ledger_and_the_score_with_no_change_to_the_score_code(members, contacts_source):
    assert ledger.category_labels()["contact"] == "联系界别群众"
    sync_ledger(YEAR)
    contact = LedgerEntry.objects.get(source="test_contacts")
    assert (contact.member_id, contact.title, contact.quantity) == (members["teacher"].pk, "走访东华门社区", 3)
    scheme = ScoringScheme.objects.create(year=YEAR, version=1, published_at=timezone.now())
    rule = ScoringRule.objects.create(scheme=scheme, category="contact", points=Decimal("1.5"))
    compute_scores(YEAR)
    line = ScoreLine.objects.get(entry=contact)
    assert (line.rule_id, line.points, line.scheme_id) == (rule.pk, Decimal("4.50"), scheme.pk)


def test_corrections_survive_a_rebuild_and_an_entry_whose_source_went_stays_marked(members, reference):
    activity = DutyActivity.objects.create(name="常委会议", kind="standing", start=at(5, 8))
    activity.invite_members.set([members["teacher"], members["banker"], members["engineer"]])
    sync_ledger(YEAR, "activities")
    teacher = LedgerEntry.objects.get(member=members["teacher"])
    teacher.status, teacher.overridden = Status.LEAVE, ["status"]  # the office: 请假 was approved on paper
    teacher.save()
    LedgerEntry.objects.filter(member=members["banker"]).update(voided=True)

    out = io.StringIO()
    call_command("rebuild_ledger", year=YEAR, stdout=out)
    assert "2026 年度履职档案" in out.getvalue()
    assert LedgerEntry.objects.get(member=members["teacher"]).status == Status.LEAVE
    assert LedgerEntry.objects.get(member=members["banker"]).voided

    activity.invite_members.set([])
    sync_ledger(YEAR, "activities")
    kept = {e.member_id: e.source_gone for e in LedgerEntry.objects.filter(source="activities")}
    assert kept == {members["teacher"].pk: True, members["banker"].pk: True}, "the uncorrected entry is removed"


def test_a_frozen_year_refuses_every_write_and_lists_what_the_sources_would_change(members, settings):
    entry(members["teacher"], title="冻结后确认的提案")
    PerformanceYear.objects.update_or_create(year=YEAR, defaults={"freeze_on": timezone.localdate()})
    message = f"{YEAR} 年度履职档案已于 {timezone.localdate():%Y-%m-%d} 冻结，不能修改"
    with pytest.raises(YearFrozen) as refused:
        sync_ledger(YEAR)
    assert str(refused.value) == message
    ScoringScheme.objects.create(year=YEAR, version=1, published_at=timezone.now())
    with pytest.raises(YearFrozen):
        compute_scores(YEAR)
    assert pending_changes(YEAR) == [("履职成果", "新增", "冻结后确认的提案")]
    assert not LedgerEntry.objects.exists()


def test_the_ledger_follows_a_source_on_commit_once_per_transaction(members, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        activity = DutyActivity.objects.create(name="全体会议", kind="plenary", start=at(1, 6))
        for member in (members["teacher"], members["doctor"]):
            Participation.objects.create(activity=activity, member=member, status=Status.PRESENT, role=Role.ATTEND)
    assert len(callbacks) == 1
    assert set(LedgerEntry.objects.values_list("member_id", flat=True)) == {members["teacher"].pk, members["doctor"].pk}

    PerformanceYear.objects.update_or_create(year=YEAR, defaults={"freeze_on": timezone.localdate()})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Participation.objects.filter(member=members["doctor"]).delete()
    assert len(callbacks) == 1
    assert LedgerEntry.objects.filter(member=members["doctor"]).exists(), "a frozen year is left as it was"
