"""A reader's path through the public site in a real browser (Debian's chromium), at phone
and desktop widths. Screenshots land in tests/artifacts/."""

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "bin/setup installs Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("width, height, name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_reader_follows_a_story_and_a_workstation_filters_and_searches(
    browser, live_server, site, reference, width, height, name
):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(live_server.url + "/")

    # Keyboard users land on the skip link first.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    page.screenshot(path=ARTIFACTS / f"home-{name}.png", full_page=True)

    page.get_by_role("link", name="赵敏：推动垃圾分类进社区").first.click()
    assert page.locator("h1").inner_text() == "赵敏：推动垃圾分类进社区"
    assert "经济界" in page.locator(".member-card").inner_text()
    page.screenshot(path=ARTIFACTS / f"story-{name}.png", full_page=True)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="委员风采").click()
    page.get_by_label("界别").select_option(label="教育界")
    page.get_by_role("button", name="筛选").click()
    assert "sector=" in page.url
    assert page.locator(".card h2").all_inner_texts() == ["王丽：守护孩子们的课后时光"]
    page.screenshot(path=ARTIFACTS / f"stories-filtered-{name}.png", full_page=True)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="委员工作室").click()
    page.get_by_role("link", name="东四街道委员工作室").click()
    assert page.locator(".months li.active").count() == 2
    assert "每月第一个周三" in page.inner_text("main")
    page.screenshot(path=ARTIFACTS / f"workstation-{name}.png", full_page=True)

    page.get_by_label("搜索").fill("养老")
    page.get_by_label("搜索").press("Enter")
    assert "“养老”共找到 2 条结果" in page.inner_text("main")
    page.screenshot(path=ARTIFACTS / f"search-{name}.png", full_page=True)


def test_leader_fills_the_five_ones_wizard_and_downloads_the_pdf(
    browser, live_server, make_user, members, reference, tmp_path
):
    import subprocess

    from people import roles

    from .content_helpers import site_sections
    from .factories import MemberFactory

    site_sections()
    MemberFactory(name="孙悦", sector=reference["education"])  # a second member to choose
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"], member=members["teacher"])
    leader.set_password("pw-lianxin-123")
    leader.save()

    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(live_server.url + "/admin/login/?next=/forms/five-ones/")
    page.fill("#id_username", leader.username)
    page.fill("#id_password", "pw-lianxin-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/forms/five-ones/")

    next_button = page.get_by_role("button", name="下一步")
    page.get_by_label("界别组长姓名").fill("王丽")
    next_button.click()
    page.get_by_label("活动主题").fill("助力课后服务提质")
    page.get_by_label("为什么适合本界别").fill("教育界委员熟悉学校和家长的需求，最适合推动课后服务。")
    next_button.click()
    page.get_by_label("活动日期").fill(f"{__import__('datetime').date.today().year}-03-05")
    page.get_by_label("活动地点").fill("区实验小学")
    page.get_by_label("活动形式").select_option(label="送教育进基层")
    page.get_by_label("孙悦（区第一中学 教师）").check()
    page.get_by_label("活动安排").fill("走进学校座谈，了解课后服务开展情况。")
    next_button.click()
    page.get_by_label("成果类别").select_option(label="提案")
    page.get_by_label("标题").fill("关于提升课后服务质量的提案")
    page.get_by_label("内容摘要").fill("建议引入科技馆、博物馆等社会资源进校园。")
    # A new result is registered in the 履职成果 registry: it needs its date and 平时/大会.
    page.get_by_label("提交日期").fill(f"{__import__('datetime').date.today().year}-03-02")
    page.get_by_label("平时提案").check()
    next_button.click()
    page.get_by_label("推荐的委员").select_option(label="孙悦（区第一中学 教师）")
    page.get_by_label("推荐理由").fill("孙悦委员扎根基层教学二十年，带头开展课后服务，深受家长信任。")

    # Back, then forward: nothing typed is lost.
    page.get_by_role("button", name="上一步").click()
    assert page.get_by_label("标题").input_value() == "关于提升课后服务质量的提案"
    next_button.click()
    assert "扎根基层教学二十年" in page.get_by_label("推荐理由").input_value()
    next_button.click()

    page.locator("#id_reflections-0-member").select_option(label="王丽（区第一中学 教师）")
    page.locator("#id_reflections-0-text").fill("把群众的事当成自己的事。")
    next_button.click()
    assert "助力课后服务提质" in page.inner_text("main")
    page.screenshot(path=ARTIFACTS / "five-ones-review.png", full_page=True)
    page.get_by_label("我已核对以上内容，确认提交").check()
    page.get_by_role("button", name="提交备案表").click()
    assert "备案表已提交" in page.inner_text("main")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = tmp_path / "filing.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "助力课后服务提质" in text and "孙悦" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf), str(ARTIFACTS / "five-ones-browser-page1")],
        check=True,
    )


