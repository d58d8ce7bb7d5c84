"""The 履职成果 registry in chromium: a member registers a joint 提案, 提案委 confirms it, records
立案, a unit and the 办前沟通, and the member's page shows them. Screenshots in tests/artifacts/."""

import subprocess

import pytest

from people import roles
from results.models import Kind, Result, Status

from .results_helpers import units  # noqa: F401
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"


def test_a_joint_proposal_from_registration_to_its_first_handling_step(
    browser, live_server, make_user, members, units, roles_synced, tmp_path
):
    member = _with_password(make_user(roles.MEMBER, member=members["teacher"]))
    office = _with_password(make_user(roles.PROPOSAL_COMMITTEE))

    # 王丽 registers a proposal with 李强 as co-author, naming him by his 委员证号.
    context, page = login_in(browser, live_server, member, PASSWORD, "/results/")
    page.get_by_role("link", name="登记履职成果").first.click()
    page.get_by_label("提案", exact=True).check()
    page.get_by_label("标题").fill("关于在学校周边增设护学岗的建议")
    page.get_by_label("提交日期").fill("2026-03-02")
    page.get_by_label("平时提案").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("多名委员联名").check()
    page.get_by_label("联名委员").fill("王丽、14002")
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("内容摘要").fill("上下学高峰时段校门口拥堵，建议增设护学岗。")
    page.get_by_role("button", name="下一步").click()
    assert "李强" in page.inner_text("main")
    page.get_by_label("我已核对以上内容，确认提交").check()
    page.get_by_role("button", name="提交登记").click()
    assert "待确认" in page.inner_text("main")
    result = Result.objects.get(kind=Kind.PROPOSAL)
    assert [a.member.name for a in result.author_rows.all()] == ["王丽", "李强"]
    assert result.status == Status.PENDING

    # 提案委 confirms it, records 立案 with a number, 交办 to 区教委 and the 办前沟通.
    admin_context, admin = login_in(browser, live_server, office, PASSWORD, "/admin/results/proposals/")
    admin.get_by_role("link", name="关于在学校周边增设护学岗的建议").first.click()
    admin.locator("form[data-action=confirm]").get_by_role("button", name="确认").click()
    assert "已确认" in admin.inner_text("main")
    accept = admin.locator("form[data-action=accept]")
    accept.get_by_label("立案", exact=True).check()
    accept.get_by_label("案号", exact=True).fill("2026-001")
    accept.get_by_role("button", name="保存立案情况").click()
    assign = admin.locator("form[data-action=assign]")
    assign.locator("fieldset, div").filter(has_text="主办单位").first.get_by_label("区教委").check()
    assign.get_by_label("交办日期").fill("2026-03-10")
    assign.get_by_role("button", name="保存交办").click()
    step = admin.locator("form[data-action=step]")
    step.get_by_label("承办单位").select_option(label="区教委")
    step.get_by_label("环节").select_option(label="办前沟通")
    step.get_by_label("日期").fill("2026-03-12")
    step.get_by_label("方式").select_option(label="座谈")
    step.get_by_label("情况记录").fill("与王丽、李强座谈，商定增设两处护学岗。")
    step.get_by_role("button", name="记录环节").click()
    assert "办前沟通" in admin.inner_text("main")
    admin.screenshot(path=ARTIFACTS / "results-admin-inspect.png", full_page=True)

    # 成果统计 counts the confirmed proposal: one of one, a joint one, 平时.
    admin.goto(f"{live_server.url}/admin/results/reports/statistics/?year=2026")
    statistics = admin.inner_text("main")
    assert "联名提案" in statistics and "100.0%" in statistics
    admin.screenshot(path=ARTIFACTS / "results-statistics.png", full_page=True)
    with admin.expect_download() as download:
        admin.get_by_role("link", name="PDF").first.click()
    pdf = tmp_path / "statistics.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "成果统计" in text and "100.0%" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-singlefile",
            "-f",
            "1",
            str(pdf),
            str(ARTIFACTS / "results-statistics-pdf-page1"),
        ],
        check=True,
    )
    admin_context.close()

    # The member's own page shows 已立案, the unit and the step.
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
        page.goto(f"{live_server.url}/results/")
        text = page.inner_text("main")
        assert "已立案" in text and "2026-001" in text
        assert "区教委" in text and "办前沟通" in text
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        page.screenshot(path=ARTIFACTS / f"results-mine-{name}.png", full_page=True)
    context.close()

    # The co-author sees it among his own.
    co_author = _with_password(make_user(roles.MEMBER, member=members["doctor"]))
    context, page = login_in(browser, live_server, co_author, PASSWORD, "/results/")
    assert "关于在学校周边增设护学岗的建议" in page.inner_text("main")
    context.close()
