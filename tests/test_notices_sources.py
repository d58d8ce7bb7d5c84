"""The deadline sources beyond the 备案表 (issue 18 item 6): an application waiting at an office's box,
a station's 委员活动日 动态, an intake case's step. Each reaches exactly the accounts that have not
acted, through the real rules functions; queue_reminders tells them 7, 3, 1 days before and on the
day, once; a late case nobody with a login holds goes to 区政协办公室."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from forms_app.activity_day.models import ActivityDay, ReportingUnit, TableVariant
from forms_app.founding import rules as founding
from forms_app.founding.models import Stage, WorkstationApplication
from intake import cases
from notices.deadlines import (
    application_box_deadlines,
    case_step_deadlines,
    deadlines_for,
    open_deadlines,
    station_upload_deadlines,
)
from notices.events import notify_late_cases
from notices.models import Kind, Notification
from people import roles

from .content_helpers import site_sections, station
from .intake_helpers import new_case
from .test_activity_day_uploads import tied_post
from .test_notices_events import apply

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
OFFSETS = (7, 3, 1, 0)


def who(found):
    """{deadline key: set of user ids} of a source's answer."""
    return {deadline.key: set(user_ids) for deadline, user_ids in found}


def reminded(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.REMINDER).values_list("title", "link"))


def run_reminders(capsys, day):
    call_command("queue_reminders", "--date", f"{day:%Y-%m-%d}")
    return capsys.readouterr().out


def remind_on_each_offset(capsys, due):
    """queue_reminders on the 7/3/1/0 days before `due`, each twice: the rerun sends nothing."""
    for before in OFFSETS:
        day = due - datetime.timedelta(days=before)
        run_reminders(capsys, day)
        assert "新发提醒 0 条" in run_reminders(capsys, day), f"a rerun {before} days before sent again"


# --- 工作室建立申请 waiting at a box


@pytest.fixture
def boxes(make_user, reference, members):
    return {
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "applicant": make_user(roles.MEMBER, member=members["teacher"]),
    }


def test_a_box_reminds_only_those_who_can_sign_it(boxes, members, reference, capsys):
    b = boxes
    application = apply(b["applicant"], members["teacher"], reference["edu_committee"])
    today = timezone.localdate()
    due = timezone.localtime(application.waiting_since).date() + datetime.timedelta(days=10)
    [(deadline, user_ids)] = application_box_deadlines(today)
    assert user_ids == [b["edu_office"].pk]
    assert [u for u in b.values() if founding.can_sign(u, application)] == [b["edu_office"]]
    assert deadline.date == due
    assert deadline.link == reverse("workstation_application_detail", args=[application.pk])
    assert "东四教育委员工作室" in deadline.title and "专委会工作室" in deadline.title
    assert deadlines_for(b["edu_office"], today) == [deadline]
    assert deadlines_for(b["econ_office"], today) == []
    assert deadlines_for(b["liaison"], today) == []

    remind_on_each_offset(capsys, due)
    assert len(reminded(b["edu_office"])) == 4
    assert {link for _, link in reminded(b["edu_office"])} == {deadline.link}
    for other in ("econ_office", "liaison", "secretary", "applicant"):
        assert reminded(b[other]) == [], other

    # Signed: the box moves on to 委员联络室, and the committee office owes nothing more.
    application = founding.sign(application.pk, b["edu_office"], Stage.COMMITTEE_OFFICE, "approve", "同意。")
    assert who(application_box_deadlines(today)) == {
        f"box:{application.pk}:{Stage.LIAISON_OFFICE}:{today:%Y%m%d}": {b["liaison"].pk}
    }
    assert deadlines_for(b["edu_office"], today) == []


@pytest.mark.parametrize(("waited", "listed"), [(9, True), (10, True), (11, False)])
def test_a_box_waiting_nine_days_is_due_tomorrow_one_waiting_eleven_is_past(boxes, members, reference, waited, listed):
    b = boxes
    application = apply(b["applicant"], members["teacher"], reference["edu_committee"])
    today = timezone.localdate()
    arrived = timezone.now() - datetime.timedelta(days=waited)
    WorkstationApplication.objects.filter(pk=application.pk).update(waiting_since=arrived)
    rows = deadlines_for(b["edu_office"], today)
    if listed:
        [row] = rows
        assert row.date == today + datetime.timedelta(days=10 - waited)
    else:
        assert rows == []


