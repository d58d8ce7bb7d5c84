"""Each event tells exactly the accounts that must act next (issue 18 item 5, X-1): a 五个一备案表
moving along its route, a 工作室建立申请 reaching a box or coming back, a 委员活动日 set up in the
admin, a 群众诉求件 at each step and when late, and the 主席会议's monthly digest. Everything goes
through the real service functions; notices are written once the action commits."""

import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from forms_app.activity_day.models import ActivityDay, ReportingUnit, TableVariant
from forms_app.five_ones import rules as five_ones
from forms_app.five_ones.models import FilingEvent, FiveOnesFiling
from forms_app.founding import rules as founding
from forms_app.founding.models import Stage, WorkingRule
from intake import cases
from intake.models import CaseAssignment
from notices.digest import send_monthly_digest
from notices.events import notify_late_cases
from notices.models import EmailState, Kind, Notification
from people import roles

from .content_helpers import site_sections, station
from .factories import MemberFactory, SectorFactory, SpecialCommitteeFactory
from .intake_helpers import CITIZEN, new_case

pytestmark = pytest.mark.django_db
Action = FilingEvent.Action


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run an action as a request would: its transaction commits, then its notices are written."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def accounts(make_user, reference, members):
    """One account per role that notices reach, each with its own email; some extra ones to show
    who is not told: another committee's office, an inactive colleague, one without email."""
    r, m = reference, members
    archive_committee = SpecialCommitteeFactory(name="文史和学习委员会", office="专委会工作六室")

    def account(key, role, email=True, active=True, **scope):
        user = make_user(role, **scope)
        user.username, user.email, user.is_active = key, f"{key}@example.com" if email else "", active
        user.save()
        return user

    return {
        "leader": account("leader", roles.SECTOR_LEADER, sector=r["education"]),
        "party_leader": account("party_leader", roles.SECTOR_LEADER, party=r["minmeng"]),
        "edu_office": account("edu_office", roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "edu_office_no_email": account(
            "edu_office_no_email", roles.COMMITTEE_OFFICE, email=False, committee=r["edu_committee"]
        ),
        "edu_office_gone": account(
            "edu_office_gone", roles.COMMITTEE_OFFICE, active=False, committee=r["edu_committee"]
        ),
        "econ_office": account("econ_office", roles.COMMITTEE_OFFICE, committee=r["econ_committee"]),
        "archive": account("archive", roles.ARCHIVE_OFFICE, committee=archive_committee),
        "liaison": account("liaison", roles.LIAISON_OFFICE),
        "secretary": account("secretary", roles.SECRETARY_GENERAL),
        "vicechair": account("vicechair", roles.VICE_CHAIR),
        "chairs": account("chairs", roles.CHAIRS_MEETING),
        "chairs_gone": account("chairs_gone", roles.CHAIRS_MEETING, active=False),
        "applicant": account("applicant", roles.MEMBER, member=m["teacher"]),
        "banker": account("banker", roles.MEMBER, member=m["banker"]),
        "district": account("district", roles.DISTRICT_OFFICE),
        "research": account("research", roles.RESEARCH_OFFICE),
        "editor": account("editor", roles.EDITOR),
    }


def told(kind=None):
    """{username: [title, ...]} of the notifications written so far (to accounts)."""
    rows = Notification.objects.filter(recipient__isnull=False).select_related("recipient").order_by("pk")
    if kind:
        rows = rows.filter(kind=kind)
    found = {}
    for row in rows:
        found.setdefault(row.recipient.username, []).append(row.title)
    return found


def fresh():
    """Forget what was told so far: the next assertion reads only the next action's notices."""
    Notification.objects.all().delete()
    mail.outbox.clear()


# --- 五个一备案表


def file_for(user, sector=None, party=None, year=2026):
    member = MemberFactory(sector=sector) if sector else MemberFactory(party=party)
    data = dict(
        leader_name="王丽",
        filled_on=datetime.date(year, 3, 10),
        theme="助力课后服务提质",
        theme_reason="教育界委员熟悉学校和家长的需求。",
        activity_date=datetime.date(year, 3, 5),
        activity_place="区实验小学",
        activity_kind="education",
        activity_plan="走进学校座谈。",
        result_kind="proposal",
        result_title="关于提升课后服务质量的提案",
        result_summary="引入社会资源进校园。",
        showcase_member=member,
        showcase_reason="扎根基层教学二十年。",
    )
    return five_ones.submit_filing(user, year, sector, party, data, [member], [(member, "把群众的事当成自己的事。")])


def test_a_sector_filing_tells_each_office_on_its_route_and_the_leader_at_the_end(accounts, reference, committed):
    a = accounts
    filing = committed(file_for, a["leader"], sector=reference["education"])
    inspect = reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[filing.pk])
    title = "教育界 2026 年五个一活动备案表已提交，待接收"
    assert told() == {"edu_office": [title], "edu_office_no_email": [title]}, "not 经济 office, 六室, or the inactive"
    assert set(Notification.objects.values_list("link", flat=True)) == {inspect}
    # In-app at once for both; mail only to the account that has an address.
    row = Notification.objects.get(recipient=a["edu_office_no_email"])
    assert row.email_state == EmailState.NOT_SENT and row.read_at is None
    assert Notification.objects.get(recipient=a["edu_office"]).email_state == EmailState.SENT
    assert [message.to for message in mail.outbox] == [["edu_office@example.com"]]
    assert title in mail.outbox[0].subject and inspect in mail.outbox[0].body

    fresh()
    committed(five_ones.act, filing.pk, a["edu_office"], Action.RECEIVE)
    assert told() == {}, "receiving asks nothing new of anyone"
    committed(five_ones.act, filing.pk, a["edu_office"], Action.FORWARD)
    assert told() == {"archive": ["教育界 2026 年五个一活动备案表已转交专委会工作六室，待存档"]}

    fresh()
    committed(five_ones.act, filing.pk, a["archive"], Action.ARCHIVE)
    assert told() == {"leader": ["教育界 2026 年五个一活动备案表已由专委会工作六室存档"]}
    assert Notification.objects.get().link == reverse("five_ones_detail", args=[filing.pk])


