"""群众诉求 in the admin: 区政协办公室 registers a case by hand (and reads its 受理编号 and 查询码 once),
assigns it, approves the reply and closes it; 研究室 reads cases without the citizen's details and
forms leads; a 专委会工作室 reads only what was given to it; search is by 受理编号 only; the 逾期 list
says who holds each late case and for how long; the 办理时限 setting refuses what it must."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from intake import cases, public
from intake.models import HIDDEN, Case, CaseAssignment, CaseEvent, CaseLead, IntakeSettings
from tests.intake_helpers import CITIZEN, intake_people, new_case  # noqa: F401

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
INDEX = reverse("intake_case_modeladmin_index")
REGISTER = reverse("intake_case_register")
OVERDUE = reverse("intake_overdue")
SETTINGS = reverse("intake_settings")


def days(n):
    return T0 + datetime.timedelta(days=n)


def inspect(case):
    return reverse("intake_case_modeladmin_inspect", args=[case.pk])


def step(name, case):
    return reverse(f"intake_case_{name}", args=[case.pk])


def as_user(client, user):
    client.force_login(user)
    return client


def text(response):
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def handled_reply(p, now=T0):
    """A case assigned to the teacher, accepted, its reply submitted for approval."""
    case, _code = new_case(now=now)
    cases.assign(case, p["office"], member=p["teacher"].profile.member, now=now)
    cases.accept(case, p["teacher"], now=now)
    cases.save_reply(case, p["teacher"], "已协调街道更换路灯。", submit=True, now=now)
    return case


def test_the_office_registers_assigns_approves_and_closes_a_case_in_the_admin(client, intake_people):
    p = intake_people
    c = as_user(client, p["office"])
    form = c.get(REGISTER)
    assert form.status_code == 200 and "委员信箱（纸质来信）" in text(form)

    # A bad phone: the message at the field, nothing written, the other fields kept.
    fields = {
        "channel": "hotline",
        **CITIZEN,
        "subject": "小区门口路灯不亮",
        "content": "东华门社区北门路灯坏了三个月。",
        "category": "urban",
    }
    refused = c.post(REGISTER, {**fields, "phone": "12345"})
    assert public.PHONE_WRONG in text(refused) and "小区门口路灯不亮" in text(refused)
    assert not Case.objects.exists()

    saved = c.post(REGISTER, fields)
    case = Case.objects.get()
    assert case.channel == "hotline" and case.created_by == p["office"] and case.name == CITIZEN["name"]
    page = text(saved)
    assert case.number in page
    code = page.split("data-code>")[1].split("<")[0]
    assert public.code_matches(case.code_hmac, case.number, code)
    # Shown once: the case's page never shows the code again.
    assert code not in text(c.get(inspect(case)))

    # 分办 to the teacher, as 提案转办.
    shown = c.get(inspect(case))
    assert 'data-step="assign"' in text(shown) and CITIZEN["name"] in text(shown)
    member = p["teacher"].profile.member
    assigned = c.post(step("assign", case), {"assign-member": member.pk, "assign-mode": "proposal"}, follow=True)
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED and case.assignment.member == member
    assert case.assignment.mode == CaseAssignment.Mode.PROPOSAL
    assert "已分办" in " ".join(messages_of(assigned))
    assert f"委员 {member.name}" in text(assigned)

    # The teacher handles it on the front end (here, through the steps).
    cases.accept(case, p["teacher"])
    cases.save_reply(case, p["teacher"], "已协调街道更换路灯。", submit=True)

    # 退回修改 without a reason: a message, nothing changes.
    empty = c.post(step("review", case), {"action": "return", "reason": ""}, follow=True)
    case.refresh_from_db()
    assert case.reply_state == Case.ReplyState.SUBMITTED and "修改意见" in " ".join(messages_of(empty))

    approved = c.post(
        step("review", case), {"action": "approve", "reply": "已协调街道于3月10日更换路灯。"}, follow=True
    )
    case.refresh_from_db()
    assert case.status == Case.Status.REPLIED and case.reply == "已协调街道于3月10日更换路灯。"
    assert "审核通过" in " ".join(messages_of(approved))
    assert 'data-step="close"' in text(approved)

    closed = c.post(step("close", case), {"note": "群众已知悉。"}, follow=True)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and "已办结" in " ".join(messages_of(closed))
    assert list(case.events.values_list("action", flat=True)) == [
        "register",
        "assign",
        "accept",
        "submit_reply",
        "approve_reply",
        "close",
    ]


def test_assigning_to_nobody_or_two_is_refused_at_the_form_and_nothing_is_written(client, intake_people):
    p = intake_people
    case, _ = new_case(now=T0)
    c = as_user(client, p["office"])
    none = c.post(step("assign", case), {"assign-mode": "direct"}, follow=True)
    two = c.post(
        step("assign", case),
        {"assign-member": p["teacher"].profile.member.pk, "assign-office": "研究室", "assign-mode": "direct"},
        follow=True,
    )
    no_committee = c.post(step("assign", case), {"assign-office": "专委会工作室", "assign-mode": "direct"}, follow=True)
    assert "只选一项" in " ".join(messages_of(none)) and "只选一项" in " ".join(messages_of(two))
    assert "请选择专委会" in " ".join(messages_of(no_committee))
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED and not CaseAssignment.objects.exists()


def test_a_second_approval_reads_a_message_not_an_error(client, intake_people):
    p = intake_people
    case = handled_reply(p)
    c = as_user(client, p["office"])
    first = c.post(step("review", case), {"action": "approve", "reply": ""}, follow=True)
    assert first.status_code == 200
    events = CaseEvent.objects.count()
    second = c.post(step("review", case), {"action": "approve", "reply": "再改一次"}, follow=True)
    assert second.status_code == 200
    assert "请刷新后查看" in " ".join(messages_of(second))
    case.refresh_from_db()
    assert case.reply == "已协调街道更换路灯。" and CaseEvent.objects.count() == events
    # Closing twice: the second is a message too.
    c.post(step("close", case), {})
    again = c.post(step("close", case), {}, follow=True)
    assert again.status_code == 200 and "不能进行此操作" in " ".join(messages_of(again))


def test_research_reads_cases_without_the_citizen_and_forms_leads(client, intake_people):
    p = intake_people
    case, _ = new_case(now=T0, content=f"我是{CITIZEN['name']}，电话{CITIZEN['phone']}，北门路灯坏了。")
    c = as_user(client, p["research"])
    listing = c.get(INDEX)
    assert listing.status_code == 200 and case.number in text(listing)
    assert CITIZEN["name"] not in text(listing)
    page = c.get(inspect(case))
    assert page.status_code == 200
    body = text(page)
    assert HIDDEN in body
    for value in CITIZEN.values():
        assert value not in body
    # No office buttons for 研究室; the lead buttons are there.
    assert 'data-step="assign"' not in body and 'data-step="lead"' in body
    refused = c.post(step("assign", case), {"assign-office": "研究室", "assign-mode": "direct"})
    assert refused.status_code == 403 and not CaseAssignment.objects.exists()

    made = c.post(step("lead", case), {"kind": "opinion"}, follow=True)
    lead = CaseLead.objects.get()
    assert lead.kind == "opinion" and CITIZEN["name"] not in lead.content and CITIZEN["phone"] not in lead.content
    assert "已形成社情民意信息" in " ".join(messages_of(made))
    twice = c.post(step("lead", case), {"kind": "opinion"}, follow=True)
    assert twice.status_code == 200 and CaseLead.objects.count() == 1
    assert "形成社情民意信息" not in text(twice).split('data-step="lead"')[1].split("</form>")[0]

    # The office cannot form leads.
    office = as_user(client, p["office"])
    assert office.post(step("lead", case), {"kind": "proposal"}).status_code == 403
    assert CaseLead.objects.count() == 1


def test_admin_search_finds_a_case_by_number_never_by_the_citizen(client, intake_people):
    p = intake_people
    case, _ = new_case(now=T0)
    other, _ = new_case(now=T0, name="诸葛亮亮", phone="13711112222")
    c = as_user(client, p["office"])
    for term in (CITIZEN["name"], CITIZEN["phone"], CITIZEN["email"], CITIZEN["address"]):
        found = text(c.get(INDEX, {"q": term}))
        assert case.number not in found and other.number not in found
    by_number = text(c.get(INDEX, {"q": case.number}))
    assert case.number in by_number and other.number not in by_number
    # The list never shows the citizen either.
    assert CITIZEN["name"] not in text(c.get(INDEX))


def test_a_committee_office_sees_only_the_cases_given_to_it(client, intake_people):
    p = intake_people
    mine, _ = new_case(now=T0, subject="学校门口交通拥堵")
    station_case, _ = new_case(now=T0, subject="工作室转来的事")
    theirs, _ = new_case(now=T0, subject="经济界的事")
    loose, _ = new_case(now=T0, subject="还没分办的事")
    committee = p["edu_office"].profile.committee
    cases.assign(mine, p["office"], office=CaseAssignment.Office.COMMITTEE, committee=committee, now=T0)
    cases.assign(station_case, p["office"], station=p["edu_station"], now=T0)
    cases.assign(theirs, p["office"], station=p["econ_station"], now=T0)

    c = as_user(client, p["edu_office"])
    listing = text(c.get(INDEX))
    assert mine.number in listing and station_case.number in listing
    assert theirs.number not in listing and loose.number not in listing
    assert c.get(inspect(theirs)).status_code == 404
    assert c.get(inspect(loose)).status_code == 404
    # Its own case: with the citizen (an assignee), no office buttons.
    own = text(c.get(inspect(mine)))
    assert CITIZEN["name"] in own and 'data-step="assign"' not in own and 'data-step="lead"' not in own
    # A step on a case outside its scope is "not found", nothing written.
    assert c.post(step("close", theirs), {}).status_code == 404
    assert c.post(step("review", mine), {"action": "approve"}).status_code == 403
    # Nor the office pages.
    assert c.get(REGISTER).status_code == 403 and c.get(SETTINGS).status_code == 403
    assert not Case.objects.filter(status=Case.Status.CLOSED).exists()


def test_menu_entries_show_only_to_those_allowed(client, intake_people):
    p = intake_people
    office = text(as_user(client, p["office"]).get(reverse("wagtailadmin_home")))
    assert REGISTER in office and OVERDUE in office and SETTINGS in office and INDEX in office
    research = text(as_user(client, p["research"]).get(reverse("wagtailadmin_home")))
    assert INDEX in research and OVERDUE in research and REGISTER not in research and SETTINGS not in research
    committee = text(as_user(client, p["edu_office"]).get(reverse("wagtailadmin_home")))
    assert INDEX in committee and REGISTER not in committee and SETTINGS not in committee
    editor = text(as_user(client, p["editor"]).get(reverse("wagtailadmin_home")))
    assert INDEX not in editor and OVERDUE not in editor
    assert as_user(client, p["editor"]).get(OVERDUE).status_code == 403


def test_the_overdue_list_says_who_holds_each_late_case_and_for_how_long(client, intake_people, monkeypatch):
    p = intake_people
    waiting, _ = new_case(now=days(0), subject="等待分办")  # 分办 due day 2
    given, _ = new_case(now=days(0), subject="等待接收")
    cases.assign(given, p["office"], station=p["edu_station"], now=days(1))  # 接收 due day 3
    fresh, _ = new_case(now=days(6), subject="刚登记")  # due day 8: not late
    submitted = handled_reply(p, now=days(0))  # 答复 due day 15: not late at day 6

    monkeypatch.setattr(timezone, "now", lambda: days(6))
    c = as_user(client, p["office"])
    page = c.get(OVERDUE)
    assert page.status_code == 200
    body = text(page)
    rows = {
        number: body.split(f'data-case="{number}"')[1].split("</tr>")[0] for number in (waiting.number, given.number)
    }
    assert fresh.number not in body and submitted.number not in body
    assert "区政协办公室" in rows[waiting.number] and "4 天" in rows[waiting.number]
    assert "教育界委员工作室" in rows[given.number] and "3 天" in rows[given.number]
    assert "分办" in rows[given.number]
    # Most late first.
    assert body.index(waiting.number) < body.index(given.number)

    # A few hours late reads in hours; a shorter 接收 limit re-dates the open cases.
    monkeypatch.setattr(timezone, "now", lambda: days(3) + datetime.timedelta(hours=5))
    assert "5 小时" in text(c.get(OVERDUE)).split(f'data-case="{given.number}"')[1].split("</tr>")[0]

    # 研究室 reads the same list (every case, no personal data); a committee office only its own.
    research = text(as_user(client, p["research"]).get(OVERDUE))
    assert waiting.number in research and CITIZEN["name"] not in research
    edu = text(as_user(client, p["edu_office"]).get(OVERDUE))
    assert given.number in edu and waiting.number not in edu


def test_the_overdue_list_pages_and_asks_the_same_queries_for_any_number_of_rows(
    client, intake_people, monkeypatch, django_assert_max_num_queries
):
    p = intake_people
    for i in range(60):
        new_case(now=days(0), subject=f"诉求{i}")
    monkeypatch.setattr(timezone, "now", lambda: days(30))
    c = as_user(client, p["office"])
    c.get(OVERDUE)  # warm the session and the settings row
    # The session, the user, the admin menu (page and collection permissions, the entries each
    # module shows), the settings row, the count and the page: never a query per row.
    with django_assert_max_num_queries(16):
        first = c.get(OVERDUE)
    assert text(first).count("data-case=") == 50 and "第 1 / 2 页" in text(first)
    assert text(c.get(OVERDUE, {"p": 2})).count("data-case=") == 10
    # The case list too: no query per row (the inspect link, the holder, the time limit).
    c.get(INDEX)
    with django_assert_max_num_queries(20):
        listing = c.get(INDEX)
    assert text(listing).count("诉求5") >= 10
    edu = as_user(client, p["edu_office"])
    for number in Case.objects.values_list("pk", flat=True)[:30]:
        cases.assign(Case.objects.get(pk=number), p["office"], station=p["edu_station"])
    edu.get(INDEX)
    with django_assert_max_num_queries(20):
        assert edu.get(INDEX).status_code == 200


def test_the_time_limits_save_and_refuse_a_short_retention_in_chinese(client, intake_people):
    p = intake_people
    c = as_user(client, p["office"])
    page = text(c.get(SETTINGS))
    for value in ('value="2"', 'value="15"', 'value="5"', 'value="730"'):
        assert value in page
    good = {"assign_days": 3, "accept_days": 2, "reply_days": 10, "close_days": 5, "retention_days": 365}
    short = c.post(SETTINGS, {**good, "retention_days": 179})
    assert short.status_code == 200 and "个人信息保存期限不能少于 180 天" in text(short)
    zero = c.post(SETTINGS, {**good, "reply_days": 0})
    assert "时限至少为 1 天" in text(zero)
    row = IntakeSettings.load()
    assert (row.assign_days, row.reply_days, row.retention_days) == (2, 15, 730)

    saved = c.post(SETTINGS, good, follow=True)
    assert "办理时限已保存" in " ".join(messages_of(saved))
    row = IntakeSettings.load()
    assert (row.assign_days, row.reply_days, row.retention_days) == (3, 10, 365)
    assert as_user(client, p["research"]).post(SETTINGS, {**good, "assign_days": 9}).status_code == 403
    assert IntakeSettings.load().assign_days == 3


def test_hand_edited_links_are_not_found(client, intake_people):
    p = intake_people
    c = as_user(client, p["office"])
    assert c.post(reverse("intake_case_close", args=["abc"])).status_code == 404
    assert c.post(reverse("intake_case_close", args=["99999999999999999999999"])).status_code == 404
    assert c.get(reverse("intake_case_modeladmin_inspect", args=[987654])).status_code == 404