# --- 委员活动日 动态


@pytest.fixture
def upload_day(make_user, reference, members):
    r, m = reference, members
    _stories, index = site_sections()
    a = station(index, m["teacher"], "东四教育委员工作室", committee=r["edu_committee"])
    b = station(index, m["doctor"], "和平里健康委员工作室", committee=r["edu_committee"])
    d = station(index, m["banker"], "前门金融委员工作室", committee=r["econ_committee"])
    listed = station(index, m["engineer"], "安定门科技委员工作室", committee=r["econ_committee"])
    unit = ReportingUnit.objects.create(
        name="教科文卫体委员会", variant=TableVariant.COMMITTEE, committee=r["edu_committee"]
    )
    unit.workstations.add(listed)  # listed on the unit although its 对口委室 is another
    today = timezone.localdate()
    day = ActivityDay.objects.create(
        name="2026年委员活动日",
        theme="委员在行动",
        date=today,
        upload_deadline=today + datetime.timedelta(days=8),
        deadline=today + datetime.timedelta(days=20),
    )
    day.units.set([unit])
    return {
        "day": day,
        "a": a,
        "b": b,
        "d": d,
        "listed": listed,
        "convener_a": make_user(roles.CONVENER, workstation=a),
        "convener_b": make_user(roles.CONVENER, workstation=b),
        "convener_d": make_user(roles.CONVENER, workstation=d),
        "convener_listed": make_user(roles.CONVENER, workstation=listed),
    }


def test_conveners_of_stations_without_a_post_are_reminded_to_upload(upload_day, capsys):
    u = upload_day
    day = u["day"]
    tied_post(u["a"], day, "走访", published=timezone.now())
    today = timezone.localdate()
    assert who(station_upload_deadlines(today)) == {
        f"upload:{day.pk}:station:{u['b'].pk}": {u["convener_b"].pk},
        f"upload:{day.pk}:station:{u['listed'].pk}": {u["convener_listed"].pk},
    }
    [row] = deadlines_for(u["convener_b"], today)
    assert row.date == day.upload_deadline
    assert row.link == reverse("station_post")
    assert row.title == "和平里健康委员工作室：上传2026年委员活动日活动“动态”截止"
    assert deadlines_for(u["convener_a"], today) == []
    assert deadlines_for(u["convener_d"], today) == []

    remind_on_each_offset(capsys, day.upload_deadline)
    assert len(reminded(u["convener_b"])) == 4
    assert len(reminded(u["convener_listed"])) == 4
    assert reminded(u["convener_a"]) == [] and reminded(u["convener_d"]) == []


def test_a_draft_never_submitted_is_not_an_upload(upload_day):
    u = upload_day
    tied_post(u["b"], u["day"], "草稿")
    assert len(deadlines_for(u["convener_b"], timezone.localdate())) == 1


# --- 群众诉求件 steps


T0 = datetime.datetime(2027, 6, 7, 9, 0, tzinfo=BEIJING)  # ahead of the real clock: nothing is late now


def at(days):
    return T0 + datetime.timedelta(days=days)


@pytest.fixture
def intake(make_user, reference, members):
    return {
        "office": make_user(roles.DISTRICT_OFFICE),
        "office_2": make_user(roles.DISTRICT_OFFICE),
        "teacher": make_user(roles.MEMBER, member=members["teacher"]),
        "banker": make_user(roles.MEMBER, member=members["banker"]),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "liaison": make_user(roles.LIAISON_OFFICE),
    }