def test_a_returned_filing_tells_its_leader_why_and_the_resubmission_tells_the_office(accounts, reference, committed):
    a = accounts
    filing = committed(file_for, a["leader"], sector=reference["education"])
    fresh()
    committed(five_ones.act, filing.pk, a["edu_office"], Action.RETURN, "活动安排写得太简略，请补充服务对象。")
    row = Notification.objects.get()
    assert (row.recipient, row.kind) == (a["leader"], Kind.FILING)
    assert row.title == "教育界 2026 年五个一活动备案表被退回修改"
    assert "活动安排写得太简略" in row.body and "专委会工作四室" in row.body
    assert row.link == reverse("five_ones_detail", args=[filing.pk])

    fresh()
    committed(file_for, a["leader"], sector=reference["education"])
    title = "教育界 2026 年五个一活动备案表修改后重新提交，待接收"
    assert told() == {"edu_office": [title], "edu_office_no_email": [title]}


def test_a_party_filing_and_a_sector_without_a_contact_committee_go_to_the_archive_office(
    accounts, reference, committed
):
    a = accounts
    committed(file_for, a["party_leader"], party=reference["minmeng"])
    assert told() == {"archive": ["民盟 2026 年五个一活动备案表已提交，待存档"]}

    fresh()
    lonely = SectorFactory(name="特邀界", contact_committee=None)
    committed(file_for, a["leader"], sector=lonely)
    assert told() == {"archive": ["特邀界 2026 年五个一活动备案表已提交，待存档"]}


def test_a_rolled_back_action_tells_nobody(accounts, reference, committed):
    a = accounts
    filing = committed(file_for, a["leader"], sector=reference["education"])
    fresh()

    def act_then_fail():
        with transaction.atomic():
            five_ones.act(filing.pk, a["edu_office"], Action.RETURN, "请补充。")
            raise RuntimeError("the request failed after the action")

    with pytest.raises(RuntimeError):
        committed(act_then_fail)
    assert FiveOnesFiling.objects.get().status == FiveOnesFiling.Status.SUBMITTED
    assert told() == {} and mail.outbox == []


# --- 工作室建立申请

BOX_ACCOUNTS = {
    Stage.COMMITTEE_OFFICE: ["edu_office", "edu_office_no_email"],
    Stage.LIAISON_OFFICE: ["liaison"],
    Stage.SECRETARY_GENERAL: ["secretary"],
    Stage.VICE_CHAIR: ["vicechair"],
    Stage.CHAIRS_MEETING: ["chairs"],
}


