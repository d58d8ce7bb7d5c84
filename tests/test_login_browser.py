"""The front end's login in a real browser, at phone and desktop widths (PNGs in tests/artifacts/)."""

import pytest

from people import roles

from .test_browser import ARTIFACTS, browser  # noqa: F401  (the chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width, height, name", [(390, 844, "phone"), (1280, 900, "desktop")])
def test_a_sector_leader_logs_in_on_the_front_end_and_sees_who_is_logged_in(
    browser,  # noqa: F811
    live_server,
    make_user,
    reference,
    width,
    height,
    name,
):
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"])
    leader.first_name = "王丽"
    leader.set_password("pw-lianxin-123")
    leader.save()
    page = browser.new_page(viewport={"width": width, "height": height})

    page.goto(live_server.url + "/forms/")
    assert "/login/?next=/forms/" in page.url, "the forms ask for a login on the front end"
    page.get_by_label("账号").fill(leader.username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "请输入一个正确的" in page.inner_text("main"), "a wrong password is told in Chinese"
    assert page.get_by_label("账号").input_value() == leader.username, "the account name is kept"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=ARTIFACTS / f"login-error-{name}.png", full_page=True)

    page.get_by_label("密码").fill("pw-lianxin-123")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/my/")  # /forms/ leads to 我的工作台
    header = page.locator(".account-bar").inner_text()
    assert "已登录：王丽" in header and "退出" in header
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=ARTIFACTS / f"login-forms-home-{name}.png", full_page=True)

    page.locator(".account-bar").get_by_role("button", name="退出").click()
    page.wait_for_url(live_server.url + "/")
    assert "登录" in page.locator(".account-bar").inner_text()
