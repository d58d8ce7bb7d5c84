"""Issue 18 in Debian's chromium: a 委员 opens /admin/ (the only address printed), logs in and lands
on 我的工作台 with their name, their returned 工作室建立申请 and the 消息 about it, opens it, then
退出; the 秘书长 follows 待签署 1 on the dashboard to the application; a reader on a phone reads the
年度活动安排 by month, filters it by body and subscribes to its feed; the 通知公告 and the 委员基层日
notice with its blank 备案表. Screenshots in tests/artifacts/notices-*.png."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from forms_app.founding import rules as founding
from forms_app.founding.models import Stage
from lianxin_site.cache import public_cache
from notices.demo import FILING_NOTICE_TITLE, seed_notices
from notices.models import Kind, Notification
from people import roles
from schedule.demo import seed_calendar_page
from schedule.models import BodyKind, EntryBody, EntryKind, ScheduleEntry

from .content_helpers import site_sections
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401
from .test_workstation_application import application_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"
PHONE = {"width": 390, "height": 844}
RETURN_REASON = "请补充参与委员名单。"
APPLICATION = "东四教育委员工作室"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Public pages are cached for visitors: each test reads its own rows."""
    public_cache.clear()
    yield
    public_cache.clear()


def no_sideways(page):
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"], page.url


@pytest.fixture
def offices(roles_synced, make_user, reference):
    return {
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "secretary": _with_password(make_user(roles.SECRETARY_GENERAL)),
    }


def submitted_application(applicant, member, reference, name=APPLICATION):
    """The member's application as the wizard submits it (founding.submit_application)."""
    data = application_data(member, reference["edu_committee"], name=name)
    return founding.submit_application(applicant, data, [])


# --- a 委员: /admin/ → /my/ → the 消息 → 退出


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (390, "phone")])
def test_a_member_logs_in_at_admin_lands_on_my_desk_reads_the_returned_application_and_logs_out(
    browser, live_server, make_user, members, reference, offices, width, name
):
    site_sections()
    teacher = _with_password(make_user(roles.MEMBER, member=members["teacher"]))
    application = submitted_application(teacher, members["teacher"], reference)
    founding.sign(application.pk, offices["edu_office"], Stage.COMMITTEE_OFFICE, "approve", "同意。")
    founding.sign(application.pk, offices["liaison"], Stage.LIAISON_OFFICE, "return", RETURN_REASON)
    # The real event path (notices/events.py) told the applicant, once the return committed.
    notice = Notification.objects.get(recipient=teacher)
    assert notice.kind == Kind.APPLICATION and notice.read_at is None
    title = f"您的工作室建立申请“{APPLICATION}”被退回修改"
    assert notice.title == title

    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url("**/admin/login/**")
    page.fill("#id_username", teacher.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/my/")
    assert "您没有权限" not in page.inner_text("body")
    main = page.inner_text("main")
    assert "管理后台供机关各室和编辑使用" in main, "told why it is not the admin"
    header = page.locator(".account-bar").inner_text()
    assert "已登录：王丽" in header and "我的工作台" in header and "退出" in header
    assert "王丽" in page.locator(".my-account").inner_text()
    tasks = page.locator("#tasks").inner_text()
    assert f"工作室申请“{APPLICATION}”已退回，请修改后重新提交" in tasks
    assert title in page.locator("#notices").inner_text()
    assert "未读消息（1）" in page.locator("#notices").inner_text()
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / f"notices-my-desk-{name}.png", full_page=True)

    page.locator("#notices").get_by_role("link", name=title).click()
    page.wait_for_url(f"**/forms/workstation-application/{application.pk}/**")
    assert APPLICATION in page.inner_text("main")
    assert RETURN_REASON in page.inner_text("main"), "the reason it came back"
    notice.refresh_from_db()
    assert notice.read_at is not None
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / f"notices-returned-application-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/my/")
    assert "没有未读消息" in page.locator("#notices").inner_text()
    page.locator(".account-bar").get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    assert "已登录" not in page.locator(".account-bar").inner_text()
    assert page.locator(".account-bar").get_by_role("link", name="登录").is_visible()
    page.goto(f"{live_server.url}/my/")
    assert "/login/" in page.url, "logged out: 我的工作台 asks to log in again"
    page.screenshot(path=ARTIFACTS / f"notices-logged-out-{name}.png", full_page=True)
    context.close()


# --- the 秘书长: 待签署 1 → the application