def apply(user, member, committee, application=None):
    data = dict(
        kind="member",
        name="东四教育委员工作室",
        address="东四街道党群活动中心二层",
        mode="both",
        basis="sector",
        sector=member.sector,
        street_group=None,
        committee=committee,
        lead_member=member,
        lead_employer_title="区实验小学 副校长",
        lead_sector=member.sector,
        lead_specialties="基础教育",
        lead_contact="13912345678",
        venue="依托东四街道党群活动中心。",
        rules={value: f"{label}：按季度执行。" for value, label in WorkingRule.choices},
        signature=member.name,
        signed_on=timezone.localdate(),
    )
    return founding.submit_application(user, data, [], application=application)


def test_an_application_tells_each_box_in_turn_then_the_applicant(accounts, members, reference, committed):
    a = accounts
    site_sections()
    application = committed(apply, a["applicant"], members["teacher"], reference["edu_committee"])
    for stage in founding.OFFICE_STAGES:
        expected = {key: [f"工作室建立申请“东四教育委员工作室”待签署“{stage.label}”"] for key in BOX_ACCOUNTS[stage]}
        assert told() == expected, stage.label
        link = reverse("forms_app_workstationapplication_modeladmin_inspect", args=[application.pk])
        assert set(Notification.objects.values_list("link", flat=True)) == {link}
        fresh()
        name = "东四街道教育界委员工作室" if stage == Stage.CHAIRS_MEETING else ""
        signer = a[BOX_ACCOUNTS[stage][0]]
        application = committed(founding.sign, application.pk, signer, stage, "approve", "同意。", approved_name=name)

    row = Notification.objects.get()
    assert row.recipient == a["applicant"] and row.kind == Kind.APPLICATION
    assert row.title == "您的工作室建立申请“东四教育委员工作室”已经主席会议批准，命名为“东四街道教育界委员工作室”"
    assert row.link == reverse("workstation_application_detail", args=[application.pk])


def test_a_returned_application_tells_the_applicant_and_review_starts_over(accounts, members, reference, committed):
    a = accounts
    application = committed(apply, a["applicant"], members["teacher"], reference["edu_committee"])
    application = committed(founding.sign, application.pk, a["edu_office"], Stage.COMMITTEE_OFFICE, "approve", "同意。")
    fresh()
    committed(founding.sign, application.pk, a["liaison"], Stage.LIAISON_OFFICE, "return", "请补充参与委员。")
    row = Notification.objects.get()
    assert (row.recipient, row.title) == (a["applicant"], "您的工作室建立申请“东四教育委员工作室”被退回修改")
    assert "委员联络室意见：请补充参与委员。" in row.body

    fresh()
    committed(apply, a["applicant"], members["teacher"], reference["edu_committee"], application=application)
    title = "工作室建立申请“东四教育委员工作室”待签署“专委会工作室意见”"
    assert told() == {"edu_office": [title], "edu_office_no_email": [title]}
    assert "修改后重新提交" in Notification.objects.first().body


def test_an_application_to_another_committee_reaches_only_that_committees_office(
    accounts, members, reference, committed
):
    a = accounts
    committed(apply, a["banker"], members["banker"], reference["econ_committee"])
    assert told() == {"econ_office": ["工作室建立申请“东四教育委员工作室”待签署“专委会工作室意见”"]}


# --- 委员活动日