def test_a_case_step_reminds_whoever_holds_it(intake, members, capsys):
    i = intake
    case, _code = new_case(now=at(0))
    day0 = T0.date()
    # 登记: 区政协办公室 assigns it within 2 days.
    [(deadline, user_ids)] = case_step_deadlines(day0)
    assert set(user_ids) == {i["office"].pk, i["office_2"].pk}
    assert deadline.date == at(2).date()
    assert deadline.title == f"诉求件 {case.number} 分办时限"
    assert deadline.link == reverse("intake_case_modeladmin_inspect", args=[case.pk])
    assert [d.key for d in deadlines_for(i["office"], day0)] == [deadline.key]
    assert deadlines_for(i["teacher"], day0) == []

    cases.assign(case, i["office"], member=members["teacher"], now=at(1))
    [(deadline, user_ids)] = case_step_deadlines(day0)
    assert user_ids == [i["teacher"].pk]
    assert deadline.date == at(3).date()
    assert deadline.title == f"诉求件 {case.number} 接收时限", "the member must accept it, not assign it"
    assert deadline.link == reverse("case_detail", args=[case.number])
    assert deadlines_for(i["office"], day0) == []
    assert deadlines_for(i["banker"], day0) == []

    remind_on_each_offset(capsys, deadline.date)
    assert len(reminded(i["teacher"])) == 4
    for other in ("banker", "edu_office", "liaison"):
        assert reminded(i[other]) == [], other

    # Accepted and a reply submitted: 区政协办公室 reviews it; the member who replied owes nothing.
    cases.accept(case, i["teacher"], now=at(2))
    cases.save_reply(case, i["teacher"], "已联系街道修复路灯。", submit=True, now=at(3))
    [(deadline, user_ids)] = case_step_deadlines(day0)
    assert set(user_ids) == {i["office"].pk, i["office_2"].pk}
    assert deadline.title == f"诉求件 {case.number} 审核答复时限"
    assert deadlines_for(i["teacher"], day0) == []


def test_a_case_at_a_station_reaches_its_lead_and_its_committee_office(intake, members, reference):
    i = intake
    _stories, index = site_sections()
    edu = station(index, members["teacher"], "东四教育委员工作室", committee=reference["edu_committee"])
    case, _code = new_case(now=at(0))
    cases.assign(case, i["office"], station=edu, now=at(0))
    assert list(who(case_step_deadlines(T0.date())).values()) == [{i["teacher"].pk, i["edu_office"].pk}]


# --- a late case nobody with a login holds


def test_a_late_case_whose_holder_has_no_login_goes_to_the_district_office(intake, members, reference, make_user):
    i = intake
    _stories, index = site_sections()
    # 前门 station: its lead (members["doctor"]) has no account, and the 科技 committee has no office account.
    lonely = station(index, members["doctor"], "前门委员工作室", committee=None)
    case, _code = new_case(now=at(0))
    cases.assign(case, i["office"], station=lonely, now=at(1))
    Notification.objects.all().delete()

    rows = notify_late_cases(now=at(10))
    assert {row.recipient for row in rows} == {i["office"], i["office_2"]}
    for row in rows:
        assert row.kind == Kind.CASE
        assert case.number in row.title and "前门委员工作室" in row.title
        assert row.link == reverse("intake_case_modeladmin_inspect", args=[case.pk])
    assert notify_late_cases(now=at(11)) == [], "told once per case and step"
    for key in ("teacher", "banker", "edu_office", "liaison"):
        assert not Notification.objects.filter(recipient=i[key]).exists(), key


def test_a_case_step_nobody_with_a_login_holds_reminds_the_district_office(intake, members):
    i = intake
    _stories, index = site_sections()
    lonely = station(index, members["doctor"], "前门委员工作室", committee=None)
    case, _code = new_case(now=at(0))
    cases.assign(case, i["office"], station=lonely, now=at(1))
    [(deadline, user_ids)] = case_step_deadlines(T0.date())
    assert set(user_ids) == {i["office"].pk, i["office_2"].pk}
    assert "前门委员工作室" in deadline.title and deadline.date == at(3).date()
    assert deadline.link == reverse("intake_case_modeladmin_inspect", args=[case.pk])
    assert [d.key for d in deadlines_for(i["office"], T0.date())] == [deadline.key]