def login_in(browser, live_server, user, password, next_path, width=1280, javascript=True):
    """A fresh browser at `width`, logged in as `user`, on `next_path`."""
    height = 900 if width > 600 else 844
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}")
    return context, page


def test_member_applies_for_a_workstation_resumes_after_closing_the_browser_and_gets_the_pdf(
    browser, live_server, make_user, members, reference, tmp_path
):
    import subprocess

    from forms_app.models import WorkstationApplication
    from people import roles

    teacher = members["teacher"]
    teacher.employer_title, teacher.specialties = "区实验小学 副校长", "基础教育、课后服务"
    teacher.save()
    applicant = make_user(roles.MEMBER, member=teacher)
    applicant.set_password("pw-lianxin-123")
    applicant.save()
    url = "/forms/workstation-application/"

    context, page = login_in(browser, live_server, applicant, "pw-lianxin-123", url)
    next_button = page.get_by_role("button", name="下一步")
    page.get_by_label("多名委员联名").check()
    page.get_by_label("工作室名称").fill("东四教育委员工作室")
    page.get_by_label("线上线下结合").check()
    page.get_by_label("地址").fill("东四街道党群活动中心二层")
    page.get_by_label("界别", exact=True).check()
    page.get_by_label("依托界别").select_option(label="教育界")
    page.get_by_label("对口委室").select_option(label="教科文卫体委员会")
    next_button.click()

    # The lead is the applicant, prefilled from the roster.
    assert page.get_by_label("单位及职务").input_value() == "区实验小学 副校长"
    assert page.get_by_label("专长领域").input_value() == "基础教育、课后服务"
    page.get_by_label("联系方式").fill("13912345678")
    next_button.click()
    assert "参与委员" in page.inner_text("h2")
    context.close()  # the browser is closed mid-way

    context, page = login_in(browser, live_server, applicant, "pw-lianxin-123", url)
    assert "参与委员" in page.inner_text("h2"), "the draft resumes at the step left"
    page.locator("#id_members-0-member").select_option(label="李强（医药卫生界，区第一中学 教师）")
    assert page.locator("#id_members-0-employer_title").input_value() == "区第一中学 教师", "filled from the roster"
    page.locator("#id_members-0-contact").fill("13800001111")
    for row in range(4):
        assert page.locator(f"#id_members-{row}-member").count() == 1
    page.get_by_role("button", name="再加一行").click()
    page.locator("#id_members-4-member").select_option(label="赵敏（经济界，区第一中学 教师）")
    page.locator("#id_members-4-contact").fill("010-64012345")
    page.get_by_role("button", name="下一步").click()

    page.get_by_label("场地（载体）情况").fill("依托东四街道党群活动中心，面积约 60 平方米，每周三下午开放。")
    for value, rule in (
        ("reporting", "信息报告"),
        ("quarterly", "季度例会"),
        ("duty_log", "履职日志"),
        ("opinions", "收集社情民意"),
        ("reception", "接待办理与反馈"),
    ):
        page.get_by_label(f"已建立{rule}制度").check()
        page.locator(f"#id_venue-rule_{value}").fill(f"{rule}：专人负责，按季度记录。")
    page.get_by_role("button", name="下一步").click()
    assert "还缺：廉洁自律" in page.inner_text("main"), "the missing rule is named"
    page.locator("#id_venue-rule_integrity").fill("廉洁自律：不收取任何费用。")
    page.get_by_role("button", name="下一步").click()

    main = page.inner_text("main")
    assert "李强" in main and "赵敏" in main and "✓ 完备的工作制度" in main
    page.get_by_label("申请人签名（请输入你的姓名）").fill("王丽")
    page.get_by_label("我已核对以上内容，确认提交申请").check()
    page.screenshot(path=ARTIFACTS / "workstation-application-review.png", full_page=True)
    page.get_by_role("button", name="签名并提交申请").click()
    assert "申请已提交，先送专委会工作四室（教科文卫体委员会）审查" in page.inner_text("main")
    application = WorkstationApplication.objects.get()
    assert list(application.participants.values_list("member__name", flat=True)) == ["李强", "赵敏"]

    with page.expect_download() as download:
        page.get_by_role("link", name="下载申请表 PDF").click()
    pdf = tmp_path / "application.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "").replace("\n", "")
    for expected in ("委员工作室建立申请表", "东四教育委员工作室", "教科文卫体委员会", "李强", "赵敏", "13800001111"):
        assert expected in flat, expected
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "workstation-application-browser-page1"),
        ],
        check=True,
    )
    context.close()


