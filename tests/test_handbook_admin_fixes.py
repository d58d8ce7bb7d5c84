"""What the new user's walk of the handbook admin found (issue 20): the list tells an old version
from the current one and lets a reviewer publish a 草稿 from it; the 发布 page links a live page
for reading and does not offer a second page; an entry's page names the handbooks that print it;
修订再版 says what it does before it does it; the roster filter sits in the 委员 field."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from handbook import publish
from handbook.models import Handbook, HandbookItem, HandbookPage, HandbookSection
from people import roles

from .test_handbook_arrange import party_filing
from .test_handbook_publish import book, fake_pdf, media  # noqa: F401 (fixtures)

LIST = reverse("handbook_handbooks_modeladmin_index")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def rows_of(html):
    """The list's rows as visible text, one string each."""
    body = html.split('class="listing', 1)[1].split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")[:-1]]


def approve(page, reviewer):
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    state.current_task_state.specific.task.specific.on_action(state.current_task_state, reviewer, "approve")


def test_a_reviewer_publishes_a_draft_from_the_list_and_an_editor_is_not_offered_it(book, make_user):
    handbook = book["handbook"]
    publish_link = f'href="{reverse("handbook_publish", args=[handbook.pk])}"'
    html = logged_in(make_user(roles.REVIEWER)).get(LIST).content.decode()
    assert publish_link in html and "发布" in rows_of(html)[0]
    html = logged_in(make_user(roles.EDITOR)).get(LIST).content.decode()
    assert publish_link not in html and "编排" in rows_of(html)[0]


def test_after_a_revision_is_published_the_old_version_reads_superseded(book, make_user, fake_pdf):  # noqa: F811
    reviewer, editor = make_user(roles.REVIEWER), make_user(roles.EDITOR)
    first = publish.publish(book["handbook"], reviewer)
    revision = publish.revise(first, editor)

    html = logged_in(editor).get(LIST).content.decode()
    new, old = rows_of(html)  # newest version first
    assert "草稿" in new and "已发布" in old and "取代" not in old, "a draft revision replaces nothing yet"

    publish.publish(revision, reviewer)
    html = logged_in(editor).get(LIST).content.decode()
    new, old = rows_of(html)
    assert "已被第2版取代" in old and "已发布" not in old and "预览（旧版）" in old and "预览 PDF" not in old
    assert "已发布" in new and "预览 PDF" in new and "取代" not in new


def test_the_publish_page_links_the_live_page_and_does_not_offer_a_second_one(book, make_user, fake_pdf):  # noqa: F811
    reviewer, editor = make_user(roles.REVIEWER), make_user(roles.EDITOR)
    first = publish.publish(book["handbook"], reviewer, make_page=True)
    client = logged_in(reviewer)
    html = client.get(reverse("handbook_publish", args=[first.pk])).content.decode()
    assert "网页已提交内容审核，审核通过后上线" in html and "查看网页" not in html

    page = HandbookPage.objects.get()
    approve(page, reviewer)
    page.refresh_from_db()
    html = client.get(reverse("handbook_publish", args=[first.pk])).content.decode()
    assert "查看网页" in html and f'href="{page.url}"' in html and "经内容审核后上线" not in html
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[page.pk])}"' in html

    revision = publish.revise(first, editor)
    html = client.get(reverse("handbook_publish", args=[revision.pk])).content.decode()
    assert "网页已有，发布后显示这一版" in html and 'name="make_page"' not in html and "同时创建网页" not in html
    assert f'href="{page.url}"' in html


def test_an_entry_in_a_published_handbook_says_so_beside_its_mark(book, make_user, reference, members, fake_pdf):  # noqa: F811
    poem, sentence = book["poem"], book["sentence"]
    sentence.source, sentence.filing = "filing", party_filing(reference["minmeng"], members["doctor"])
    sentence.save()
    editor, reviewer = make_user(roles.EDITOR), make_user(roles.REVIEWER)
    client = logged_in(editor)

    def inspect(entry):
        url = reverse("handbook_reflections_modeladmin_inspect", args=[entry.pk])
        return re.sub(r"\s+", " ", client.get(url).content.decode())

    html = inspect(sentence)
    assert "查看备案表</a>" in html and "备案表 · 备案表" not in html
    assert "已刊入" not in html, "a 草稿 prints nothing yet"

    first = publish.publish(book["handbook"], reviewer)
    html = inspect(poem)
    assert "已刊入<a" in html and "《委员履职手册》2026年第1期</a>" in html
    assert "改变遴选结果不影响已发布的手册" in html

    revision = publish.revise(first, editor)
    HandbookItem.objects.filter(handbook=revision, reflection=poem).delete()
    HandbookSection.objects.filter(handbook=revision, title="教育界").delete()
    publish.publish(revision, reviewer)
    assert "已刊入" not in inspect(poem), "the newest version no longer prints it"
    html = inspect(sentence)
    assert "《委员履职手册》2026年第1期</a>（修订第2版）" in html


def test_revise_asks_before_it_copies(book, make_user, fake_pdf):  # noqa: F811
    first = publish.publish(book["handbook"], make_user(roles.REVIEWER))
    html = logged_in(make_user(roles.EDITOR)).get(reverse("handbook_arrange", args=[first.pk])).content.decode()
    step = html.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "<summary" in step and "修订再版…" in step
    assert "复制为第2版草稿" in step and "确认修订再版" in step
    assert f'action="{reverse("handbook_revise", args=[first.pk])}"' in step
    assert Handbook.objects.count() == 1, "opening the page copies nothing"


@pytest.mark.django_db
def test_the_roster_filter_sits_in_the_member_field(make_user):
    html = logged_in(make_user(roles.EDITOR)).get(reverse("handbook_paper")).content.decode()
    wrapper = html.split('<div class="w-field__wrapper', 2)[1]
    assert re.search(r"委员\s*<span class=\"w-required-mark\">", wrapper), "the first field is 委员"
    label, filter_box, select = (
        wrapper.index('<label class="w-field__label'),
        wrapper.index('id="member-filter"'),
        wrapper.index('<select name="member"'),
    )
    assert label < filter_box < select