def test_a_late_case_held_by_a_member_with_a_login_is_not_sent_to_the_office(intake, members):
    i = intake
    case, _code = new_case(now=at(0))
    cases.assign(case, i["office"], member=members["teacher"], now=at(1))
    rows = notify_late_cases(now=at(10))
    assert [row.recipient for row in rows] == [i["teacher"]]


def test_queue_reminders_reads_late_cases_as_of_its_date(intake, members, capsys):
    """`queue_reminders --date` (a rerun for a missed day, or a look ahead) tells the holders of the
    cases late on that date, not on the real clock's."""
    i = intake
    case, _code = new_case(now=at(0))
    cases.assign(case, i["office"], member=members["teacher"], now=at(1))
    Notification.objects.all().delete()
    run_reminders(capsys, at(1).date())  # within its 接收 time: nobody is told it is late
    assert not Notification.objects.filter(kind=Kind.CASE).exists()
    run_reminders(capsys, at(10).date())
    assert [n.recipient for n in Notification.objects.filter(kind=Kind.CASE)] == [i["teacher"]]


# --- in bulk


def test_accounts_answering_agrees_with_assignments_of(intake, members, reference):
    """intake.rules.accounts_answering (many assignments at once, for notices and reminders) is
    assignments_of (one account's assignments, for its pages) read the other way round."""
    from django.contrib.auth import get_user_model

    from intake import rules as intake_rules
    from intake.models import CaseAssignment

    i = intake
    _stories, index = site_sections()
    edu = station(index, members["teacher"], "东四教育委员工作室", committee=reference["edu_committee"])
    made = []
    for target in (
        {"member": members["teacher"]},
        {"member": members["banker"]},
        {"station": edu},
        {"office": CaseAssignment.Office.LIAISON},
        {"office": CaseAssignment.Office.COMMITTEE, "committee": reference["edu_committee"]},
        {"office": CaseAssignment.Office.COMMITTEE, "committee": reference["econ_committee"]},
    ):
        case, _code = new_case(now=at(0))
        cases.assign(case, i["office"], now=at(0), **target)
        case.refresh_from_db()
        made.append(case.assignment)
    answering = intake_rules.accounts_answering(made)
    for user in get_user_model().objects.all():
        mine = set(CaseAssignment.objects.filter(intake_rules.assignments_of(user)).values_list("pk", flat=True))
        for assignment in made:
            assert (user.pk in answering[assignment.pk]) == (assignment.pk in mine), (user, assignment)
    assert answering[made[2].pk] == {i["teacher"].pk, i["edu_office"].pk}
    assert answering[made[5].pk] == set()  # 经济 has no office account here


def test_open_deadlines_reads_each_source_in_a_few_queries(
    upload_day, boxes, members, reference, make_user, django_assert_max_num_queries
):
    apply(boxes["applicant"], members["teacher"], reference["edu_committee"])
    office = make_user(roles.DISTRICT_OFFICE)
    for n in range(30):
        make_user(roles.CONVENER, workstation=upload_day["b"])
        make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
        new_case(now=at(n / 10))
    today = timezone.localdate()
    with django_assert_max_num_queries(40):
        found = open_deadlines(today)
    # 3 stations' 动态 (a, b, listed), the box, 30 cases in 登记.
    assert len(found) == 3 + 1 + 30
    assert sum(1 for _, user_ids in found if user_ids == [office.pk]) == 30
    [(_, signers)] = [(d, ids) for d, ids in found if d.key.startswith("box:")]
    assert len(signers) == 31


def test_my_page_lists_the_ten_soonest_deadlines_and_counts_the_rest(client, intake, members):
    """A member holding many cases sees the soonest ten on 我的工作台 and how many there are, with
    the way to the full list, not a page as long as their caseload."""
    i = intake
    for n in range(12):
        case, _code = new_case(now=at(n))
        cases.assign(case, i["office"], member=members["teacher"], now=at(n))
    client.force_login(i["teacher"])
    html = client.get("/my/").content.decode()
    section = html[html.index('id="deadlines"') : html.index("</section>", html.index('id="deadlines"'))]
    assert section.count("<li>") == 10
    assert "以上是最近的 10 项" in section
    assert "查看全部截止事项" in section
