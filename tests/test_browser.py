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
    assert page.locator(".card h3").all_inner_texts() == ["王丽：守护孩子们的课后时光"]
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


def test_leader_fills_the_five_ones_wizard_and_downloads_the_pdf(browser, live_server, make_user, members, reference, tmp_path):
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
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf), str(ARTIFACTS / "five-ones-browser-page1")],
                   check=True)
