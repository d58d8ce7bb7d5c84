"""请假 and the explained score in chromium: a member asks leave for a 履职活动 on /my/record/, the
委员联络室 approves it in the admin's 请假审批, the attendance of the other invitees is recorded
through the 签到表 upload (preview, 确认导入), the ledger follows on commit and the scores are
computed, and the member's page shows 请假 and the explained score. Screenshots in tests/artifacts/performance-record-{desktop,phone}.png."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from people import roles
from performance import rules
from performance.models import DutyActivity, LeaveRequest, Participation, Role, ScoringRule, Status
from performance.scoring import compute_scores

from .conftest import as_xlsx
from .factories import MemberFactory
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"


def scheme_for(year, office):
    scheme = rules.draft_scheme(year, office)
    scheme.important_weight, scheme.absence_penalty = Decimal("2"), Decimal("2")
    scheme.save()
    for order, (category, status, points) in enumerate(
        [("plenary", Status.PRESENT, "3"), ("consultation", Status.PRESENT, "2"), ("consultation", Status.LEAVE, "0")]
    ):
        ScoringRule.objects.create(
            scheme=scheme, category=category, status=status, points=Decimal(points), sort_order=order
        )
    return rules.publish_scheme(scheme.pk, office)


def test_a_member_asks_leave_the_office_approves_and_the_record_explains_the_score(
    browser, live_server, make_user, members, reference, roles_synced, tmp_path
):
    member = _with_password(make_user(roles.MEMBER, member=members["teacher"]))
    office = _with_password(make_user(roles.LIAISON_OFFICE))
    colleague = MemberFactory(name="孙悦", sector=reference["education"])
    now = timezone.now()
    year = timezone.localtime(now).year
    plenary = DutyActivity.objects.create(
        name="区政协全体会议", kind="plenary", start=now - datetime.timedelta(days=20), important=True
    )
    plenary.invite_sectors.set([reference["education"]])
    meeting = DutyActivity.objects.create(
        name="“双减”课后服务专题协商会", kind="consultation", start=now + datetime.timedelta(days=2)
    )
    meeting.invite_sectors.set([reference["education"]])
    scheme_for(year, office)
    rules.record_participation(
        plenary, office, [(members["teacher"], Status.PRESENT, Role.ATTEND, ""), (colleague, Status.PRESENT, "", "")]
    )

    # 王丽 asks leave on her page, before the meeting.
    context, page = login_in(browser, live_server, member, PASSWORD, "/my/record/")
    item = page.locator(f"[data-leave-target='activity:{meeting.pk}']")
    item.get_by_label("请假理由").fill("当天在市里参加教研评审，无法到会")
    page.screenshot(path=ARTIFACTS / "performance-leave-ask.png", full_page=True)
    item.get_by_role("button", name="申请请假").click()
    assert "请假申请已提交，等待委员联络室审批。" in page.inner_text("main")
    assert "待审批" in page.locator(f"[data-leave-target='activity:{meeting.pk}']").inner_text()

    # 委员联络室 approves it in the admin's queue.
    leave = LeaveRequest.objects.get(member=members["teacher"], activity=meeting)
    admin_context, admin = login_in(browser, live_server, office, PASSWORD, "/admin/performance/leave/")
    row = admin.locator(f"tr[data-leave='{leave.pk}']")
    assert "当天在市里参加教研评审，无法到会" in row.inner_text()
    admin.screenshot(path=ARTIFACTS / "performance-leave-queue-pending.png", full_page=True)
    row.get_by_role("button", name="批准", exact=True).click()
    assert "已批准王丽的请假申请。" in admin.inner_text("main")
    admin.goto(f"{live_server.url}/admin/performance/leave/?state=approved")
    assert "王丽" in admin.locator(f"tr[data-leave='{leave.pk}']").inner_text()
    admin.screenshot(path=ARTIFACTS / "performance-leave-queue.png", full_page=True)
    admin_context.close()

    # The meeting takes place; 委员联络室 imports its 签到表: 孙悦 spoke, 王丽 is on approved leave.
    DutyActivity.objects.filter(pk=meeting.pk).update(start=timezone.now() - datetime.timedelta(minutes=5))
    sheet = tmp_path / "签到表.xlsx"
    sheet.write_bytes(
        as_xlsx(
            [
                ["序号", "委员证号", "姓名", "出勤情况", "发挥的作用", "备注"],
                [1, colleague.code, "孙悦", "出席", "发言", ""],
                [2, members["teacher"].code, "王丽", "请假", "", "已批准"],
            ]
        )
    )
    admin_context, admin = login_in(
        browser, live_server, office, PASSWORD, reverse("performance_sign_in_upload", args=[meeting.pk])
    )
    admin.get_by_label("签到表").set_input_files(str(sheet))
    admin.get_by_role("button", name="上传并预览").click()
    admin.get_by_role("button", name="确认导入").click()
    admin.wait_for_selector('[data-status="imported"]')
    assert "签到表已导入：新增 2 人" in admin.inner_text("body")
    admin_context.close()
    assert Participation.objects.get(activity=meeting, member=colleague).via_import
    compute_scores(year)  # the ledger followed the import on commit; 重新同步并计分 scores it

    # Her page: 请假 on the meeting, the plenary's 6 points explained, and her figures.
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
        page.goto(f"{live_server.url}/my/record/?year={year}")
        text = page.inner_text("main")
        meeting_row = page.locator("tr", has_text="“双减”课后服务专题协商会").inner_text()
        assert "请假" in meeting_row and "专题协商 · 请假 → 0 分" in meeting_row
        plenary_row = page.locator("tr", has_text="区政协全体会议").inner_text()
        assert "+6 分" in plenary_row and "全体会议 · 出席 → 3 分" in plenary_row
        assert "3 × 重要履职活动权重 2 = 6 分" in plenary_row and f"{year}年度记分办法（第1版）" in plenary_row
        assert page.locator("[data-figure=total]").inner_text() == "6"
        assert page.locator("[data-figure=leave]").inner_text() == "1"
        assert page.locator("[data-figure=rate]").inner_text() == "100.0%"
        assert "已批准" in text
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        page.screenshot(path=ARTIFACTS / f"performance-record-{name}.png", full_page=True)
    context.close()
