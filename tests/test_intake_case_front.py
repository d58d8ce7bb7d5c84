"""/forms/cases/: an assignee (a member, a station's lead member, a 专委会工作室) handles a case on
the phone — 接收 or 退回, 办理记录, 答复 draft and 提交审核 — and a 界别组长 enters an opinion of
their sector's people. Refusals are 403 with the issue's words, never a 500, and write nothing."""

import datetime

import pytest
from django.utils import timezone

from intake import cases
from intake.models import Case, CaseAssignment, CaseEvent, Channel
from tests.intake_helpers import CITIZEN, intake_people, new_case  # noqa: F401

pytestmark = pytest.mark.django_db

NOT_YOURS = "该诉求件不在您这里办理"


def url(case=None):
    return "/forms/cases/" if case is None else f"/forms/cases/{case.number}/"


def text(response):
    return response.content.decode()


def post(client, case, action, **data):
    return client.post(url(case), {"action": action, **data})


def given_to(p, **assignee):
    case, _code = new_case()
    cases.assign(case, p["office"], **assignee)
    case.refresh_from_db()
    return case


def events(case):
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


def test_a_member_accepts_keeps_notes_drafts_and_submits_the_reply(client, intake_people):
    p = intake_people
    case = given_to(p, member=p["teacher"].profile.member)
    client.force_login(p["teacher"])

    home = text(client.get(url()))
    assert "待我接收" in home and case.number in home and "小区门口路灯不亮" in home and "办理期限" in home
    page = client.get(url(case))
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    page = text(page)
    assert CITIZEN["name"] in page and CITIZEN["phone"] in page and "东华门社区北门路灯坏了三个月" in page
    assert 'value="accept"' in page and "退回区政协办公室" in page and 'value="submit_reply"' not in page

    done = post(client, case, "accept")
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.HANDLING
    assert "已接收" in text(client.get(done.url))

    post(client, case, "note", note="电话联系了社区，约定周三现场查看。")
    post(client, case, "save_reply", reply="已协调街道更换路灯。")
    case.refresh_from_db()
    assert case.reply_state == Case.ReplyState.DRAFT and case.reply == "已协调街道更换路灯。"
    page = text(client.get(url(case)))
    assert "答复草稿已保存" in page and "已协调街道更换路灯。" in page and "电话联系了社区" in page

    post(client, case, "submit_reply", reply="已协调街道于3月10日更换路灯。")
    case.refresh_from_db()
    assert case.reply_state == Case.ReplyState.SUBMITTED
    page = text(client.get(url(case)))
    assert "答复已提交，等待区政协办公室审核" in page and 'value="submit_reply"' not in page
    assert "答复待审核" in text(client.get(url()))

    cases.return_reply(case, p["office"], "请写明更换日期和负责单位。")
    page = text(client.get(url(case)))
    assert "区政协办公室退回修改" in page and "请写明更换日期和负责单位。" in page and 'value="submit_reply"' in page

    post(client, case, "submit_reply", reply="已协调街道办事处于3月10日更换路灯。")
    cases.approve_reply(case, p["office"])
    home = text(client.get(url()))
    assert "已答复/办结" in home and case.number in home
    assert events(case) == [
        "register",
        "assign",
        "accept",
        "note",
        "submit_reply",
        "send_back",
        "submit_reply",
        "approve_reply",
    ]


def test_a_stations_lead_member_and_its_committee_office_both_hold_it_and_the_second_to_act_reads_why(
    client, intake_people
):
    p = intake_people
    case = given_to(p, station=p["edu_station"])
    lead, office = client, client.__class__()
    lead.force_login(p["teacher"])
    office.force_login(p["edu_office"])
    assert case.number in text(lead.get(url())) and case.number in text(office.get(url()))

    # Both opened the page with 接收; the office is first.
    assert post(office, case, "accept").status_code == 302
    late = post(lead, case, "accept")
    assert late.status_code == 403 and "不能进行此操作" in text(late)
    assert events(case) == ["register", "assign", "accept"]
    # The lead member holds it too and answers.
    post(lead, case, "submit_reply", reply="已答复。")
    case.refresh_from_db()
    assert case.reply_state == Case.ReplyState.SUBMITTED


def test_a_committee_office_sends_a_case_back_with_its_reason_and_then_only_reads_it(client, intake_people):
    p = intake_people
    case = given_to(p, office=CaseAssignment.Office.COMMITTEE, committee=p["edu_office"].profile.committee)
    client.force_login(p["edu_office"])

    empty = post(client, case, "send_back", reason="  ")
    assert empty.status_code == 200 and "请填写退回原因" in text(empty)
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED and events(case) == ["register", "assign"]

    assert post(client, case, "send_back", reason="属于经济委员会联系的领域。").status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED and case.assignment is None
    home = text(client.get(url()))
    assert "已退回" in home and "属于经济委员会联系的领域。" in home
    page = client.get(url(case))
    assert page.status_code == 200 and CITIZEN["name"] in text(page) and 'value="accept"' not in text(page)
    # A stale page: it no longer holds the case.
    again = post(client, case, "accept")
    assert again.status_code == 403 and NOT_YOURS in text(again)
    assert events(case) == ["register", "assign", "return"]


