"""Who sees which station and street group (stations/rules.py), and the station counts every grid,
考核 and board reads (stations/stats.py)."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Workflow

from content.models import WorkstationPostPage
from forms_app.models import ActivityDay
from people import roles
from stations import rules, stats
from stations.models import StationLog, StationMeeting
from tests.content_helpers import plan, post, publish, site_sections, station

pytestmark = pytest.mark.django_db


@pytest.fixture
def stations(members, reference):
    _stories, index = site_sections()
    return {
        "edu": station(index, members["teacher"], "教育界委员工作室", committee=reference["edu_committee"]),
        "econ": station(index, members["banker"], "经济界委员工作室", committee=reference["econ_committee"]),
    }


def titles(queryset):
    return sorted(page.title for page in queryset)


def test_each_role_sees_its_own_stations_and_groups(roles_synced, make_user, stations, members, reference):
    liaison = make_user(roles.LIAISON_OFFICE)
    chairs = make_user(roles.CHAIRS_MEETING)
    office = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    convener = make_user(roles.CONVENER, workstation=stations["econ"])
    member = make_user(roles.MEMBER, member=members["doctor"])
    reference["donghuamen"].committee = reference["edu_committee"]
    reference["donghuamen"].save()
    street_liaison = make_user(roles.STREET_LIAISON, street_group=reference["jingshan"])

    assert titles(rules.stations_visible_to(liaison)) == ["教育界委员工作室", "经济界委员工作室"]
    assert titles(rules.stations_visible_to(chairs)) == ["教育界委员工作室", "经济界委员工作室"]
    assert titles(rules.stations_visible_to(office)) == ["教育界委员工作室"]
    assert titles(rules.stations_visible_to(convener)) == ["经济界委员工作室"]
    assert titles(rules.stations_visible_to(member)) == []

    assert [g.name for g in rules.street_groups_visible_to(office)] == ["东华门街道活动小组"]
    assert [g.name for g in rules.street_groups_visible_to(street_liaison)] == ["景山街道活动小组"]
    assert rules.street_groups_visible_to(member).count() == 0
    assert rules.street_groups_visible_to(liaison).count() == 2

    assert rules.may_write_group(street_liaison, reference["jingshan"])
    assert not rules.may_write_group(street_liaison, reference["donghuamen"])
    assert rules.may_write_group(office, reference["donghuamen"])
    assert not rules.may_write_group(chairs, reference["donghuamen"])
    assert rules.may_write_station_records(convener, stations["econ"])
    assert not rules.may_write_station_records(convener, stations["edu"])
    assert not rules.may_write_station_records(liaison, stations["econ"])
    assert rules.liaison_group(street_liaison) == reference["jingshan"]
    assert rules.liaison_group(office) is None


def test_a_committee_office_without_a_committee_sees_nothing(roles_synced, make_user, stations, members, reference):
    """Not everything: the leadership is who reads without scoring, not who has no committee."""
    office = make_user(roles.COMMITTEE_OFFICE, member=members["doctor"])
    assert rules.stations_visible_to(office).count() == 0
    assert rules.street_groups_visible_to(office).count() == 0
    assert not rules.may_write_group(office, reference["jingshan"])
    # …and a 分管副主席 whose profile happens to name a committee still reads every station.
    vice_chair = make_user(roles.VICE_CHAIR, committee=reference["edu_committee"])
    assert rules.stations_visible_to(vice_chair).count() == 2


def test_months_count_published_posts_and_plans_of_the_year(stations):
    edu = stations["edu"]
    post(edu, "三月走访", datetime.date(2026, 3, 5))
    post(edu, "三月宣讲", datetime.date(2026, 3, 20))
    post(edu, "去年十二月", datetime.date(2025, 12, 20))
    draft = WorkstationPostPage(
        title="五月草稿",
        slug="draft-may",
        date=datetime.date(2026, 5, 2),
        category="visit",
        text="<p>草稿</p>",
        live=False,
    )
    edu.add_child(instance=draft)
    plan(edu, datetime.date(2026, 3, 1), "三月计划")
    plan(edu, datetime.date(2026, 6, 1), "六月计划")
    StationMeeting.objects.create(station=edu, date=datetime.date(2026, 2, 10), minutes="一季度例会")
    StationMeeting.objects.create(station=edu, date=datetime.date(2026, 8, 10), minutes="三季度例会")
    StationLog.objects.create(station=edu, date=datetime.date(2026, 4, 1), type="reception", matter="接待来访")

    ids = [edu.pk, stations["econ"].pk]
    assert stats.done_months(ids, 2026) == {edu.pk: {3: 2}}
    assert stats.planned_months(ids, 2026) == {edu.pk: {3: 1, 6: 1}}
    assert stats.meeting_quarters(ids, 2026) == {edu.pk: {1: 1, 3: 1}}
    assert stats.log_counts(ids, 2026) == {edu.pk: 1}


def test_an_activity_day_post_is_uploaded_the_day_it_was_first_submitted(stations, django_user_model):
    edu, econ = stations["edu"], stations["econ"]
    day = ActivityDay.objects.create(
        name="十月活动日",
        theme="走近界别群众",
        date=datetime.date(2026, 10, 15),
        upload_deadline=datetime.date(2026, 10, 17),
        deadline=datetime.date(2026, 10, 20),
    )
    # 经济界: submitted for review at 23:30 Beijing time on the deadline day, approved later: 按时.
    submitted = WorkstationPostPage(
        title="活动日动态", slug="day-econ", date=day.date, category="visit", text="<p>走访</p>", activity_day=day
    )
    econ.add_child(instance=submitted)
    revision = submitted.save_revision()
    author = django_user_model.objects.create(username="author")
    workflow = Workflow.objects.get(name="内容审核")
    state = workflow.start(submitted, author)
    beijing_late_evening = timezone.make_aware(datetime.datetime(2026, 10, 17, 23, 30))
    type(state).objects.filter(pk=state.pk).update(created_at=beijing_late_evening)
    revision.publish()
    # 教育界: published directly the day after the deadline: 逾期.
    late = post(edu, "迟到的动态", day.date)
    late.activity_day = day
    late.first_published_at = timezone.make_aware(datetime.datetime(2026, 10, 18, 0, 5))
    late.save()

    statuses = stats.upload_statuses([edu.pk, econ.pk], 2026)
    assert statuses[econ.pk] == [(day, "按时")]
    assert statuses[edu.pk] == [(day, "逾期")]
    assert stats.on_time_counts([edu.pk, econ.pk], 2026) == {edu.pk: 0, econ.pk: 1}
    # A station that posted nothing for the day is 未上传.
    third = publish(
        edu.get_parent(), type(edu)(title="新工作室", slug="new", lead_member=edu.lead_member, basis="sector")
    )
    assert stats.upload_statuses([third.pk], 2026)[third.pk] == [(day, "未上传")]
