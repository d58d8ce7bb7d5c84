"""Citizens reach members, in chromium at 390×844: a citizen writes to a workstation's 信箱 and
keeps the number; 区政协办公室 assigns it in the admin, the member replies at /forms/cases/, the
office approves; the citizen reads the reply by number and code. Another citizen books, then
cancels, a 接待日 slot. Screenshots in tests/artifacts/intake-*.png."""

import datetime

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone

from intake.models import Booking, Case, ReceptionDay
from people import roles
from tests.content_helpers import site_sections, station

from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"
PHONE = {"width": 390, "height": 844}


def solve_captcha(page):
    """Type the real CAPTCHA's answer, read from its own table for the key the page carries."""
    key = page.locator("input[name=captcha_0]").get_attribute("value")
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)


def no_sideways(page):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]


def test_a_letter_goes_from_a_citizen_to_a_member_and_its_answer_back(
    browser, live_server, make_user, members, reference, roles_synced
):
    _stories, index = site_sections()
    edu = station(index, members["teacher"], "教育界委员工作室", committee=reference["edu_committee"])
    office = _with_password(make_user(roles.DISTRICT_OFFICE))
    teacher = _with_password(make_user(roles.MEMBER, member=members["teacher"]))

    # The citizen, on a phone, from the station's page.
    citizen = browser.new_context(viewport=PHONE)
    page = citizen.new_page()
    page.goto(f"{live_server.url}{edu.url}")
    page.get_by_role("link", name="给工作室写信").click()
    page.wait_for_url("**/mailbox/?station=*")
    assert "教育界委员工作室" in page.text_content("main")
    page.get_by_label("姓名").fill("欧阳娜娜")
    page.get_by_label("联系电话").fill("13987654321")
    page.get_by_label("社区/单位").fill("东华门社区")
    page.get_by_label("标题").fill("学校门口早高峰拥堵")
    page.get_by_label("内容").fill("每天早上七点半学校门口车辆拥堵，孩子过马路不安全，希望增设护学岗。")
    page.get_by_label("类别").select_option(label="社会民生")
    # First without the consent box: refused at the box, everything typed kept.
    solve_captcha(page)
    page.get_by_role("button", name="提交").click()
    assert "请阅读并勾选同意《个人信息处理说明》" in page.text_content("main")
    assert page.get_by_label("标题").input_value() == "学校门口早高峰拥堵"
    assert not Case.objects.exists()
    page.screenshot(path=ARTIFACTS / "intake-mailbox-refused.png", full_page=True)
    page.get_by_label("我已阅读并同意《个人信息处理说明》").check()
    solve_captcha(page)
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/mailbox/receipt/")
    number = page.text_content("#case-number").strip()
    code = page.text_content("#case-code").strip()
    assert Case.objects.get(number=number).station_id == edu.pk
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / "intake-mailbox-receipt.png", full_page=True)

    # 区政协办公室 assigns it to the station's lead member.
    context, admin = login_in(browser, live_server, office, PASSWORD, "/admin/", width=390)
    case = Case.objects.get(number=number)
    admin.goto(f"{live_server.url}/admin/intake/case/inspect/{case.pk}/")
    assert "欧阳娜娜" in admin.text_content("main")
    admin.get_by_label("委员", exact=True).select_option(value=str(members["teacher"].pk))
    admin.get_by_role("button", name="分办").click()
    admin.wait_for_load_state()
    assert "王丽" in admin.text_content("main")
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED

    # The member accepts and replies on a phone.
    member_context, member = login_in(browser, live_server, teacher, PASSWORD, "/forms/cases/", width=390)
    member.get_by_role("link", name="学校门口早高峰拥堵").click()
    member.get_by_role("button", name="接收").click()
    member.wait_for_selector("#reply-title")
    member.locator("textarea[name=reply]").fill("已与交通支队联系，下周起每天早上七点在校门口设护学岗。")
    member.get_by_role("button", name="提交审核").click()
    member.wait_for_load_state()
    assert "等待区政协办公室审核" in member.text_content("main")
    no_sideways(member)
    member.screenshot(path=ARTIFACTS / "intake-member-reply.png", full_page=True)

    # The office approves.
    admin.goto(f"{live_server.url}/admin/intake/case/inspect/{case.pk}/")
    admin.get_by_role("button", name="审核通过").click()
    admin.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == Case.Status.REPLIED
    admin.screenshot(path=ARTIFACTS / "intake-office-approved.png", full_page=True)

    # The citizen reads the answer by number and code.
    page.goto(f"{live_server.url}/mailbox/status/")
    page.get_by_label("受理编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#reply")
    assert "设护学岗" in page.text_content("#reply")
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / "intake-status-reply.png", full_page=True)
    for ctx in (citizen, context, member_context):
        ctx.close()


def test_a_citizen_books_a_reception_slot_then_cancels_it(browser, live_server, members, reference, roles_synced):
    _stories, index = site_sections()
    edu = station(index, members["teacher"], "教育界委员工作室", committee=reference["edu_committee"])
    day = ReceptionDay.objects.create(
        station=edu,
        date=timezone.localdate() + datetime.timedelta(days=3),
        start=datetime.time(9, 0),
        end=datetime.time(10, 0),
        place="东华门社区服务中心二层",
        slot_minutes=30,
        places=1,
    )
    day.on_duty.add(members["teacher"])

    citizen = browser.new_context(viewport=PHONE)
    page = citizen.new_page()
    page.goto(f"{live_server.url}{edu.url}")
    page.get_by_role("link", name="预约").first.click()
    page.wait_for_url(f"**/reception/{day.pk}/")
    page.locator("input[name=slot]").first.check()
    page.get_by_label("姓名").fill("司马光明")
    page.get_by_label("电话").fill("13811112222")
    page.get_by_label("反映事项").fill("老旧小区加装电梯的补贴怎么申请。")
    page.get_by_label("我已阅读并同意《个人信息处理说明》").check()
    solve_captcha(page)
    page.get_by_role("button", name="提交预约").click()
    page.wait_for_selector("[data-number]")
    booking = Booking.objects.get()
    assert page.text_content("[data-number]").strip() == booking.number
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / "intake-booking-receipt.png", full_page=True)

    page.locator("[data-cancel-link]").click()
    page.get_by_role("button", name="确认取消预约").click()
    page.wait_for_selector("[data-done]")
    assert "已取消" in page.text_content("main")
    booking.refresh_from_db()
    assert booking.cancelled_at is not None
    page.screenshot(path=ARTIFACTS / "intake-booking-cancelled.png", full_page=True)
    citizen.close()