def test_the_secretary_general_follows_to_sign_1_from_the_dashboard_to_the_application(
    browser, live_server, make_user, members, reference, offices
):
    site_sections()
    teacher = make_user(roles.MEMBER, member=members["teacher"])
    application = submitted_application(teacher, members["teacher"], reference)
    founding.sign(application.pk, offices["edu_office"], Stage.COMMITTEE_OFFICE, "approve", "同意。")
    founding.sign(application.pk, offices["liaison"], Stage.LIAISON_OFFICE, "approve", "同意。")
    # A second application still at the committee office: not the 秘书长's to sign.
    other = submitted_application(
        make_user(roles.MEMBER, member=members["doctor"]), members["doctor"], reference, name="景山医卫委员工作室"
    )
    assert other.stage == Stage.COMMITTEE_OFFICE

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", offices["secretary"].username)
    page.fill("#id_password", PASSWORD)
    page.locator(".login-panel").get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")
    panel = page.get_by_role("region", name="待我处理")
    row = panel.locator("tr", has_text="工作室申请待签署")
    assert row.locator("td").nth(1).inner_text().strip() == "1"
    assert "最长已等待" in row.inner_text()
    assert page.locator(".w-summary").count() == 0, 'no "N 张图片" for an office that edits no pages'
    page.screenshot(path=ARTIFACTS / "notices-dashboard-secretary.png", full_page=True)

    row.get_by_role("link", name="工作室申请待签署 1 件").click()
    page.wait_for_url("**to_sign=1**")
    listing = page.locator("table.listing tbody tr")
    assert listing.count() == 1
    assert APPLICATION in listing.inner_text()
    page.screenshot(path=ARTIFACTS / "notices-to-sign-list.png", full_page=True)

    listing.get_by_role("link", name=APPLICATION).first.click()
    page.wait_for_url(f"**/inspect/{application.pk}/")
    main = page.inner_text("main")
    assert APPLICATION in main and "秘书长意见" in main
    page.screenshot(path=ARTIFACTS / "notices-to-sign-application.png", full_page=True)
    context.close()


# --- the public 年度活动安排 on a phone


def plan_entry(content, first, last, bodies, **fields):
    row = ScheduleEntry.objects.create(year=first.year, first_month=first, last_month=last, content=content, **fields)
    for kind, target in bodies:
        field = {"committee": "committee", "sector": "sector", "party": "party", "street": "street_group"}.get(kind)
        EntryBody.objects.create(entry=row, kind=kind, **({field: target} if field else {}))
    return row


def test_a_reader_on_a_phone_reads_the_years_plan_by_month_filters_it_and_subscribes(browser, live_server, reference):
    year = timezone.localdate().year
    site_sections()
    seed_calendar_page()
    r = reference
    month = lambda n: datetime.date(year, n, 1)  # noqa: E731
    plan_entry("“走访企业家委员”活动", month(2), month(3), [(BodyKind.LEADERS, None)], kind=EntryKind.OUTREACH)
    plan_entry(
        "教育界走进东华门社区",
        month(3),
        month(4),
        [(BodyKind.SECTOR, r["education"])],
        kind=EntryKind.OUTREACH,
        place="东华门社区",
    )
    plan_entry("医药卫生界义诊", month(5), month(5), [(BodyKind.SECTOR, r["health"])], kind=EntryKind.ACTIVITY_DAY)
    plan_entry("委员“走访群众”活动", month(4), month(5), [(BodyKind.ALL_MEMBERS, None)])
    plan_entry(
        "邀请界别群众代表列席区政协全体会议",
        month(12),
        datetime.date(year + 1, 1, 1),
        [(BodyKind.OFFICE, None)],
        kind=EntryKind.ATTENDANCE,
    )

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="年度活动安排").click()
    page.wait_for_url("**/calendar/")
    assert f"{year} 年共 5 项活动安排" in page.inner_text("main")
    march = page.locator(f"#month-{year}-03")
    assert "3月" in march.locator("h2").inner_text()
    assert march.locator(".calendar-entry h3").all_inner_texts() == ["“走访企业家委员”活动", "教育界走进东华门社区"]
    assert "本月暂无安排" in page.locator(f"#month-{year}-06").inner_text()
    assert f"{year + 1}年1月" in page.inner_text("main"), "a plan may run into the next year"
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / "notices-calendar-phone.png", full_page=True)

    page.locator("summary", has_text="按活动主体筛选").click()
    page.locator(".calendar-bodies").get_by_role("link", name="教育界", exact=True).click()
    page.wait_for_url("**kind=sector**")
    shown = page.locator(".calendar-entry h3").all_inner_texts()
    assert "教育界走进东华门社区" in shown
    assert "委员“走访群众”活动" in shown, "a sector's plan includes what all members do"
    assert "医药卫生界义诊" not in shown and "“走访企业家委员”活动" not in shown
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / "notices-calendar-filtered-phone.png", full_page=True)

    feed = page.get_by_role("link", name="订阅教育界日历（iCal）").first
    response = page.request.get(live_server.url + feed.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert any("教育界走进东华门社区" in s for s in summaries)
    assert not any("医药卫生界义诊" in s for s in summaries)
    context.close()


# --- 通知公告 and the 委员基层日 notice on a phone


def test_a_reader_on_a_phone_opens_the_notices_and_downloads_the_blank_filing_form(browser, live_server, reference):
    site_sections()
    seed_notices()

    context = browser.new_context(viewport=PHONE, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="通知公告").click()
    page.wait_for_url("**/notices/")
    main = page.inner_text("main")
    assert FILING_NOTICE_TITLE in main and "《政协信息》第1期" in main and "民盟" in main
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / "notices-index-phone.png", full_page=True)

    page.get_by_role("link", name=FILING_NOTICE_TITLE).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == FILING_NOTICE_TITLE
    attachments = page.locator(".attachments li")
    assert attachments.count() == 2
    texts = attachments.all_inner_texts()
    assert any("PDF" in t for t in texts) and any("Excel" in t or "XLSX" in t.upper() for t in texts)
    no_sideways(page)
    page.screenshot(path=ARTIFACTS / "notices-filing-notice-phone.png", full_page=True)

    with page.expect_download() as download:
        attachments.first.get_by_role("link").click()
    assert download.value.suggested_filename.endswith(".pdf")
    context.close()
