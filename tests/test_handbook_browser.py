"""履职心语 on a phone and a desktop in chromium: a member writes a poem, is refused an empty
text with the genre kept, and sees the poem's lines in the list. Screenshots in tests/artifacts/."""

import pytest

from forms_app.models import Reflection
from people import roles

from .factories import MemberFactory
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"
WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_member_writes_a_poem(browser, live_server, make_user, reference, roles_synced, width):
    member = MemberFactory(sector=reference["education"], name="王丽")
    user = _with_password(make_user(roles.MEMBER, member=member))
    context, page = login_in(browser, live_server, user, PASSWORD, "/my/", width=width)
    page.get_by_role("link", name="履职心语").click()
    page.wait_for_url("**/my/reflections/")

    page.get_by_label("诗词", exact=True).check()
    page.get_by_role("button", name="提交").click()
    assert "「履职心语」：请填写内容" in page.locator(".field-error").inner_text()
    assert page.get_by_label("诗词", exact=True).is_checked(), "the genre chosen is kept"
    assert not Reflection.objects.exists()

    page.get_by_role("textbox", name="履职心语").fill("春风化雨，\n润物无声。")
    page.get_by_role("button", name="提交").click()
    assert "已提交" in page.locator(".messages").inner_text()
    card = page.locator(".reflection-card")
    assert card.locator(".reflection-text").inner_text().splitlines() == ["春风化雨，", "润物无声。"]
    assert "待选" in card.inner_text()
    assert not page.evaluate(WIDER_THAN_THE_SCREEN)
    page.screenshot(path=ARTIFACTS / f"reflections-member-{width}.png", full_page=True)
    context.close()


def test_an_editor_sees_every_row_of_the_pool(browser, live_server, make_user, reference, roles_synced):
    """The admin's lists scroll sideways in their own box; Wagtail's negative margin under a listing
    cut its last row off inside that box."""
    member = MemberFactory(sector=reference["education"], name="王丽")
    for n in range(3):
        Reflection.objects.create(member=member, text=f"第{n + 1}条履职心语", year=2026, source="member")
    editor = _with_password(make_user(roles.EDITOR))
    context, page = login_in(browser, live_server, editor, PASSWORD, "/admin/handbook/reflections/", width=1280)
    box = page.evaluate(
        "() => { const r = document.querySelector('.result-list'); return [r.clientHeight, r.scrollHeight]; }"
    )
    assert box[0] >= box[1], "nothing of the list is hidden inside its box"
    assert page.get_by_text("第1条履职心语").is_visible()
    page.screenshot(path=ARTIFACTS / "reflections-pool-editor.png", full_page=True)
    context.close()
