"""三联系 on a phone in chromium: a 常委 records a 走访 to a new 企事业单位 and a 电话 to a member
paired with them, and sees 2/4 and the 企事业单位 quota met, with nothing wider than the screen and
every button big enough to tap. Screenshots in tests/artifacts/."""

import pytest
from django.utils import timezone

from contacts.models import ContactActivity, Pairing, PairingKind, Way
from people import roles

from .factories import MemberFactory
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"

# Everything a thumb taps: the 方式 buttons, the chips, the boxes and the save button.
TAP_TARGETS = """() => Array.from(document.querySelectorAll(
    '.way-button span, .chip span, .contact-form input[type=date], .contact-form input[type=text],'
    + ' .contact-form select, .contact-form button')).map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])"""


def test_a_member_records_two_contacts_on_a_phone(browser, live_server, make_user, members, reference, roles_synced):
    year = timezone.localdate().year
    standing = MemberFactory(code="S001", name="常委乙", is_standing=True, sector=reference["education"])
    teacher = members["teacher"]
    Pairing.of(year, PairingKind.STANDING, standing, teacher).save()
    user = _with_password(make_user(roles.MEMBER, member=standing))

    context, page = login_in(browser, live_server, user, PASSWORD, "/my/", width=390)
    page.get_by_role("link", name="三联系").click()
    page.wait_for_url("**/forms/contacts/")
    assert "0/4" in page.locator("[data-quota=联系活动]").inner_text()

    # A 走访 to a new 企事业单位, the date left at today.
    page.get_by_label("走访", exact=True).check()
    page.get_by_label("名称或称呼").fill("区第一机床厂")
    page.get_by_label("类别", exact=True).select_option(label="企事业单位")
    page.get_by_label("备注").fill("厂办电话 13912345678")
    page.get_by_role("button", name="保存").click()
    # Refused beside the note, with everything typed kept.
    assert "「备注」：请勿填写群众的手机号或身份证号" in page.locator(".field-error").inner_text()
    assert page.get_by_label("名称或称呼").input_value() == "区第一机床厂"
    assert page.get_by_label("走访", exact=True).is_checked()
    page.screenshot(path=ARTIFACTS / "contacts-phone-refused.png", full_page=True)
    assert not ContactActivity.objects.exists()
    page.get_by_label("备注").fill("了解企业用工和技能培训需求")
    page.get_by_role("button", name="保存").click()
    assert "已记录" in page.locator(".messages").inner_text()

    # A 电话 to the paired 委员, picked as a chip.
    page.get_by_label("电话", exact=True).check()
    page.get_by_label("王丽", exact=True).check()
    page.get_by_role("button", name="保存").click()
    assert "已记录" in page.locator(".messages").inner_text()

    activities = page.locator("[data-quota=联系活动]")
    assert "2/4" in activities.inner_text()
    enterprise = page.locator("[data-quota=企事业单位]")
    assert "1/1" in enterprise.inner_text() and "已完成" in enterprise.inner_text()
    assert "met" in enterprise.get_attribute("class")
    assert "还差" in page.locator("[data-quota=社会群众]").inner_text()
    entries = page.locator("#entries").inner_text()
    assert "区第一机床厂（企事业单位）" in entries and "王丽" in entries
    assert ContactActivity.objects.filter(way=Way.PHONE, contacted_members=teacher).exists()

    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, "no sideways scrolling"
    small = [(name, height) for name, height in page.evaluate(TAP_TARGETS) if height < 44]
    assert not small, f"touch targets under 44 px: {small}"
    page.screenshot(path=ARTIFACTS / "contacts-phone.png", full_page=True)

    # At 360 px, the narrowest phone we support, still nothing sideways.
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=ARTIFACTS / "contacts-desktop.png", full_page=True)

    # The call was by WeChat after all: edit it (the same form, filled in), then delete it.
    page.set_viewport_size({"width": 390, "height": 844})
    call = ContactActivity.objects.get(way=Way.PHONE)
    page.locator(f"[data-entry='{call.pk}']").get_by_role("link", name="修改").click()
    assert page.get_by_label("电话", exact=True).is_checked() and page.get_by_label("王丽", exact=True).is_checked()
    page.get_by_label("微信", exact=True).check()
    page.screenshot(path=ARTIFACTS / "contacts-phone-edit.png", full_page=True)
    page.get_by_role("button", name="保存修改").click()
    assert "已修改" in page.locator(".messages").inner_text()
    assert "微信" in page.locator(f"[data-entry='{call.pk}']").inner_text()
    page.locator(f"[data-entry='{call.pk}']").get_by_role("link", name="删除").click()
    assert "王丽" in page.locator("main").inner_text()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    page.screenshot(path=ARTIFACTS / "contacts-phone-delete.png", full_page=True)
    page.get_by_role("button", name="确认删除").click()
    assert "已删除" in page.locator(".messages").inner_text()
    assert "1/4" in page.locator("[data-quota=联系活动]").inner_text()
    assert not ContactActivity.objects.filter(pk=call.pk).exists()
    context.close()
