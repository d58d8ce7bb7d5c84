"""stations.ledger.ledger_entries(year): a 履职档案 row per member marked 出席 at a street-group
activity (请假 and 缺席 give none) and per 季度例会 attendee; titles without private notes; the same
number of queries for 10 and 100 activities; the ledger follows saves, the import and meeting
attendees."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import roles
from performance.ledger import SOURCES
from performance.models import LedgerEntry, Role
from stations import ledger, street_activities
from stations.models import Presence, StationMeeting, StreetAttendance, StreetGroupActivity

from .content_helpers import site_sections, station
from .factories import MemberFactory

YEAR = datetime.date.today().year - 1
DAY = datetime.date(YEAR, 3, 5)


@pytest.fixture
def group_setup(reference, make_user, roles_synced):
    group = reference["donghuamen"]
    members = [
        MemberFactory(code=f"0{n}", name=name, sector=reference["education"], street_group=group)
        for n, name in ((101, "王丽"), (102, "李强"), (103, "赵敏"))
    ]
    liaison = make_user(roles.STREET_LIAISON, street_group=group)
    return group, members, liaison


def make_activity(group, members, liaison, title="社区义诊", outcome="张大爷 13900001111 家漏水已修", date=DAY):
    activity = street_activities.create_activity(
        liaison,
        group,
        street_activities.Fields(date=date, title=title, kind="clinic", place="王府井某小区 3 号楼", outcome=outcome),
        today=date,
    )
    wang, li, zhao = members
    street_activities.update_activity(
        liaison,
        activity.pk,
        street_activities.Fields(date=date, title=title, kind="clinic", place="王府井某小区 3 号楼", outcome=outcome),
        attendance=[(wang, Presence.PRESENT, "主持"), (li, Presence.EXCUSED, ""), (zhao, Presence.ABSENT, "")],
        today=date,
    )
    return activity


def test_registered_as_a_ledger_source():
    assert SOURCES[ledger.SOURCE].rows is ledger.ledger_entries
    assert StreetAttendance in SOURCES[ledger.SOURCE].watch and StationMeeting in SOURCES[ledger.SOURCE].watch


def test_a_row_per_present_member_and_per_meeting_attendee(group_setup):
    group, members, liaison = group_setup
    activity = make_activity(group, members, liaison)
    _stories, index = site_sections()
    page = station(index, members[1], title="东华门委员工作室")
    meeting = StationMeeting.objects.create(station=page, date=datetime.date(YEAR, 4, 10), minutes="讨论：隐私内容")
    meeting.attendees.set([members[1], members[2]])

    rows = sorted(ledger.ledger_entries(YEAR), key=lambda r: (r.source_ref, r.member_id))
    street = [r for r in rows if r.category == ledger.STREET]
    assert [(r.member_id, r.role) for r in street] == [(members[0].pk, Role.HOST)]  # 请假 and 缺席: no row
    assert street[0].title == "街道活动小组：东华门街道活动小组医疗义诊「社区义诊」"
    assert street[0].source_ref == f"street:{activity.pk}" and street[0].date == DAY
    meetings = [r for r in rows if r.category == ledger.MEETING]
    assert sorted(r.member_id for r in meetings) == sorted([members[1].pk, members[2].pk])
    assert meetings[0].title == "委员工作室季度例会：东华门委员工作室第2季度例会"
    for row in rows:  # no place, outcome or minutes
        assert "13900001111" not in row.title and "3 号楼" not in row.title and "隐私" not in row.title
    assert list(ledger.ledger_entries(YEAR + 1)) == []


def test_the_ledger_follows_edits_the_import_and_meeting_attendees(group_setup, django_capture_on_commit_callbacks):
    group, members, liaison = group_setup
    with django_capture_on_commit_callbacks(execute=True):
        activity = make_activity(group, members, liaison)
    entries = LedgerEntry.objects.filter(source=ledger.SOURCE, year=YEAR)
    assert sorted(entries.values_list("member_id", flat=True)) == [members[0].pk]

    with django_capture_on_commit_callbacks(execute=True):
        street_activities.record_attendance(liaison, activity.pk, [(members[1], Presence.PRESENT, "发言")])
    assert sorted(entries.values_list("member_id", flat=True)) == sorted([members[0].pk, members[1].pk])

    _stories, index = site_sections()
    page = station(index, members[1], title="东华门委员工作室")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = StationMeeting.objects.create(station=page, date=datetime.date(YEAR, 4, 10), minutes="m")
    with django_capture_on_commit_callbacks(execute=True):
        meeting.attendees.add(members[2])  # after the save: m2m_changed syncs
    assert entries.filter(category=ledger.MEETING, member=members[2]).exists()

    with django_capture_on_commit_callbacks(execute=True):
        street_activities.delete_activity(liaison, activity.pk)
    assert not entries.filter(category=ledger.STREET).exists()


def _queries(year):
    with CaptureQueriesContext(connection) as captured:
        rows = list(ledger.ledger_entries(year))
    return len(captured), rows


def test_the_same_number_of_queries_for_10_and_100_activities(group_setup):
    group, members, liaison = group_setup
    _stories, index = site_sections()
    page = station(index, members[1], title="东华门委员工作室")

    def grow(n):
        have = StreetGroupActivity.objects.count()
        for i in range(have, n):
            activity = StreetGroupActivity.objects.create(group=group, date=DAY, title=f"活动{i}", kind="visit")
            StreetAttendance.objects.bulk_create(
                [StreetAttendance(activity=activity, member=m, presence=Presence.PRESENT) for m in members]
            )
            meeting = StationMeeting.objects.create(station=page, date=DAY, minutes="m")
            meeting.attendees.set(members[:2])

    grow(10)
    small, rows_small = _queries(YEAR)
    grow(100)
    large, rows_large = _queries(YEAR)
    assert len(rows_small) == 10 * 3 + 10 * 2 and len(rows_large) == 100 * 3 + 100 * 2
    assert small == large == 2