def edu_activity_day(members, reference):
    """Yesterday's activity day, reported by 教科文卫体委员会, whose one station posted a reading."""
    import datetime

    from django.utils import timezone

    from forms_app.models import ActivityDay, ReportingUnit, TableVariant

    from .content_helpers import post, site_sections, station

    _stories, stations = site_sections()
    day_date = timezone.localdate() - datetime.timedelta(days=1)
    ws = station(stations, members["teacher"], title="东四教育委员工作室", committee=reference["edu_committee"])
    post(ws, "读书分享会", day_date, category="reading")
    unit = ReportingUnit.objects.create(
        name="教科文卫体委员会", variant=TableVariant.COMMITTEE, committee=reference["edu_committee"]
    )
    day = ActivityDay.objects.create(
        name="委员活动日", theme="委员在行动", date=day_date, deadline=timezone.localdate() + datetime.timedelta(days=5)
    )
    day.units.set([unit])
    return day, unit


def test_unit_reports_its_activity_day_table_with_the_proposed_numbers(
    browser, live_server, make_user, members, reference
):

    from forms_app.models import ActivityReport
    from people import roles

    day, unit = edu_activity_day(members, reference)
    office = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    office.set_password("pw-lianxin-123")
    office.save()

    context, page = login_in(browser, live_server, office, "pw-lianxin-123", "/forms/activity-day-stats/")
    page.get_by_role("link", name="填报", exact=True).click()
    assert page.get_by_label("开展委员读书、宣传宣讲活动的委员工作室数（家）").input_value() == "1", "proposed"
    assert "东四教育委员工作室《读书分享会》" in page.inner_text("main"), "with its source"
    page.get_by_label("入驻委员工作室的委员数（人）").fill("1")
    page.get_by_label("参加委员工作室集体活动的委员数（人）").fill("5")
    page.get_by_label("自行开展履职活动的委员数（人）").fill("0")
    page.get_by_label("收集群众意见建议数（条）").fill("8")
    page.get_by_label("为民办实事数（件）").fill("2")
    page.get_by_label("工作小结").fill("组织委员读书分享，收集意见 8 条。")
    page.get_by_role("button", name="报送统计表").click()
    main = page.inner_text("main")
    assert "参加集体活动的委员数（5）不能多于入驻委员工作室的委员数（1）" in main
    assert "平台数据为 1，你填的是 1" not in main
    assert page.get_by_label("收集群众意见建议数（条）").input_value() == "8", "nothing typed is lost"
    page.get_by_label("参加委员工作室集体活动的委员数（人）").fill("1")
    page.screenshot(path=ARTIFACTS / "activity-day-form.png", full_page=True)
    page.get_by_role("button", name="报送统计表").click()
    assert "统计表已报送" in page.inner_text("main")
    report = ActivityReport.objects.get()
    assert (report.kind_reading, report.opinions, report.collective_members) == (1, 8, 1)
    context.close()


def _with_password(user):
    user.set_password("pw-lianxin-123")
    user.save()
    return user


