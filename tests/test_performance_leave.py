"""请假 (S004-5) from both sides: the member asks on /my/record/ before the deadline (late, not
invited, twice, refused then again), the organising office decides in /admin/performance/leave/
(approve; refuse only with a note; the second of two offices deciding at once is told who
decided); each office sees only its scope; what a member typed is escaped."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from people import roles
from performance import rules
from performance.models import DutyActivity, LeaveRequest, PerformanceYear

from .test_concurrency import at_once, client_of
from .test_five_ones_route import file_for

pytestmark = pytest.mark.django_db
RECORD = reverse("my_record")
ASK = reverse("my_record_leave")
QUEUE = reverse("performance_leave")


def page_text(response):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def activity(reference, name="教育专题协商会", days=3, organiser=None, deadline=None, **invite):
    made = DutyActivity.objects.create(
        name=name,
        kind="consultation",
        start=timezone.now() + datetime.timedelta(days=days),
        organiser=organiser,
        leave_deadline=deadline,
    )
    made.invite_sectors.set(invite.get("sectors", [reference["education"]]))
    made.invite_members.set(invite.get("members", []))
    return made


@pytest.fixture
def people(roles_synced, make_user, members, reference):
    liaison = make_user(roles.LIAISON_OFFICE)
    liaison.first_name = "张丽"
    liaison.save()
    return {
        "teacher": make_user(roles.MEMBER, member=members["teacher"]),
        "banker": make_user(roles.MEMBER, member=members["banker"]),
        "liaison": liaison,
        "liaison2": make_user(roles.LIAISON_OFFICE),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "sysadmin": make_user(roles.SYSTEM_ADMIN),
        "no_committee_office": make_user(roles.COMMITTEE_OFFICE),
        "leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
    }


def ask(client, target, reason):
    key = f"activity:{target.pk}" if isinstance(target, DutyActivity) else f"filing:{target.pk}"
    return client.post(ASK, {"target": key, "reason": reason, "year": timezone.localdate().year})


def reason_error(response):
    return [
        error
        for item in response.context["leave_items"]
        if item["form"]
        for error in item["form"].errors.get("reason", [])
    ]


def test_a_member_asks_leave_before_the_deadline_and_follows_it(client, people, reference):
    meeting = activity(reference)
    client.force_login(people["teacher"])
    page = client.get(RECORD)
    assert [item["title"] for item in page.context["leave_items"]] == ["教育专题协商会"]
    assert "审批：委员联络室" in page_text(page)
    response = ask(client, meeting, "外出参加市里的教研活动")
    leave = LeaveRequest.objects.get()
    assert (leave.member.name, leave.activity, leave.decision) == ("王丽", meeting, LeaveRequest.Decision.PENDING)
    assert response.status_code == 302
    text = page_text(client.get(response.url))
    assert "请假申请已提交，等待委员联络室审批。" in text
    assert "已请假： 待审批" in text and "请假理由：外出参加市里的教研活动" in text


def test_a_late_request_is_refused_with_the_exact_words_and_keeps_the_reason(client, people, reference):
    closed = activity(reference, deadline=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(people["teacher"])
    assert client.get(RECORD).context["leave_items"] == [], "a closed activity is not offered"
    response = ask(client, closed, "临时接到出差任务")
    assert response.status_code == 200
    assert reason_error(response) == ["活动已开始，不能再请假，请联系组织部门"]
    assert "临时接到出差任务</textarea>" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_only_an_invitee_asks_and_only_once_until_refused(client, people, reference):
    economy_only = activity(reference, name="经济界座谈会", sectors=[reference["economy"]])
    meeting = activity(reference)
    client.force_login(people["teacher"])
    assert [item["title"] for item in client.get(RECORD).context["leave_items"]] == ["教育专题协商会"]
    assert reason_error(ask(client, economy_only, "有事")) == ["您不在这次活动的邀请名单中，不需要请假。"]
    ask(client, meeting, "外出学习")
    twice = ask(client, meeting, "再请一次")
    assert reason_error(twice) == ["您已经为这次活动请过假（待审批）。"]
    assert LeaveRequest.objects.count() == 1
    empty = ask(client, meeting, "  ")
    assert reason_error(empty) == ["请填写请假理由。"]

    # The office refuses with a note; the member reads it and asks again.
    leave = LeaveRequest.objects.get()
    rules.decide_leave(leave.pk, people["liaison"], approve=False, note="此次协商需要教育界委员到场")
    page = client.get(RECORD)
    text = page_text(page)
    assert "已请假： 未批准 · 审批意见：此次协商需要教育界委员到场" in text
    assert "重新申请请假" in text
    ask(client, meeting, "确有手术安排，无法调整")
    leave.refresh_from_db()
    assert (leave.decision, leave.reason, leave.decision_note) == ("pending", "确有手术安排，无法调整", "")


def test_a_five_ones_participant_asks_leave_and_the_sectors_contact_office_decides(client, people, members, reference):
    filing = file_for(people["leader"], year=timezone.localdate().year, sector=reference["education"])
    filing.activity_date = timezone.localdate() + datetime.timedelta(days=5)
    filing.save()
    filing.participants.add(members["teacher"])
    client.force_login(people["teacher"])
    items = client.get(RECORD).context["leave_items"]
    assert [(item["title"], item["decider"]) for item in items] == [
        ("教育界五个一活动：助力课后服务提质", "专委会工作四室")
    ]
    ask(client, filing, "陪同家人就医")
    leave = LeaveRequest.objects.get(filing=filing)
    office = client_of(people["edu_office"])
    response = office.post(reverse("performance_leave_decide", args=[leave.pk]), {"decision": "approve"})
    assert response.status_code == 302
    leave.refresh_from_db()
    assert (leave.decision, leave.decided_by) == ("approved", people["edu_office"])
    assert "已批准" in page_text(client.get(RECORD))


def test_the_office_approves_and_refuses_only_with_a_note(client, people, reference, members):
    meeting = activity(reference)
    rules.request_leave(members["teacher"], meeting, "出差")
    other = rules.request_leave(
        members["banker"], activity(reference, name="经济形势分析会", sectors=[reference["economy"]]), "开会"
    )
    client.force_login(people["liaison"])
    queue = client.get(QUEUE)
    assert queue.status_code == 200
    assert {leave.pk for leave in queue.context["rows"]} == {
        other.pk,
        LeaveRequest.objects.get(member=members["teacher"]).pk,
    }
    leave = LeaveRequest.objects.get(member=members["teacher"])

    refused = client.post(
        reverse("performance_leave_decide", args=[leave.pk]),
        {"decision": "refuse", "note": "  ", "query": "state=pending"},
    )
    assert refused.status_code == 200
    row = next(r for r in refused.context["rows"] if r.pk == leave.pk)
    assert row.error == "不批准请假时请填写审批意见。"
    leave.refresh_from_db()
    assert leave.decision == "pending"

    done = client.post(
        reverse("performance_leave_decide", args=[leave.pk]), {"decision": "approve", "query": "state=pending"}
    )
    assert done.url == f"{QUEUE}?state=pending"
    assert "已批准王丽的请假申请。" in page_text(client.get(done.url))
    leave.refresh_from_db()
    assert (leave.decision, leave.decided_by) == ("approved", people["liaison"])

    client.post(reverse("performance_leave_decide", args=[other.pk]), {"decision": "refuse", "note": "请安排时间参加"})
    other.refresh_from_db()
    assert (other.decision, other.decision_note) == ("refused", "请安排时间参加")
    approved = client.get(QUEUE, {"state": "approved"})
    assert [r.pk for r in approved.context["rows"]] == [leave.pk]
    assert [r.pk for r in client.get(QUEUE, {"state": "refused"}).context["rows"]] == [other.pk]
    assert client.get(QUEUE, {"state": "pending"}).context["rows"] == []
    assert client.get(QUEUE, {"state": "all", "year": timezone.localdate().year - 1}).context["rows"] == []


def test_a_second_office_deciding_the_same_request_is_told_who_decided(client, people, reference, members):
    leave = rules.request_leave(members["teacher"], activity(reference), "出差")
    first, second = client_of(people["liaison"]), client_of(people["liaison2"])
    url = reverse("performance_leave_decide", args=[leave.pk])
    assert first.post(url, {"decision": "approve"}).status_code == 302
    late = second.post(url, {"decision": "refuse", "note": "请参加"})
    assert late.status_code == 200
    assert "这条请假申请已由张丽处理（已批准）。" in page_text(late)
    leave.refresh_from_db()
    assert (leave.decision, leave.decided_by) == ("approved", people["liaison"])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_offices_deciding_at_once_one_wins_and_the_other_is_told(people, reference, members):
    leave = rules.request_leave(members["teacher"], activity(reference), "出差")
    first, second = client_of(people["liaison"]), client_of(people["liaison2"])
    url = reverse("performance_leave_decide", args=[leave.pk])
    responses = at_once(
        lambda: first.post(url, {"decision": "approve"}),
        lambda: second.post(url, {"decision": "refuse", "note": "请参加"}),
    )
    assert sorted(r.status_code for r in responses) == [200, 302], "never a 500"
    told = next(r for r in responses if r.status_code == 200)
    leave.refresh_from_db()
    winner = "张丽" if leave.decided_by == people["liaison"] else people["liaison2"].username
    assert f"这条请假申请已由{winner}处理（{leave.get_decision_display()}）。" in page_text(told)


def test_each_office_sees_and_decides_only_its_own_scope(client, people, reference, members):
    edu_meeting = rules.request_leave(
        members["teacher"], activity(reference, organiser=reference["edu_committee"]), "出差"
    )
    liaison_meeting = rules.request_leave(members["teacher"], activity(reference, name="全体会议"), "出差")
    econ_meeting = rules.request_leave(
        members["banker"],
        activity(
            reference, name="经济形势分析会", organiser=reference["econ_committee"], sectors=[reference["economy"]]
        ),
        "开会",
    )
    filing = file_for(people["leader"], year=timezone.localdate().year, sector=reference["education"])
    filing.activity_date = timezone.localdate() + datetime.timedelta(days=5)
    filing.save()
    filing.participants.add(members["teacher"])
    edu_filing = rules.request_leave(members["teacher"], filing, "陪同就医")

    def listed(user):
        client.force_login(user)
        response = client.get(QUEUE, {"state": "all"})
        assert response.status_code == 200
        return {leave.pk for leave in response.context["rows"]}

    assert listed(people["liaison"]) == {edu_meeting.pk, liaison_meeting.pk, econ_meeting.pk, edu_filing.pk}
    assert listed(people["edu_office"]) == {edu_meeting.pk, edu_filing.pk}
    assert listed(people["econ_office"]) == {econ_meeting.pk}
    client.force_login(people["econ_office"])
    outside = client.post(reverse("performance_leave_decide", args=[edu_meeting.pk]), {"decision": "approve"})
    assert outside.status_code == 404
    edu_meeting.refresh_from_db()
    assert edu_meeting.decision == "pending"

    for name, reason in [
        ("secretary", "只有委员联络室和组织活动的专委会工作室可以审批请假。"),
        ("sysadmin", "只有委员联络室和组织活动的专委会工作室可以审批请假。"),
        ("no_committee_office", "您的账号没有设置所属专委会，不能审批请假。"),
    ]:
        client.force_login(people[name])
        for response in (
            client.get(QUEUE),
            client.post(reverse("performance_leave_decide", args=[edu_meeting.pk]), {"decision": "approve"}),
        ):
            assert response.status_code == 403, name
            assert reason in page_text(response)
    client.force_login(people["teacher"])
    assert client.get(QUEUE).status_code == 302, "a member has no admin: to the admin's login"
    edu_meeting.refresh_from_db()
    assert edu_meeting.decision == "pending"


def test_a_frozen_year_refuses_leave_with_the_exact_message(client, people, reference):
    meeting = activity(reference, days=0.05)
    today = timezone.localdate()
    PerformanceYear.objects.update_or_create(year=meeting.year, defaults={"freeze_on": today})
    client.force_login(people["teacher"])
    response = ask(client, meeting, "出差")
    assert reason_error(response) == [f"{meeting.year} 年度履职档案已于 {today:%Y-%m-%d} 冻结，不能修改"]
    assert "出差</textarea>" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_what_a_member_typed_is_escaped_on_both_sides(client, people, reference):
    activity(reference)
    typed = '<img src=x onerror="alert(1)">家中有事'
    client.force_login(people["teacher"])
    ask(client, DutyActivity.objects.get(), typed)
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;家中有事"
    for user, url in ((people["teacher"], RECORD), (people["liaison"], QUEUE)):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert escaped in html and typed not in html, url
