"""A 工作室召集人 on a phone in chromium (390×844): logs in, posts a 动态 with a picture for the
委员活动日 and submits it; a 审核员 approves it in the Wagtail admin; the post is then on the
station page beside the members' photos, and 委员联络室's 月度总览 marks the station's upload 按时.
Nothing wider than the screen, every control tall enough to tap. Screenshots in tests/artifacts/
(convener-phone.png, station-photos-phone.png, stations-grid-desktop.png)."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image as PILImage

from content.models import WorkstationPostPage
from forms_app.models import ActivityDay
from people import roles

from .content_helpers import make_image, site_sections, station
from .test_browser import ARTIFACTS, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"

TAP_TARGETS = """() => Array.from(document.querySelectorAll(
    '.chip span, .station-form input[type=date], .station-form input[type=text], .station-form input[type=file],'
    + ' .station-form select, .station-form textarea, .station-form button, .station-nav a'))
    .map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])"""


def test_a_convener_posts_from_a_phone_and_a_reviewer_publishes_it(
    browser, live_server, make_user, members, reference, roles_synced, tmp_path
):
    today = timezone.localdate()
    _, index = site_sections()
    members["engineer"].photo = make_image("陈杰")
    members["engineer"].save()
    members["banker"].photo = make_image("赵敏")
    members["banker"].save()
    ws = station(index, members["engineer"], title="东四街道委员工作室", committee=reference["econ_committee"])
    ws.members.set([members["banker"], members["doctor"]])
    ws.save_revision().publish()
    day = ActivityDay.objects.create(
        name=f"{today.year}年委员活动日",
        theme="履职为民",
        date=today - datetime.timedelta(days=1),
        upload_deadline=today + datetime.timedelta(days=2),
        deadline=today + datetime.timedelta(days=7),
    )
    convener_user = make_user(roles.CONVENER, workstation=ws)
    reviewer = make_user(roles.REVIEWER)
    liaison = make_user(roles.LIAISON_OFFICE)
    photo = tmp_path / "义诊现场.jpg"
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 900), (40, 140, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    context, page = login_in(browser, live_server, convener_user, PASSWORD, "/my/", width=390)
    page.get_by_role("link", name="东四街道委员工作室").click()
    page.wait_for_url("**/forms/station/")
    page.locator(".station-actions").get_by_role("link", name="发动态").click()
    page.wait_for_url("**/forms/station/post/")

    page.get_by_label("标题").fill("委员活动日：社区义诊进楼门")
    page.get_by_label("活动日期").fill(day.date.isoformat())
    page.get_by_label("公益帮扶").check()
    page.get_by_label("委员活动日").select_option(value=str(day.pk))
    page.get_by_label("内容", exact=True).fill("委员为居民测量血压。\n现场解答用药问题。")
    page.set_input_files("#id_pictures", str(photo))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, "no sideways scrolling"
    small = [(name, height) for name, height in page.evaluate(TAP_TARGETS) if height < 44]
    assert not small, f"touch targets under 44 px: {small}"
    page.screenshot(path=ARTIFACTS / "convener-phone.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 390, "height": 844})

    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url("**/forms/station/submissions/")
    assert "已提交审核" in page.locator(".messages").inner_text()
    card = page.locator(".submission").first
    assert "待审核" in card.inner_text() and "社区义诊进楼门" in card.inner_text()
    page.screenshot(path=ARTIFACTS / "convener-phone-submitted.png", full_page=True)
    post = WorkstationPostPage.objects.get(title="委员活动日：社区义诊进楼门")
    assert not post.live and post.cover is not None and post.activity_day == day
    context.close()

    # The 审核员 approves in the Wagtail admin, from the page's editor.
    context, page = login_in(browser, live_server, reviewer, PASSWORD, f"/admin/pages/{post.pk}/edit/")
    page.locator("footer .w-dropdown__toggle, footer [data-w-dropdown-target=toggle]").first.click()
    approve = page.locator('button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])')
    with page.expect_navigation():
        approve.click()
    page.screenshot(path=ARTIFACTS / "convener-reviewer-approved.png")
    post.refresh_from_db()
    assert post.live
    context.close()

    # On the station page, for everyone, beside the members' photos (a placeholder for 李强, who
    # has none), with no phone number or 委员证号.
    reader = browser.new_page(viewport={"width": 390, "height": 844})
    reader.goto(live_server.url + ws.url)
    main = reader.locator("main").inner_text()
    assert "委员活动日：社区义诊进楼门" in main
    team = reader.locator(".station-team li")
    assert team.count() == 3
    assert reader.locator(".station-team img.portrait").count() == 2
    assert reader.locator(".station-team .placeholder").inner_text() == "李"
    shown = reader.locator(".station-team").inner_text()
    for member in (members["engineer"], members["banker"], members["doctor"]):
        assert member.code not in shown
        assert not member.phone or member.phone not in shown
    assert reader.evaluate("document.scrollingElement.scrollWidth") <= 390
    reader.screenshot(path=ARTIFACTS / "convener-phone-station.png", full_page=True)
    reader.locator(".station-team").scroll_into_view_if_needed()
    reader.screenshot(path=ARTIFACTS / "station-photos-phone.png")
    reader.close()

    # 委员联络室's 月度总览: the station's activity-day upload is 按时 (submitted within the deadline).
    context, page = login_in(browser, live_server, liaison, PASSWORD, "/admin/stations/grid/")
    row = page.locator("tr", has_text="东四街道委员工作室").first
    assert row.locator(".upload").first.get_attribute("data-upload") == "按时"
    assert "已开展" in row.inner_text()
    page.screenshot(path=ARTIFACTS / "stations-grid-desktop.png", full_page=True)
    context.close()
