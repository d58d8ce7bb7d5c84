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
