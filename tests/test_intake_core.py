"""How a case moves (intake/cases.py), who sees it and its citizen (intake/rules.py), the time
limits and the per-IP limits (intake/public.py)."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from intake import cases, public, rules
from intake.leads import make_lead
from intake.models import HIDDEN, Case, CaseAssignment, CaseEvent, IntakeSettings, Submission
from intake.rules import IntakeError, NotYours
from tests.intake_helpers import CITIZEN, intake_people, new_case  # noqa: F401

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def days(n):
    return T0 + datetime.timedelta(days=n)


def test_a_case_goes_from_registration_to_closing_and_the_citizen_reads_only_the_approved_reply(intake_people):
    p = intake_people
    case, code = new_case(now=T0)
    assert case.number == "2026-000001" and len(code) == 6 and code not in case.code_hmac
    assert public.code_matches(case.code_hmac, case.number, code.lower())
    assert not public.code_matches(case.code_hmac, case.number, "AAAAAA")

    with pytest.raises(NotYours):
        cases.assign(case, p["teacher"], member=p["doctor"].profile.member)
    cases.assign(case, p["office"], member=p["teacher"].profile.member, now=days(1))
    with pytest.raises(NotYours):
        cases.accept(case, p["doctor"], now=days(1))
    cases.accept(case, p["teacher"], now=days(2))
    cases.add_note(case, p["teacher"], "电话联系了社区，约定周三现场查看。", now=days(3))
    cases.save_reply(case, p["teacher"], "已协调街道更换路灯。", submit=True, now=days(4))
    with pytest.raises(IntakeError, match="已提交审核"):
        cases.save_reply(case, p["teacher"], "改一改", now=days(4))
    cases.return_reply(case, p["office"], "请写明更换日期。", now=days(5))
    cases.save_reply(case, p["teacher"], "已协调街道于3月10日更换路灯。", submit=True, now=days(6))
    case = cases.approve_reply(case, p["office"], now=days(7))
    assert case.status == Case.Status.REPLIED and case.reply == "已协调街道于3月10日更换路灯。"
    case = cases.close(case, p["office"], now=days(8))
    assert case.status == Case.Status.CLOSED
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [
        "register",
        "assign",
        "accept",
        "note",
        "submit_reply",
        "send_back",
        "submit_reply",
        "approve_reply",
        "close",
    ]


def test_a_returned_case_goes_back_to_the_office_and_its_past_assignee_still_reads_it(intake_people):
    p = intake_people
    case, _ = new_case(now=T0)
    cases.assign(case, p["office"], member=p["doctor"].profile.member, now=days(1))
    with pytest.raises(IntakeError, match="退回原因"):
        cases.send_back(case, p["doctor"], "  ", now=days(1))
    case = cases.send_back(case, p["doctor"], "不属于本人联系的界别。", now=days(2))
    assert case.status == Case.Status.REGISTERED and case.assignment is None
    assert not rules.holds(p["doctor"], case)
    assert rules.may_see_personal(p["doctor"], case) and case in rules.cases_visible_to(p["doctor"])
    cases.assign(case, p["office"], station=p["edu_station"], now=days(3))
    # A station's lead member and its committee's office both hold it; another office does not.
    assert rules.holds(p["teacher"], case) and rules.holds(p["edu_office"], case)
    assert not rules.holds(p["econ_office"], case) and not rules.holds(p["doctor"], case)


def test_personal_data_is_hidden_from_research_and_from_those_never_assigned(intake_people):
    p = intake_people
    case, _ = new_case(now=T0)
    cases.assign(case, p["office"], office=CaseAssignment.Office.COMMITTEE, committee=p["edu_office"].profile.committee)
    assert rules.shown(p["office"], case, "name") == CITIZEN["name"]
    assert rules.shown(p["edu_office"], case, "phone") == CITIZEN["phone"]
    assert rules.shown(p["research"], case, "name") == HIDDEN
    assert case in rules.cases_visible_to(p["research"])
    assert rules.shown(p["econ_office"], case, "name") == HIDDEN
    assert case not in rules.cases_visible_to(p["econ_office"]) and case not in rules.cases_visible_to(p["banker"])
    assert str(case) == case.number and CITIZEN["name"] not in repr(case)


def test_not_satisfied_reopens_once_and_a_second_time_is_only_recorded(intake_people):
    p = intake_people
    case, _ = new_case(now=T0)
    cases.assign(case, p["office"], member=p["teacher"].profile.member, now=days(1))
    cases.accept(case, p["teacher"], now=days(1))
    cases.save_reply(case, p["teacher"], "已反映。", submit=True, now=days(2))
    cases.approve_reply(case, p["office"], now=days(3))
    with pytest.raises(IntakeError, match="原因"):
        cases.rate(case, False, "")
    case = cases.rate(case, False, "路灯还是不亮。", now=days(4))
    assert case.status == Case.Status.HANDLING and case.reopened and case.step_started_at == days(4)
    assert rules.holds(p["teacher"], case)
    cases.save_reply(case, p["teacher"], "已再次督促，3月20日修好。", submit=True, now=days(5))
    cases.approve_reply(case, p["office"], now=days(6))
    case = cases.rate(case, False, "还是不满意。", now=days(7))
    assert case.status == Case.Status.REPLIED and case.satisfaction == Case.Satisfaction.UNSATISFIED
    with pytest.raises(IntakeError, match="已评价"):
        cases.rate(case, True)


def test_overdue_lists_each_late_step_with_who_holds_it(intake_people):
    p = intake_people
    waiting, _ = new_case(now=T0)  # 分办 due after 2 days
    assigned, _ = new_case(now=T0)
    cases.assign(assigned, p["office"], member=p["teacher"].profile.member, now=days(1))  # 接收 due day 3
    handling, _ = new_case(now=T0)
    cases.assign(handling, p["office"], member=p["banker"].profile.member, now=T0)
    cases.accept(handling, p["banker"], now=days(1))  # 答复 due day 16
    late = {c.number: c for c in cases.overdue(now=days(4))}
    assert set(late) == {waiting.number, assigned.number}
    assert cases.holder_label(late[waiting.number]) == "区政协办公室"
    assert cases.holder_label(late[assigned.number]) == "委员 王丽"
    assert late[assigned.number].due == days(3)
    assert cases.late_by(late[assigned.number], now=days(4)) == datetime.timedelta(days=1)
    assert handling.number in {c.number for c in cases.overdue(now=days(16) + datetime.timedelta(minutes=1))}
    # Changing the setting re-dates the open cases.
    IntakeSettings.objects.filter(pk=IntakeSettings.load().pk).update(reply_days=30)
    assert handling.number not in {c.number for c in cases.overdue(now=days(17))}


def test_a_lead_carries_no_personal_data_and_only_research_makes_one(intake_people):
    p = intake_people
    case, _ = new_case(content=f"我是{CITIZEN['name']}，电话13987654321，住东华门社区，路灯坏了。")
    with pytest.raises(IntakeError):
        make_lead(case, "opinion", p["office"])
    lead = make_lead(case, "opinion", p["research"])
    assert CITIZEN["name"] not in lead.content and "13987654321" not in lead.content
    assert "东华门社区" not in lead.content and "路灯坏了" in lead.content
    with pytest.raises(IntakeError, match="已形成过"):
        make_lead(case, "opinion", p["research"])
    assert CaseEvent.objects.filter(case=case, action="lead").count() == 1


def test_five_an_hour_and_twenty_a_day_from_one_address(settings):
    factory = RequestFactory()
    request = factory.post("/mailbox/", REMOTE_ADDR="203.0.113.7")
    other = factory.post("/mailbox/", REMOTE_ADDR="203.0.113.8")
    now = timezone.now()
    for i in range(5):
        public.admit(request, "mailbox", now=now + datetime.timedelta(minutes=i))
    with pytest.raises(public.Throttled):
        public.admit(request, "mailbox", now=now + datetime.timedelta(minutes=10))
    # Each form counts apart: the same address may still book a 接待日.
    public.admit(request, "booking", now=now + datetime.timedelta(minutes=10))
    public.admit(other, "mailbox", now=now)
    for hour in range(1, 4):
        for i in range(5):
            public.admit(request, "mailbox", now=now + datetime.timedelta(hours=hour, minutes=i))
    with pytest.raises(public.Throttled):  # 20 within the day, though only 0 this hour
        public.admit(request, "mailbox", now=now + datetime.timedelta(hours=5))
    public.admit(request, "mailbox", now=now + datetime.timedelta(hours=25))
    assert not Submission.objects.filter(ip_hash__contains="203.0.113").exists()
    # X-Forwarded-For counts only behind a trusted proxy.
    spoofed = factory.post("/mailbox/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert public.client_ip(spoofed) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert public.client_ip(spoofed) == "203.0.113.9"
    # Hashed addresses are forgotten after 7 days.
    assert public.forget_addresses(now=now + datetime.timedelta(days=9)) == 23