def test_an_activity_day_created_in_the_admin_tells_its_reporters_and_offices_once(
    accounts, reference, make_user, client, committed
):
    a = accounts
    reporters = []
    for key in ("reporter_edu", "reporter_street", "reporter_street_2", "reporter_later"):
        user = make_user(roles.UNIT_REPORTER)
        user.username, user.email = key, f"{key}@example.com"
        user.save()
        reporters.append(user)
    edu_unit = ReportingUnit.objects.create(
        name="教科文卫体委员会", variant=TableVariant.COMMITTEE, committee=reference["edu_committee"]
    )
    edu_unit.reporters.add(reporters[0])
    street_unit = ReportingUnit.objects.create(name="东华门街道活动小组", variant=TableVariant.CPPCC)
    street_unit.reporters.add(reporters[1], reporters[2])
    later_unit = ReportingUnit.objects.create(name="景山街道活动小组", variant=TableVariant.CPPCC)
    later_unit.reporters.add(reporters[3])
    ReportingUnit.objects.create(
        name="经济委员会", variant=TableVariant.COMMITTEE, committee=reference["econ_committee"]
    )  # not one of the day's units: its office hears nothing

    client.force_login(a["liaison"])
    form = {
        "name": "第三季度委员活动日",
        "theme": "走进社区听民声",
        "date": "2026-09-20",
        "upload_deadline": "2026-09-25",
        "deadline": "2026-09-30",
        "units": [edu_unit.pk, street_unit.pk],
    }
    response = committed(client.post, reverse("forms_app_activityday_modeladmin_create"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    day = ActivityDay.objects.get()

    for_reporters = "委员活动日“第三季度委员活动日”（2026年09月20日）：请在 2026年09月30日 前报送统计表"
    assert told(Kind.ACTIVITY_DAY) == {
        "reporter_edu": [for_reporters],
        "reporter_street": [for_reporters],
        "reporter_street_2": [for_reporters],
        "edu_office": [for_reporters],
        "edu_office_no_email": [for_reporters],
        "liaison": ["已安排委员活动日“第三季度委员活动日”（2026年09月20日），2 个填报单位"],
    }, "each once, not once per unit; not 经济 office, not the inactive colleague"
    assert Notification.objects.get(recipient=reporters[0]).link == reverse("activity_day_home")
    assert Notification.objects.get(recipient=a["liaison"]).link == reverse("activity_day_rollup", args=[day.pk])

    fresh()
    edit = reverse("forms_app_activityday_modeladmin_edit", args=[day.pk])
    response = committed(client.post, edit, {**form, "units": [edu_unit.pk, street_unit.pk, later_unit.pk]})
    assert response.status_code == 302
    assert told() == {"reporter_later": [for_reporters]}, "a unit added later: its own reporters only"


# --- 群众诉求件


@pytest.fixture
def stations(reference, members):
    _stories, index = site_sections()
    return {"edu": station(index, members["teacher"], "教育界委员工作室", committee=reference["edu_committee"])}


def test_a_case_tells_the_office_then_each_assignee_in_turn(accounts, reference, stations, committed):
    a = accounts
    case, _code = committed(new_case)
    inspect = reverse("intake_case_modeladmin_inspect", args=[case.pk])
    assert told() == {"district": [f"新诉求件 {case.number}待分办"]}
    assert Notification.objects.get().link == inspect

    fresh()
    committed(cases.assign, case, a["district"], office=CaseAssignment.Office.LIAISON)
    assert told() == {"liaison": [f"诉求件 {case.number}已分办给委员联络室，请接收办理"]}

    fresh()  # 改派 to the 教科文卫体 committee's office: its accounts only
    committed(
        cases.assign, case, a["district"], office=CaseAssignment.Office.COMMITTEE, committee=reference["edu_committee"]
    )
    title = f"诉求件 {case.number}已分办给教科文卫体委员会（专委会工作室），请接收办理"
    assert told() == {"edu_office": [title], "edu_office_no_email": [title]}

    fresh()
    committed(cases.send_back, case, a["edu_office"], "不属于本委职责范围。")
    row = Notification.objects.get()
    assert (
        row.recipient == a["district"]
        and row.title == f"诉求件 {case.number}被教科文卫体委员会（专委会工作室）退回，待重新分办"
    )
    assert "不属于本委职责范围" in row.body

    fresh()  # a member handles it on the front end: the link is /forms/cases/<number>/
    committed(cases.assign, case, a["district"], member=a["banker"].profile.member)
    row = Notification.objects.get()
    assert row.recipient == a["banker"] and row.link == reverse("case_detail", args=[case.number])

    fresh()  # a workstation: its lead member and its committee's office
    committed(cases.assign, case, a["district"], station=stations["edu"])
    assert set(told()) == {"applicant", "edu_office", "edu_office_no_email"}

    fresh()
    committed(cases.accept, case, a["applicant"])
    assert told() == {}
    committed(cases.save_reply, case, a["applicant"], "已联系街道修复路灯。", submit=True)
    assert told() == {"district": [f"诉求件 {case.number}的答复已提交，待审核"]}
    # Staff read the citizen on the case page; what is mailed names the 受理编号 only.
    for row in Notification.objects.all():
        assert not any(value in row.title + row.body for value in CITIZEN.values())


def test_an_approved_reply_mails_the_citizen_the_number_and_the_status_link_only(accounts, committed):
    a = accounts
    case, _code = new_case()
    cases.assign(case, a["district"], member=a["banker"].profile.member)
    cases.accept(case, a["banker"])
    cases.save_reply(case, a["banker"], "已联系街道于本周修复路灯。", submit=True)
    fresh()
    committed(cases.approve_reply, case, a["district"])

    assert told() == {}, "no account is told"
    row = Notification.objects.get()
    assert (row.email, row.kind, row.email_state) == (CITIZEN["email"], Kind.REPLY, EmailState.SENT)
    [message] = mail.outbox
    assert message.to == [CITIZEN["email"]]
    text = message.subject + message.body
    assert case.number in text and f"/mailbox/status/?number={case.number}" in text
    for personal in (*CITIZEN.values(), case.subject, "路灯", "修复"):
        assert personal not in text, personal


def test_a_reply_sent_back_or_reopened_goes_back_to_its_assignee(accounts, committed):
    a = accounts
    case, _code = new_case()
    cases.assign(case, a["district"], member=a["banker"].profile.member)
    cases.accept(case, a["banker"])
    cases.save_reply(case, a["banker"], "已转交街道。", submit=True)
    fresh()
    committed(cases.return_reply, case, a["district"], "请写明修复时间。")
    row = Notification.objects.get()
    assert (row.recipient, row.title) == (a["banker"], f"诉求件 {case.number}的答复被退回修改")
    assert "请写明修复时间" in row.body

    cases.save_reply(case, a["banker"], "本周五前修复。", submit=True)
    cases.approve_reply(case, a["district"])
    fresh()
    committed(cases.rate, case, False, "路灯还是不亮。")
    assert told() == {"banker": [f"诉求件 {case.number}群众不满意，请重新办理答复"]}


def test_a_citizen_without_email_gets_nothing(accounts, committed):
    a = accounts
    case, _code = new_case(email="")
    cases.assign(case, a["district"], member=a["banker"].profile.member)
    cases.accept(case, a["banker"])
    cases.save_reply(case, a["banker"], "已修复。", submit=True)
    fresh()
    committed(cases.approve_reply, case, a["district"])
    assert Notification.objects.count() == 0 and mail.outbox == []


T0 = timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 0))


