"""The 《委员履职手册》 from the pool to the site in chromium (issue 20, "Done when"): an 编辑 marks
three 履职心语 入选, makes a 草稿, generates the 界别 sections, moves an entry, picks a 委员风采 and
previews the PDF; a 审核员 publishes it with a page; once 内容审核 approves the page a member reads
it and downloads the PDF. Screenshots in tests/artifacts/."""

import subprocess

import pytest
from django.utils import timezone
from wagtail.models import WorkflowState

from content.workflow import ensure_moderation_workflow
from forms_app.models import Reflection
from handbook.models import Handbook, HandbookPage
from people import roles

from .content_helpers import make_image, site_sections, story
from .factories import MemberFactory
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "pw-lianxin-123"
POEM = "春风吹进社区里，\n委员走访到家门。"
MOVED = "课后服务要让家长放心。"
SENTENCE = "把群众的事当成自己的事。"
STORY = "王丽：守护孩子们的课后时光"


@pytest.fixture
def pool(reference):
    """This year's pool: 王丽's poem and 孙悦's sentence (教育界), 李强's (医药卫生界), all 待选, and one
    more of 李强's that stays 待选; 王丽's published story of this year, with her photo."""
    year = timezone.localdate().year
    for order, sector in enumerate((reference["education"], reference["health"]), start=1):
        sector.sort_order = order  # 基础数据's order, which the generated sections follow
        sector.save()
    teacher = MemberFactory(name="王丽", sector=reference["education"], photo=make_image("王丽照片"))
    colleague = MemberFactory(name="孙悦", sector=reference["education"])
    doctor = MemberFactory(name="李强", sector=reference["health"], party=reference["minmeng"])

    def entry(member, text, genre):
        return Reflection.objects.create(member=member, text=text, year=year, source="member", genre=genre)

    stories, _stations = site_sections()
    return {
        "year": year,
        "poem": entry(teacher, POEM, "poem"),
        "moved": entry(colleague, MOVED, "sentence"),
        "sentence": entry(doctor, SENTENCE, "sentence"),
        "waiting": entry(doctor, "这一条还在待选。", ""),
        "story": story(stories, teacher, STORY, date=timezone.localdate(), lead="她推动学校课后服务提质。"),
    }