def test_a_reason_box_shows_only_beside_a_number_that_differs_from_the_platforms(
    browser, live_server, make_user, members, reference
):

    from django.urls import reverse

    from forms_app.models import ActivityReport
    from people import roles

    day, unit = edu_activity_day(members, reference)
    office = _with_password(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]))
    url = reverse("activity_day_report", args=[day.pk, unit.pk])

    context, page = login_in(browser, live_server, office, "pw-lianxin-123", url)
    research = page.locator("[data-reason-for=id_kind_research]")
    assert page.locator(".reason").count() == 12
    assert page.locator(".reason:visible").count() == 0, "every number is the platform's: no reason asked"
    page.locator("#id_kind_research").fill("1")
    assert research.is_visible() and page.locator(".reason:visible").count() == 1
    page.locator("#id_kind_research").fill("0")
    assert not research.is_visible(), "back to the platform's number: the box goes away"

    page.locator("#id_kind_research").fill("1")
    for field, value in (("collective_members", "1"), ("own_members", "0"), ("opinions", "8"), ("deeds", "2")):
        page.locator(f"#id_{field}").fill(value)
    page.get_by_label("工作小结").fill("委员读书分享和调研各一次。")
    page.get_by_role("button", name="报送统计表").click()
    assert "平台数据为 0，你填的是 1：请说明原因。" in research.inner_text(), "the server still asks"
    assert research.is_visible() and page.locator(".reason:visible").count() == 1
    assert page.locator("#id_kind_research").input_value() == "1", "nothing typed is lost"
    page.screenshot(path=ARTIFACTS / "activity-day-reason-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    research.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "activity-day-reason-phone.png")
    research.locator("input").fill("一家工作室的调研动态还没上传")
    page.get_by_role("button", name="报送统计表").click()
    assert "统计表已报送" in page.inner_text("main")
    assert ActivityReport.objects.get().sources["kind_research"]["reason"] == "一家工作室的调研动态还没上传"
    assert research.is_visible(), "a reason typed stays in view"
    context.close()

    context, page = login_in(browser, live_server, office, "pw-lianxin-123", url, javascript=False)
    assert page.locator(".reason:visible").count() == 12, "without the script every box shows"
    context.close()


def test_the_basis_field_shows_once_its_basis_is_chosen(browser, live_server, make_user, members, reference):
    from people import roles

    applicant = _with_password(make_user(roles.MEMBER, member=members["teacher"]))
    context, page = login_in(
        browser, live_server, applicant, "pw-lianxin-123", "/forms/workstation-application/", width=390
    )
    sector, street = page.get_by_label("依托界别"), page.get_by_label("依托街道活动小组")
    assert not sector.is_visible() and not street.is_visible(), "no 依托 chosen yet"
    page.get_by_label("街道活动小组", exact=True).check()
    assert street.is_visible() and not sector.is_visible()
    page.get_by_label("专委会", exact=True).check()
    assert not street.is_visible() and not sector.is_visible()
    page.get_by_label("界别", exact=True).check()
    assert sector.is_visible() and not street.is_visible()

    page.get_by_label("工作室名称").fill("东四教育委员工作室")
    page.get_by_label("线下", exact=True).check()
    page.get_by_label("地址").fill("东四街道党群活动中心二层")
    page.get_by_label("对口委室").select_option(label="教科文卫体委员会")
    page.get_by_role("button", name="下一步").click()
    assert "依托界别时，请选择界别。" in page.inner_text("main")
    assert sector.is_visible() and not street.is_visible(), "the chosen 依托 and its error stay in view"
    sector.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "workstation-application-basis-phone.png")
    sector.select_option(label="教育界")
    page.get_by_role("button", name="下一步").click()
    assert "负责人" in page.inner_text("h2")
    context.close()


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (390, "phone")])
def test_the_rollup_scrolls_in_its_box_keeping_the_units_and_the_total_in_view(
    browser, live_server, make_user, width, name
):
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from forms_app.activity_day import rules as stats
    from forms_app.models import ActivityDay, ReportingUnit, TableVariant
    from people import roles

    today = timezone.localdate()
    day = ActivityDay.objects.create(
        name="委员活动日", theme="委员在行动", date=today, deadline=today + datetime.timedelta(days=5)
    )
    units = [
        ReportingUnit.objects.create(name=f"第{n}市州政协", variant=TableVariant.CPPCC, sort_order=n)
        for n in range(1, 21)
    ]
    day.units.set(units)
    organiser = _with_password(make_user(roles.LIAISON_OFFICE))
    counts = dict.fromkeys(stats.COUNT_FIELDS, 0) | {"workstations": 3, "opinions": 12}
    for unit in units[:15]:
        stats.save_report(day, unit, organiser, counts, via_import=True)

    context, page = login_in(
        browser, live_server, organiser, "pw-lianxin-123", reverse("activity_day_rollup", args=[day.pk]), width
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page itself does not scroll sideways"
    box = page.locator("table.stats-table").locator("xpath=..")  # the box the table scrolls in
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table scrolls sideways in its own box"
    box.scroll_into_view_if_needed()
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; b.scrollTop = (b.scrollHeight - b.clientHeight) / 2; }")
    page.screenshot(path=ARTIFACTS / f"activity-rollup-{name}.png")

    def on_top(locator):
        """Whether the cell is inside the box and nothing covers its middle."""
        return locator.evaluate(
            """cell => {
                const r = cell.getBoundingClientRect(), b = cell.closest('table').parentElement.getBoundingClientRect();
                const inside = r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
                const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
                return inside && cell.contains(hit);
            }"""
        )

    total = page.locator("tr.total")
    assert on_top(total.locator("th")), "合计 stays at the left"
    assert on_top(total.locator("td").last), "the total row stays at the bottom, its last column in view"
    assert "已报 15 / 20" in total.locator("td").last.inner_text()
    assert on_top(page.locator("thead th").first), "填表单位 heading stays at the top left"
    left_middle = box.evaluate(
        """b => {
            const r = b.getBoundingClientRect();
            const cell = document.elementFromPoint(r.left + 8, (r.top + r.bottom) / 2).closest('tbody th[scope=row]');
            return cell && cell.textContent;
        }"""
    )
    assert left_middle and "市州政协" in left_middle, "the unit names stay at the left while the numbers scroll"
    context.close()
