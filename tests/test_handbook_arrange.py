"""The 编排 of a 《委员履职手册》 (issue 20, 4): default sections per 界别 and 党派 with 入选 entries,
moving items and sections, the 委员风采 highlights, a published handbook left alone, and who may
do what on the 编排 page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from forms_app.models import ActivityKind, FiveOnesFiling, Reflection, ResultKind
from handbook import arrange
from handbook.models import Handbook, HandbookItem, HandbookSection, HandbookStory
from handbook.pdf import PRINT_RENDITION, SCREEN_RENDITIONS
from lianxin_site.dates import this_year
from people import roles

from .content_helpers import make_image, site_sections, story

pytestmark = pytest.mark.django_db
YEAR = 2026


def party_filing(party, member):
    return filing_of(member, party=party)


def filing_of(member, **filer):
    """A 五个一 filing of YEAR by a 界别 (sector=) or a 党派 (party=)."""
    return FiveOnesFiling.objects.create(
        year=YEAR,
        **filer,
        leader_name="组长",
        filled_on=datetime.date(YEAR, 3, 1),
        theme="送教育进社区",
        theme_reason="本党派所长",
        activity_date=datetime.date(YEAR, 4, 1),
        activity_place="东华门社区",
        activity_kind=ActivityKind.EDUCATION,
        activity_plan="讲座",
        result_kind=ResultKind.choices[0][0],
        result_title="成果",
        result_summary="摘要",
        showcase_member=member,
        showcase_reason="理由",
        submitted_at=timezone.now(),
    )


def entry(member, text, mark="chosen", year=YEAR, **fields):
    fields.setdefault("source", "member")
    return Reflection.objects.create(member=member, text=text, year=year, mark=mark, **fields)


@pytest.fixture
def pool(reference, members):
    reference["education"].sort_order = 2
    reference["education"].save()
    reference["health"].sort_order = 1
    reference["health"].save()
    m = members
    return {
        "teacher": entry(m["teacher"], "课后服务，守护孩子。"),
        "doctor": entry(m["doctor"], "医者仁心，履职为民。"),  # a 民盟 member's own: 医药卫生界
        "filed": entry(
            m["doctor"], "民盟送医下乡。", source="filing", filing=party_filing(reference["minmeng"], m["doctor"])
        ),
        "pending": entry(m["banker"], "还没遴选的。", mark="pending"),
        "old": entry(m["banker"], "去年入选的。", year=YEAR - 1),
        "withdrawn": entry(m["engineer"], "作者撤回的。", withdrawn_at=timezone.now()),
    }


@pytest.fixture
def handbook(db):
    return Handbook.objects.create(year=YEAR, issue=1)


def layout(handbook):
    """[(section title, [reflection texts])] as the 编排 page lists them."""
    return [
        (section.title, [item.reflection.text for item in section.items.order_by("order", "pk")])
        for section in handbook.sections.order_by("order", "pk")
    ]


def test_default_sections_one_per_sector_and_party_with_chosen_entries_in_sort_order(pool, handbook, members):
    created, placed = arrange.build_default_sections(handbook)
    assert (created, placed) == (3, 3)
    assert layout(handbook) == [
        ("医药卫生界", ["医者仁心，履职为民。"]),
        ("教育界", ["课后服务，守护孩子。"]),
        ("民盟", ["民盟送医下乡。"]),
    ], "界别 by their sort order, then 党派; no 经济界 (nothing 入选 there); a party's filing under the party"
    assert not list(arrange.unplaced(handbook))

    # The editor arranges; a new entry is chosen meanwhile; building again keeps the arrangement.
    education = handbook.sections.get(title="教育界")
    arrange.rename_section(handbook, education.pk, "教育界委员")
    arrange.move_section(handbook, education.pk, arrange.UP)
    later = entry(members["teacher"], "又一条入选的。")
    assert arrange.build_default_sections(handbook) == (0, 1)
    assert layout(handbook) == [
        ("教育界委员", ["课后服务，守护孩子。", later.text]),
        ("医药卫生界", ["医者仁心，履职为民。"]),
        ("民盟", ["民盟送医下乡。"]),
    ]
    assert arrange.build_default_sections(handbook) == (0, 0)
    assert HandbookItem.objects.filter(handbook=handbook).count() == 4


def test_a_reflection_goes_to_whoever_handed_it_in(reference, members, handbook):
    for order, name in enumerate(("education", "health", "economy")):
        reference[name].sort_order = order
        reference[name].save()
    own = entry(members["doctor"], "自己投稿的。")
    filed = entry(
        members["doctor"],
        "随教育界备案表报送的。",
        source="filing",
        filing=filing_of(members["doctor"], sector=reference["education"]),
    )
    paper = entry(members["engineer"], "纸质录入的。", source="paper")
    arrange.build_default_sections(handbook)
    assert layout(handbook) == [
        ("教育界", [filed.text]),
        ("医药卫生界", [own.text]),
        ("经济界", [paper.text]),
    ], "the filing's 界别; the author's 界别 for their own and paper entries (not 民盟, not 九三学社)"


def test_items_move_up_down_between_sections_and_out(pool, handbook, members):
    extra = [entry(members["teacher"], f"第{n}条。") for n in (2, 3)]
    arrange.build_default_sections(handbook)
    education = handbook.sections.get(title="教育界")
    first, second, third = education.items.order_by("order")
    assert [i.reflection for i in (first, second, third)] == [pool["teacher"], *extra]

    arrange.move_item(handbook, third.pk, arrange.UP)
    assert layout(handbook)[1] == ("教育界", ["课后服务，守护孩子。", "第3条。", "第2条。"])
    arrange.move_item(handbook, first.pk, arrange.UP)  # already first: stays
    arrange.move_item(handbook, first.pk, arrange.DOWN)
    assert layout(handbook)[1] == ("教育界", ["第3条。", "课后服务，守护孩子。", "第2条。"])

    party = handbook.sections.get(title="民盟")
    arrange.move_item_to(handbook, first.pk, party.pk)
    assert layout(handbook)[1:] == [
        ("教育界", ["第3条。", "第2条。"]),
        ("民盟", ["民盟送医下乡。", "课后服务，守护孩子。"]),
    ]
    with pytest.raises(arrange.ArrangeError, match="已在分组「民盟」中"):
        arrange.move_item_to(handbook, first.pk, party.pk)

    arrange.remove_item(handbook, first.pk)
    assert list(arrange.unplaced(handbook)) == [pool["teacher"]], "back among those not yet placed"
    arrange.place(handbook, pool["teacher"].pk, education.pk)
    assert layout(handbook)[1] == ("教育界", ["第3条。", "第2条。", "课后服务，守护孩子。"])
    with pytest.raises(arrange.ArrangeError, match="不是2026年入选的履职心语"):
        arrange.place(handbook, pool["pending"].pk, education.pk)


def test_sections_added_renamed_reordered_and_deleted(pool, handbook):
    arrange.build_default_sections(handbook)
    topic = arrange.add_section(handbook, "  履职 故事 ")
    assert topic.title == "履职 故事" and topic.kind == HandbookSection.Kind.TOPIC
    arrange.move_section(handbook, topic.pk, arrange.UP)
    arrange.rename_section(handbook, topic.pk, "委员故事")
    assert [title for title, _ in layout(handbook)] == ["医药卫生界", "教育界", "委员故事", "民盟"]
    with pytest.raises(arrange.ArrangeError, match="「标题」：请填写分组标题"):
        arrange.rename_section(handbook, topic.pk, "  ")
    with pytest.raises(arrange.ArrangeError, match="「标题」：不能超过 40 字"):
        arrange.add_section(handbook, "长" * 41)

    health = handbook.sections.get(title="医药卫生界")
    section, count = arrange.delete_section(handbook, health.pk)
    assert count == 1 and list(arrange.unplaced(handbook)) == [pool["doctor"]]
    assert [title for title, _ in layout(handbook)] == ["教育界", "委员故事", "民盟"]
    assert list(handbook.sections.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


def test_an_entry_withdrawn_or_unmarked_after_placing_is_flagged(pool, handbook):
    arrange.build_default_sections(handbook)
    assert arrange.item_warning(pool["teacher"]) == ""
    Reflection.objects.filter(pk=pool["teacher"].pk).update(withdrawn_at=timezone.now())
    Reflection.objects.filter(pk=pool["doctor"].pk).update(mark="reserve")
    pool["teacher"].refresh_from_db()
    pool["doctor"].refresh_from_db()
    assert arrange.item_warning(pool["teacher"]) == f"履职心语 #{pool['teacher'].pk} 已被作者撤回，请移出"
    assert arrange.item_warning(pool["doctor"]) == "已改为「备选」，请确认是否移出"
    assert HandbookItem.objects.filter(handbook=handbook).count() == 3, "they stay until the editor takes them out"


@pytest.fixture
def stories(members):
    index, _stations = site_sections()
    this = story(
        index, members["teacher"], "王丽：守护课后时光", date=datetime.date(YEAR, 3, 1), lead="她推动课后服务。"
    )
    other = story(index, members["doctor"], "李强：家门口养老", date=datetime.date(YEAR, 6, 1))
    last_year = story(index, members["banker"], "赵敏：垃圾分类", date=datetime.date(YEAR - 1, 9, 1))
    draft = story(index, members["engineer"], "陈杰：未发布", date=datetime.date(YEAR, 5, 1))
    draft.unpublish()
    return {"this": this, "other": other, "last_year": last_year, "draft": draft}


def test_highlights_only_from_the_years_published_stories(handbook, stories):
    for refused in ("last_year", "draft"):
        with pytest.raises(arrange.ArrangeError, match="只能选登2026年已发布的委员风采"):
            arrange.set_stories(handbook, [stories["this"].pk, stories[refused].pk])
        with pytest.raises(arrange.ArrangeError, match="只能选登2026年已发布的委员风采"):
            arrange.add_story(handbook, stories[refused].pk)
    assert not HandbookStory.objects.exists(), "refused whole"

    first = arrange.add_story(handbook, stories["this"].pk, excerpt="课后服务的故事。")
    arrange.set_stories(handbook, [stories["other"].pk, stories["this"].pk])
    picked = list(handbook.stories.order_by("order"))
    assert [h.story_id for h in picked] == [stories["other"].pk, stories["this"].pk]
    assert picked[1].pk == first.pk and picked[1].excerpt == "课后服务的故事。", "kept with its excerpt"
    arrange.move_story(handbook, picked[1].pk, arrange.UP)
    assert list(handbook.stories.order_by("order").values_list("story_id", flat=True)) == [
        stories["this"].pk,
        stories["other"].pk,
    ]
    with pytest.raises(arrange.ArrangeError, match="「摘要」：不能超过 600 字"):
        arrange.update_story(handbook, first.pk, "长" * 601)
    with pytest.raises(arrange.ArrangeError, match="已经选登"):
        arrange.add_story(handbook, stories["this"].pk)
    arrange.remove_story(handbook, first.pk)
    assert list(handbook.stories.values_list("story_id", flat=True)) == [stories["other"].pk]


def test_a_published_handbook_refuses_every_write(pool, handbook, stories):
    arrange.build_default_sections(handbook)
    highlight = arrange.add_story(handbook, stories["this"].pk)
    section = handbook.sections.first()
    item = section.items.first()
    Handbook.objects.filter(pk=handbook.pk).update(status=Handbook.Status.PUBLISHED)
    before = layout(handbook)
    writes = [
        lambda: arrange.build_default_sections(handbook),
        lambda: arrange.save_handbook(handbook, subtitle="改"),
        lambda: arrange.add_section(handbook, "专题"),
        lambda: arrange.rename_section(handbook, section.pk, "改"),
        lambda: arrange.move_section(handbook, section.pk, arrange.DOWN),
        lambda: arrange.delete_section(handbook, section.pk),
        lambda: arrange.place(handbook, pool["teacher"].pk, section.pk),
        lambda: arrange.move_item(handbook, item.pk, arrange.DOWN),
        lambda: arrange.move_item_to(handbook, item.pk, handbook.sections.last().pk),
        lambda: arrange.remove_item(handbook, item.pk),
        lambda: arrange.set_stories(handbook, []),
        lambda: arrange.add_story(handbook, stories["other"].pk),
        lambda: arrange.update_story(handbook, highlight.pk, "改"),
        lambda: arrange.move_story(handbook, highlight.pk, arrange.UP),
        lambda: arrange.remove_story(handbook, highlight.pk),
    ]
    for write in writes:
        with pytest.raises(arrange.ArrangeError, match="已发布的手册不能再修改，请用「修订再版」。"):
            write()
    assert layout(handbook) == before and handbook.stories.count() == 1


# --- the admin


def arrange_url(handbook):
    return reverse("handbook_arrange", args=[handbook.pk])


def post(client, handbook, action, **data):
    return client.post(reverse("handbook_arrange_post", args=[handbook.pk, action]), data, follow=True)


def test_an_editor_creates_a_draft_and_arranges_it_through_the_page(client, make_user, pool):
    client.force_login(make_user(roles.EDITOR))
    Handbook.objects.create(year=this_year(), issue=1)
    create = reverse("handbook_handbooks_modeladmin_create")
    form = client.get(create).content.decode()
    assert re.search(rf'<input[^>]*name="year"[^>]*value="{this_year()}"', form), "this year"
    assert re.search(r'<input[^>]*name="issue"[^>]*value="2"', form), "the year's next free 期数"
    assert "委员履职手册" in form, "the title's default"
    taken = client.post(create, {"year": this_year(), "issue": 1, "title": "委员履职手册", "preface": "前言"})
    assert f"{this_year()}年第1期已有手册" in taken.content.decode() and Handbook.objects.count() == 1
    typed = {"year": 1999, "issue": 3, "title": "委员履职手册", "subtitle": "副标题留着", "preface": "前言"}
    wrong = client.post(create, typed).content.decode()
    assert f"请填写 2000 至 {this_year() + 1} 之间的年份" in wrong and "副标题留着" in wrong, "what was typed stays"
    response = client.post(
        create, {"year": YEAR, "issue": 5, "title": "委员履职手册", "preface": "各位委员：\n\n你们好。"}
    )
    handbook = Handbook.objects.get(year=YEAR, issue=5)
    assert response["Location"] == arrange_url(handbook)

    page = post(client, handbook, "build", anchor="sections")
    assert page.redirect_chain[-1][0] == arrange_url(handbook) + "#sections"
    text = page.content.decode()
    assert "已新增 3 个分组，编入 3 条入选履职心语。" in text
    assert text.index("医药卫生界") < text.index("教育界") < text.index("民盟送医下乡")
    assert "王丽 · 教育界" in text and "李强 · 医药卫生界 · 民盟" in text

    item = HandbookItem.objects.get(reflection=pool["teacher"])
    party = handbook.sections.get(title="民盟")
    page = post(
        client, handbook, "move-item-to", item=item.pk, section=party.pk, seen_section=item.section_id, seen_order=1
    )
    assert page.redirect_chain[-1][0] == arrange_url(handbook) + f"#section-{party.pk}"
    assert f"已将履职心语 #{pool['teacher'].pk} 移到分组「民盟」。" in page.content.decode()
    assert layout(handbook)[2] == ("民盟", ["民盟送医下乡。", "课后服务，守护孩子。"])

    page = post(client, handbook, "add-section", title="长" * 41, anchor="sections")
    assert "「标题」：不能超过 40 字" in page.content.decode()
    page = post(client, handbook, "rename-section", section=party.pk, title="民盟盟员")
    assert "分组已改名为「民盟盟员」。" in page.content.decode()


def test_a_stale_second_move_is_told_not_500(client, make_user, pool, handbook):
    arrange.build_default_sections(handbook)
    entry(pool["teacher"].member, "第二条。")
    arrange.build_default_sections(handbook)
    client.force_login(make_user(roles.EDITOR))
    first = HandbookItem.objects.get(reflection=pool["teacher"])
    seen = {"item": first.pk, "seen_section": first.section_id, "seen_order": 1, "direction": "down"}
    assert "已移动履职心语" in post(client, handbook, "move-item", **seen).content.decode()
    page = post(client, handbook, "move-item", **seen)  # the other editor's page still shows it first
    assert page.status_code == 200 and arrange.STALE in page.content.decode()
    assert layout(handbook)[1] == ("教育界", ["第二条。", "课后服务，守护孩子。"]), "moved once"

    removal = {"item": first.pk, "seen_section": first.section_id, "seen_order": 2}
    assert "移出手册" in post(client, handbook, "remove-item", **removal).content.decode()
    page = post(client, handbook, "remove-item", **removal)
    assert page.status_code == 200 and "这条履职心语已被其他编辑移出手册，没有修改。" in page.content.decode()
    page = post(client, handbook, "move-item", item="abc", direction="up")
    assert page.status_code == 200 and "请求无效" in page.content.decode()


def test_a_reviewer_reads_the_page_and_a_member_is_refused(client, make_user, pool, handbook):
    arrange.build_default_sections(handbook)
    client.force_login(make_user(roles.REVIEWER))
    page = client.get(arrange_url(handbook)).content.decode()
    assert "课后服务，守护孩子。" in page and "您可以查看编排，但不能修改" in page
    assert "按界别和党派生成分组" not in page and "移出" not in page and "预览 PDF" in page
    refused = client.post(reverse("handbook_arrange_post", args=[handbook.pk, "remove-item"]), {"item": 1})
    assert refused.status_code in (302, 403) and HandbookItem.objects.filter(handbook=handbook).count() == 3
    edit = reverse("handbook_handbooks_modeladmin_edit", args=[handbook.pk])
    assert client.get(edit).status_code in (302, 403)
    index = client.get(reverse("handbook_handbooks_modeladmin_index")).content.decode()
    assert "委员履职手册" in index and "查看" in index

    for role in (roles.MEMBER, roles.COMMITTEE_OFFICE):
        client.force_login(make_user(role))
        for url in (arrange_url(handbook), reverse("handbook_preview_pdf", args=[handbook.pk])):
            response = client.get(url)
            assert response.status_code in (302, 403) and "课后服务" not in response.content.decode()
        client.post(reverse("handbook_arrange_post", args=[handbook.pk, "remove-item"]), {"item": 1})
    assert HandbookItem.objects.filter(handbook=handbook).count() == 3


def test_a_published_handbook_is_read_only_on_the_page(client, make_user, pool, handbook):
    arrange.build_default_sections(handbook)
    Handbook.objects.filter(pk=handbook.pk).update(status=Handbook.Status.PUBLISHED)
    client.force_login(make_user(roles.EDITOR))
    page = client.get(arrange_url(handbook)).content.decode()
    assert "这本手册已发布，只能查看" in page and "移出" not in page
    edit = client.get(reverse("handbook_handbooks_modeladmin_edit", args=[handbook.pk]), follow=True)
    assert arrange.PUBLISHED in edit.content.decode()
    page = post(client, handbook, "add-section", title="专题")
    assert arrange.PUBLISHED in page.content.decode() and handbook.sections.count() == 3


def test_a_reflection_is_shown_by_its_first_line_as_text(client, make_user, members, handbook):
    entry(members["teacher"], "<b>加粗</b><script>alert(1)</script>")
    entry(members["teacher"], "\n床前明月光，\n疑是地上霜。", genre="poem")
    arrange.build_default_sections(handbook)
    client.force_login(make_user(roles.EDITOR))
    page = client.get(arrange_url(handbook)).content.decode()
    assert "&lt;b&gt;加粗&lt;/b&gt;" in page and "<b>加粗" not in page and "<script>alert(1)" not in page
    assert "床前明月光，…" in page and "疑是地上霜" not in page, "a poem by its first line"


def test_the_preview_is_a_pdf_shown_in_the_browser(client, make_user, pool, handbook):
    arrange.build_default_sections(handbook)
    client.force_login(make_user(roles.REVIEWER))
    response = client.get(reverse("handbook_preview_pdf", args=[handbook.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_moving_the_same_item_at_once_move_it_once(make_user, pool):
    from .test_concurrency import at_once, client_of, messages_of

    handbook = Handbook.objects.create(year=YEAR, issue=1)
    entry(pool["teacher"].member, "第二条。")
    arrange.build_default_sections(handbook)
    first = HandbookItem.objects.get(reflection=pool["teacher"])
    seen = {"item": first.pk, "seen_section": first.section_id, "seen_order": 1, "direction": "down"}
    url = reverse("handbook_arrange_post", args=[handbook.pk, "move-item"])
    editor = make_user(roles.EDITOR)
    clients = [client_of(editor), client_of(editor)]

    responses = at_once(*(lambda c=c: c.post(url, seen) for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    assert layout(handbook)[1] == ("教育界", ["第二条。", "课后服务，守护孩子。"]), "moved down once"
    told = [messages_of(c, r["Location"]) for c, r in zip(clients, responses, strict=True)]
    assert sorted("已移动" in t for t in told) == [False, True] and any(arrange.STALE in t for t in told)


def test_an_editor_picks_a_story_and_sets_its_excerpt_and_photo_on_the_page(client, make_user, handbook, stories):
    from .content_helpers import make_image

    client.force_login(make_user(roles.EDITOR))
    page = client.get(arrange_url(handbook), {"q": "李强"}).content.decode()
    assert "李强：家门口养老" in page and "王丽：守护课后时光" not in page, "found by the member's name"
    assert "赵敏：垃圾分类" not in client.get(arrange_url(handbook)).content.decode(), "last year's is not offered"

    page = post(client, handbook, "add-story", story=stories["other"].pk)
    assert (
        page.redirect_chain[-1][0].endswith("#stories")
        and "已选登委员风采「李强：家门口养老」。" in page.content.decode()
    )
    assert "没有可用的照片" in page.content.decode(), "no image in the story and no photo of the member"
    highlight = handbook.stories.get()
    photo = make_image("养老驿站")
    prefix = f"highlight-{highlight.pk}"
    data = {"highlight": highlight.pk, f"{prefix}-excerpt": "他围绕养老驿站调研。", f"{prefix}-photo": photo.pk}
    page = post(client, handbook, "update-story", **data)
    assert "已保存委员风采「李强：家门口养老」的摘要和照片。" in page.content.decode()
    highlight.refresh_from_db()
    assert (highlight.excerpt, highlight.photo) == ("他围绕养老驿站调研。", photo)
    assert "没有可用的照片" not in page.content.decode()

    page = post(client, handbook, "add-story", story=stories["last_year"].pk)
    assert "只能选登2026年已发布的委员风采。" in page.content.decode() and handbook.stories.count() == 1


def test_the_handbook_pages_read_in_chinese(client, make_user, pool, handbook, stories):
    from .test_admin_language import VisibleText, english_words

    arrange.build_default_sections(handbook)
    arrange.add_story(handbook, stories["this"].pk)
    Reflection.objects.filter(pk=pool["teacher"].pk).update(withdrawn_at=timezone.now())  # a flagged row too
    urls = [
        arrange_url(handbook),
        reverse("handbook_handbooks_modeladmin_index"),
        reverse("handbook_handbooks_modeladmin_create"),
        reverse("handbook_handbooks_modeladmin_edit", args=[handbook.pk]),
    ]
    for role in (roles.EDITOR, roles.REVIEWER):
        user = make_user(role)
        user.username = f"{role}甲"  # the sidebar shows the login name
        user.save()
        client.force_login(user)
        for url in urls:
            response = client.get(url, follow=True)
            page = VisibleText()
            page.feed(response.content.decode())
            assert not english_words(page.texts), (role, url, english_words(page.texts))


def test_picking_a_highlight_makes_its_print_copy_before_the_preview_asks(
    handbook, stories, django_capture_on_commit_callbacks
):
    """A camera's original takes ~0.5 s to shrink for print: the worker makes it when the photo is
    chosen, so that the preview and publishing find it made."""
    photo = make_image("课后服务")
    with django_capture_on_commit_callbacks(execute=True):
        arrange.add_story(handbook, stories["this"].pk, photo=photo)
    made = set(photo.renditions.values_list("filter_spec", flat=True))
    assert {PRINT_RENDITION, *SCREEN_RENDITIONS} <= made, "the print copy, and the 编排 page's and web page's"


def test_a_sections_intro_is_written_on_the_page_and_printed_under_its_title(client, make_user, pool, handbook):
    client.force_login(make_user(roles.EDITOR))
    arrange.build_default_sections(handbook)
    section = handbook.sections.get(title="教育界")
    page = post(client, handbook, "section-intro", section=section.pk, intro="  教育界委员的心声。\n<b>第二行</b>  ")
    assert "已保存分组「教育界」的导语。" in page.content.decode()
    section.refresh_from_db()
    assert section.intro == "教育界委员的心声。\n<b>第二行</b>"
    assert "&lt;b&gt;第二行&lt;/b&gt;" in page.content.decode(), "shown as typed, not as markup"

    too_long = post(client, handbook, "section-intro", section=section.pk, intro="长" * 1001).content.decode()
    assert "「导语」：不能超过 1000 字（现有 1001 字）" in too_long
    section.refresh_from_db()
    assert section.intro.startswith("教育界委员的心声。"), "the refused one changes nothing"

    from handbook.pdf import handbook_context

    printed = next(s for s in handbook_context(handbook)["sections"] if s["section"].title == "教育界")
    assert printed["section"].intro == section.intro