def test_someone_outside_the_case_gets_403_and_writes_nothing(client, intake_people):
    p = intake_people
    case = given_to(p, member=p["teacher"].profile.member)
    client.force_login(p["banker"])
    page = client.get(url(case))
    assert page.status_code == 403 and NOT_YOURS in text(page) and CITIZEN["name"] not in text(page)
    refused = post(client, case, "accept")
    assert refused.status_code == 403 and NOT_YOURS in text(refused)
    assert case.number not in text(client.get(url()))
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED and events(case) == ["register", "assign"]

    client.force_login(p["editor"])
    assert client.get(url()).status_code == 403
    client.logout()
    assert client.get(url(case)).status_code == 302


def test_research_reads_other_offices_cases_only_in_the_admin_and_cannot_act(client, intake_people):
    p = intake_people
    case = given_to(p, member=p["teacher"].profile.member)
    client.force_login(p["research"])
    # The front end is for what was given to this account; 研究室 reads the rest in the admin,
    # where the citizen's details (and any typed into the text) are stripped.
    page = client.get(url(case))
    assert page.status_code == 403 and NOT_YOURS in text(page)
    assert CITIZEN["name"] not in text(page) and CITIZEN["phone"] not in text(page)
    refused = post(client, case, "accept")
    assert refused.status_code == 403 and NOT_YOURS in text(refused)


def test_a_step_out_of_order_is_a_message_not_a_500(client, intake_people):
    p = intake_people
    case = given_to(p, member=p["teacher"].profile.member)
    client.force_login(p["teacher"])
    early = post(client, case, "submit_reply", reply="还没接收就答复")
    assert early.status_code == 403 and "不能进行此操作" in text(early)
    note = post(client, case, "note", note="记录")
    assert note.status_code == 403 and "不能进行此操作" in text(note)
    unknown = post(client, case, "approve")
    assert unknown.status_code == 400
    case.refresh_from_db()
    assert case.reply == "" and events(case) == ["register", "assign"]

    post(client, case, "accept")
    blank = post(client, case, "submit_reply", reply=" ")
    assert blank.status_code == 200 and "请填写答复内容后再提交审核" in text(blank)
    case.refresh_from_db()
    assert case.reply_state == "" and events(case) == ["register", "assign", "accept"]


def test_a_late_case_is_marked_on_the_list(client, intake_people):
    p = intake_people
    case, _ = new_case()
    cases.assign(case, p["office"], member=p["teacher"].profile.member, now=timezone.now() - datetime.timedelta(days=3))
    client.force_login(p["teacher"])
    home = text(client.get(url()))
    assert "逾期" in home and "1 件已逾期" in home
    assert "逾期" in text(client.get(url(case)))


def test_what_citizens_typed_is_escaped(client, intake_people):
    p = intake_people
    case, _ = new_case(subject="<script>alert(1)</script>", content="<img src=x onerror=alert(2)>", name="<b>王</b>")
    cases.assign(case, p["office"], member=p["teacher"].profile.member)
    client.force_login(p["teacher"])
    for page in (text(client.get(url())), text(client.get(url(case)))):
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = text(client.get(url(case)))
    assert "<img src=x" not in page and "<b>王</b>" not in page and "&lt;b&gt;王&lt;/b&gt;" in page
    post(client, case, "accept")
    post(client, case, "note", note="<i>记录</i>")
    assert "<i>记录</i>" not in text(client.get(url(case)))


def test_a_sector_leader_enters_an_opinion_of_the_sectors_people(client, intake_people):
    p = intake_people
    client.force_login(p["sector_leader"])
    form = client.get("/forms/cases/new/")
    assert form.status_code == 200 and "教育界" in text(form)
    assert "登记教育界群众意见" in text(client.get(url()))

    bad = client.post(
        "/forms/cases/new/",
        {
            "name": "张老师",
            "phone": "123",
            "subject": "课后服务",
            "content": "希望延长课后服务时间。",
            "category": "livelihood",
        },
    )
    assert (
        bad.status_code == 200
        and "请填写正确的手机号码或固定电话" in text(bad)
        and "希望延长课后服务时间。" in text(bad)
    )
    assert not Case.objects.exists()

    done = client.post(
        "/forms/cases/new/",
        {
            "name": "张老师",
            "phone": "13800001111",
            "address": "东华门小学",
            "subject": "课后服务",
            "content": "希望延长课后服务时间。",
            "category": "livelihood",
        },
    )
    case = Case.objects.get()
    assert done.status_code == 200 and case.number in text(done) and "查询码" in text(done)
    assert case.channel == Channel.SECTOR and case.sector == p["sector_leader"].profile.sector
    assert case.created_by == p["sector_leader"] and case.status == Case.Status.REGISTERED
    assert case.number in text(client.get(url()))

    client.force_login(p["teacher"])
    refused = client.get("/forms/cases/new/")
    assert refused.status_code == 403 and "界别组长" in text(refused)


def test_the_front_home_links_to_the_cases(client, intake_people):
    client.force_login(intake_people["teacher"])
    assert 'href="/forms/cases/"' in text(client.get("/my/"))
    client.force_login(intake_people["editor"])
    assert 'href="/forms/cases/"' not in text(client.get("/my/"))