def days(n):
    return T0 + datetime.timedelta(days=n)


def test_a_late_case_tells_its_holder_once_per_step(accounts):
    a = accounts
    case, _code = new_case(now=days(0))
    first = notify_late_cases(now=days(1))
    assert first == [], "not late yet"
    notify_late_cases(now=days(30))
    assert told() == {"district": [f"诉求件 {case.number} 已超过分办时限"]}
    assert notify_late_cases(now=days(31)) == [], "the same step is not told twice"

    fresh()
    cases.assign(case, a["district"], member=a["banker"].profile.member, now=days(32))
    Notification.objects.all().delete()
    notify_late_cases(now=days(60))
    assert told() == {"banker": [f"诉求件 {case.number} 已超过接收时限"]}
    assert Notification.objects.get().link == reverse("case_detail", args=[case.number])
    assert notify_late_cases(now=days(61)) == []


# --- 主席会议's monthly digest


def test_the_monthly_digest_reaches_the_chairs_meeting_once_a_month(accounts, reference, committed):
    a = accounts
    file_for(a["leader"], sector=reference["education"], year=2026)
    case, _code = new_case(now=timezone.now() - datetime.timedelta(days=60))

    call_command("send_monthly_digest", "--month", "2026-11")
    [row] = Notification.objects.filter(kind=Kind.DIGEST)
    assert row.recipient == a["chairs"], "the inactive 主席会议 account gets nothing"
    assert row.title == "2026年11月主席会议月度报告"
    assert "2026 年五个一活动备案表" in row.body and "已提交 1" in row.body
    assert "逾期 1 件（待分办 1）" in row.body
    assert row.link == reverse("wagtailadmin_home")

    call_command("send_monthly_digest", "--month", "2026-11")
    assert Notification.objects.filter(kind=Kind.DIGEST).count() == 1, "a rerun sends nothing twice"
    assert len(send_monthly_digest(datetime.date(2026, 12, 1))) == 1, "next month is sent"
    with pytest.raises(CommandError, match="月份应写成 YYYY-MM"):
        call_command("send_monthly_digest", "--month", "2026-13")