def pdf_text(data, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def messages_of(page):
    return page.locator(".messages").inner_text()


def whole_page(page, name):
    """A screenshot of all of an admin page: Wagtail's admin scrolls inside its own box, which
    full_page alone does not unroll, so the window is made as tall as the content first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('html, body, main, #main, .content-wrapper')]"
        ".map(e => e.scrollHeight))"
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
    page.screenshot(path=ARTIFACTS / name, full_page=True, animations="disabled")
    page.set_viewport_size(size)


def section_named(page, title):
    return page.locator(".arrange-section").filter(has=page.locator("h3", has_text=title))


def test_from_the_pool_to_the_published_handbook(browser, live_server, make_user, roles_synced, pool, tmp_path):
    ensure_moderation_workflow()
    year = pool["year"]
    label = f"《委员履职手册》{year}年第1期"

    # 1. An 编辑 marks three entries 入选 in 委员履职手册 › 履职心语.
    editor = _with_password(make_user(roles.EDITOR))
    context, page = login_in(browser, live_server, editor, PASSWORD, "/admin/", width=1280)
    page.get_by_role("button", name="委员履职手册").click()
    page.get_by_role("link", name="履职心语").click()
    page.wait_for_url("**/admin/handbook/reflections/")
    for name in ("poem", "moved", "sentence"):
        page.get_by_label(f"选择 #{pool[name].pk}", exact=True).check()
    page.get_by_label("将勾选的标为").select_option(label="入选")
    page.get_by_label("遴选意见").fill("年度入选")
    page.get_by_role("button", name="确定").click()
    assert "已将 3 条履职心语标为「入选」。" in messages_of(page)

    def row(name):
        return page.locator("tr").filter(has=page.get_by_label(f"选择 #{pool[name].pk}", exact=True))

    marks = [row(name).locator(".field-state").inner_text() for name in ("poem", "moved", "sentence", "waiting")]
    assert marks == ["入选", "入选", "入选", "待选"], "only the ticked entries are marked"
    assert row("poem").locator(".field-genre_label").inner_text() == "诗词"
    whole_page(page, "handbook-flow-pool.png")

    # 2. 手册编排: a 草稿 of this year, 期数 1, its sections, a move, a highlight, the preview.
    page.get_by_role("button", name="委员履职手册").click()
    page.get_by_role("link", name="手册编排").click()
    page.wait_for_url("**/admin/handbook/handbooks/")
    page.locator("a[href$='/admin/handbook/handbooks/create/']").first.click()
    year_box, issue_box = page.get_by_role("spinbutton", name="年度"), page.get_by_role("spinbutton", name="期数")
    assert (year_box.input_value(), issue_box.input_value()) == (str(year), "1"), "this year's first 期数 is offered"
    year_box.fill(str(year))
    issue_box.fill("1")
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_url("**/arrange/")
    assert f"已保存{label}。" in messages_of(page)
    handbook = Handbook.objects.get()
    assert (handbook.year, handbook.issue, handbook.status) == (year, 1, Handbook.Status.DRAFT)

    page.get_by_role("button", name="按界别和党派生成分组").click()
    assert "已新增 2 个分组，编入 3 条入选履职心语。" in messages_of(page)
    headings = page.locator(".arrange-section h3")
    assert headings.all_inner_texts() == ["1. 教育界 （界别，2 条）", "2. 医药卫生界 （界别，1 条）"]
    education, health = section_named(page, "教育界"), section_named(page, "医药卫生界")
    assert "王丽" in education.inner_text() and "孙悦" in education.inner_text()
    assert "李强" in health.inner_text() and "孙悦" not in health.inner_text()
    assert "这一条还在待选" not in page.locator("#sections").inner_text(), "only 入选 entries are placed"

    moved_row = education.locator("tr").filter(has_text=MOVED)
    moved_row.get_by_label("移到分组").select_option(label="医药卫生界")
    moved_row.get_by_role("button", name="移到").click()
    assert f"已将履职心语 #{pool['moved'].pk} 移到分组「医药卫生界」。" in messages_of(page)
    education, health = section_named(page, "教育界"), section_named(page, "医药卫生界")
    assert MOVED in health.inner_text() and "孙悦" in health.inner_text()
    assert MOVED not in education.inner_text()
    assert headings.all_inner_texts() == ["1. 教育界 （界别，1 条）", "2. 医药卫生界 （界别，2 条）"]

    page.locator("#story-picker ~ .arrange-table tr").filter(has_text=STORY).get_by_role("button", name="选登").click()
    assert f"已选登委员风采「{STORY}」。" in messages_of(page)
    highlight = page.locator(".arrange-highlight").filter(has_text=STORY)
    assert highlight.get_by_role("img", name="将刊用的照片").is_visible(), "王丽's photo will print"

    href = page.get_by_role("link", name="预览 PDF").get_attribute("href")
    preview = context.request.get(live_server.url + href)
    assert preview.status == 200 and preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF")
    text = pdf_text(preview.body(), tmp_path, "preview.pdf")
    assert MOVED in text and SENTENCE in text and "委员走访到家门。" in text and STORY in text
    whole_page(page, "handbook-flow-arrange.png")
    context.close()

    # 3. A 审核员 publishes it with a page for 内容审核.
    reviewer = _with_password(make_user(roles.REVIEWER))
    arrange_path = f"/admin/handbook/handbooks/{handbook.pk}/arrange/"
    context, page = login_in(browser, live_server, reviewer, PASSWORD, arrange_path, width=1280)
    assert "您可以查看编排，但不能修改。" in page.inner_text("main")
    page.get_by_role("link", name="发布", exact=True).click()
    page.wait_for_url("**/publish/")
    assert "共 2 个分组、3 条履职心语、1 篇委员风采。" in page.inner_text("main")
    page.get_by_label("同时创建网页（经内容审核后上线）").check()
    page.get_by_role("button", name="发布", exact=True).click()
    assert f"已发布{label}，网页已提交内容审核，审核通过后上线。" in messages_of(page)
    assert "已发布的手册不能再修改" in page.inner_text("main")
    assert page.get_by_role("button", name="发布", exact=True).count() == 0, "published once, no second button"
    whole_page(page, "handbook-flow-publish.png")

    download = page.get_by_role("link", name="下载 PDF").get_attribute("href")
    response = context.request.get(live_server.url + download)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert MOVED in pdf_text(response.body(), tmp_path, "published.pdf")
    visitor = browser.new_context()
    refused = visitor.request.get(live_server.url + download, max_redirects=0)
    assert refused.status == 302 and "/login/" in refused.headers["location"], "visitors are sent to log in"
    visitor.close()

    handbook.refresh_from_db()
    handbook_page = HandbookPage.objects.get()
    assert handbook.status == Handbook.Status.PUBLISHED and handbook.page.specific == handbook_page
    assert not handbook_page.live, "the page waits for 内容审核"
    state = WorkflowState.objects.get(object_id=str(handbook_page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    assert "网页已提交内容审核，审核通过后上线" in page.locator("main").inner_text()
    page.get_by_role("link", name="在后台编辑网页").click()
    page.wait_for_url(f"**/admin/pages/{handbook_page.pk}/edit/")
    page.locator("[data-side-panel-toggle=status]").click()
    status = page.locator("[data-side-panel=status]")
    assert status.get_by_role("heading", name="审核中").is_visible(), "the page waits in 内容审核"
    assert "送交审核员审核" in status.inner_text()
    assert page.get_by_role("textbox", name="标题").input_value() == label
    whole_page(page, "handbook-flow-review.png")
    context.close()

    # 内容审核 approves it (Wagtail's task API, as the reviewer); a member reads it at its address.
    state.current_task_state.specific.task.specific.on_action(state.current_task_state, reviewer, "approve")
    handbook_page.refresh_from_db()
    assert handbook_page.live
    member = _with_password(make_user(roles.MEMBER, member=pool["poem"].member))
    context, page = login_in(browser, live_server, member, PASSWORD, "/my/", width=1280)
    page.goto(live_server.url + handbook_page.url)
    assert page.locator("h1").inner_text() == label
    sections = page.locator(".handbook-section")
    assert sections.locator("h2").all_inner_texts() == ["教育界", "医药卫生界"]
    assert sections.nth(0).locator(".verse p").inner_text().splitlines() == ["春风吹进社区里，", "委员走访到家门。"]
    assert MOVED in sections.nth(1).inner_text() and SENTENCE in sections.nth(1).inner_text()
    assert STORY in page.locator(".handbook-highlights").inner_text()
    link = page.get_by_role("link", name="下载 PDF")
    assert link.get_attribute("href") == download
    assert context.request.get(live_server.url + download).body().startswith(b"%PDF")
    page.screenshot(path=ARTIFACTS / "handbook-flow-page.png", full_page=True)
    context.close()
