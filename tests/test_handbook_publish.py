"""Publishing the 《委员履职手册》 and 修订再版 (issue 20, 7 and Bad input): every problem listed in the
committee's words with nothing written; a good publish makes the document in the 委员履职手册
collection (logged-in users only) and optionally a draft page in 内容审核; 修订再版 copies the
handbook and its publish replaces the same document's file at the same address; members find the
handbooks on 我的工作台; of two reviewers publishing at once one wins."""

import subprocess
import sys
import types

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, WorkflowState

from forms_app.five_ones.rules import withdraw_reflections
from forms_app.models import Reflection
from handbook import publish
from handbook.models import Handbook, HandbookItem, HandbookPage, HandbookSection, HandbookStory
from people import roles

from .test_concurrency import at_once, client_of

Document = get_document_model()
POEM = "春风吹进社区里，\n委员走访到家门。\n<b>民声</b>记在心头上。"


def fake_render(handbook):
    """A small real PDF naming the version, so that two versions' bytes differ."""
    from weasyprint import HTML

    return HTML(string=f"<p>{handbook.document_title()} 第{handbook.version}版</p>").write_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test its own MEDIA_ROOT: the documents' file names are the test's to check."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def fake_pdf(monkeypatch):
    # handbook/pdf.py renders the whole booklet (tests/test_handbook_pdf.py); these tests need only
    # a PDF, not its layout. Put in as a module so that publish's own `from .pdf import …` finds it.
    monkeypatch.setitem(sys.modules, "handbook.pdf", types.SimpleNamespace(render_handbook=fake_render))


def chosen(member, text, **fields):
    return Reflection.objects.create(
        member=member, text=text, year=2026, source="member", mark=Reflection.Mark.CHOSEN, **fields
    )


@pytest.fixture
def book(site, members, reference):
    """A good 2026 第1期: 教育界 with a poem, 医药卫生界 with a sentence, 王丽's story (her photo)."""
    handbook = Handbook.objects.create(year=2026, issue=1, subtitle="履职心语选登", preface="第一段。\n\n第二段。")
    education = HandbookSection.objects.create(
        handbook=handbook, title="教育界", kind="sector", sector=reference["education"], order=1
    )
    health = HandbookSection.objects.create(
        handbook=handbook, title="医药卫生界", kind="sector", sector=reference["health"], order=2
    )
    poem = chosen(members["teacher"], POEM, genre="poem")
    sentence = chosen(members["doctor"], "把群众的事当成自己的事。", genre="sentence")
    HandbookItem.objects.create(handbook=handbook, section=education, reflection=poem, order=1)
    HandbookItem.objects.create(handbook=handbook, section=health, reflection=sentence, order=1)
    HandbookStory.objects.create(handbook=handbook, story=site["s1"], order=1)
    return {"handbook": handbook, "education": education, "health": health, "poem": poem, "sentence": sentence}


def nothing_written(handbook):
    handbook.refresh_from_db()
    assert handbook.status == Handbook.Status.DRAFT and handbook.document_id is None and handbook.page_id is None
    assert not Document.objects.exists()
    assert not HandbookPage.objects.exists()
    assert not Collection.objects.filter(name="委员履职手册").exists()


def publish_url(handbook):
    return reverse("handbook_publish", args=[handbook.pk])


def messages_in(response):
    return " ".join(str(m) for m in response.context["messages"])


# --- bad input: every problem, nothing written


def test_every_problem_is_listed_in_the_committees_words_and_nothing_is_written(
    book, site, members, make_user, fake_pdf
):
    handbook = book["handbook"]
    empty = HandbookSection.objects.create(handbook=handbook, title="经济界", kind="sector", order=3)
    withdrawn = chosen(members["banker"], "写了又撤回的一句话。", withdrawn_at=timezone.now())
    HandbookItem.objects.create(handbook=handbook, section=empty, reflection=withdrawn)
    HandbookItem.objects.filter(reflection=book["poem"]).delete()  # 教育界 now has nothing
    reserve = chosen(members["engineer"], "后来改为备选的一句话。")
    reserve.mark = Reflection.Mark.RESERVE
    reserve.save()
    HandbookItem.objects.create(handbook=handbook, section=book["health"], reflection=reserve, order=2)
    HandbookStory.objects.create(handbook=handbook, story=site["s2"], order=2)  # 李强 has no photo
    site["s3"].unpublish()
    HandbookStory.objects.create(handbook=handbook, story=site["s3"], order=3)

    reviewer = make_user(roles.REVIEWER)
    with pytest.raises(publish.PublishError) as refused:
        publish.publish(handbook, reviewer, make_page=True)
    problems = refused.value.problems
    assert "分组「教育界」没有入选内容" in problems
    assert "委员风采「李强：让老人在家门口安享晚年」没有可用的照片" in problems
    assert f"履职心语 #{withdrawn.pk} 已被作者撤回" in problems
    assert f"履职心语 #{reserve.pk} 已不是「入选」（现为「备选」）" in problems
    assert "委员风采「赵敏：推动垃圾分类进社区」已不在网站上发布" in problems
    assert "委员风采「赵敏：推动垃圾分类进社区」没有可用的照片" in problems
    assert len(problems) == 6
    nothing_written(handbook)

    client = Client()
    client.force_login(reviewer)
    page = client.get(publish_url(handbook)).content.decode()
    assert "发布前需要处理的问题（6 个）" in page and "分组「教育界」没有入选内容" in page
    assert 'type="submit" disabled' in page
    response = client.post(publish_url(handbook), {"make_page": "on"}, follow=True)
    assert "没有发布：发现 6 个问题" in messages_in(response)
    nothing_written(handbook)


def test_a_handbook_changed_while_its_pdf_renders_is_not_published(book, make_user, monkeypatch):
    handbook = book["handbook"]

    def render_while_an_editor_renames(rendering):
        HandbookSection.objects.filter(pk=book["health"].pk).update(title="医卫界")
        return fake_render(rendering)

    monkeypatch.setitem(
        sys.modules, "handbook.pdf", types.SimpleNamespace(render_handbook=render_while_an_editor_renames)
    )
    with pytest.raises(publish.PublishError) as refused:
        publish.publish(handbook, make_user(roles.REVIEWER), make_page=True)
    assert refused.value.problems == ["发布过程中手册被编辑修改过，没有发布；请查看后重新发布"]
    nothing_written(handbook)


def test_an_empty_handbook_is_not_published(db, make_user, fake_pdf):
    handbook = Handbook.objects.create(year=2026, issue=2)
    with pytest.raises(publish.PublishError) as refused:
        publish.publish(handbook, make_user(roles.REVIEWER))
    assert refused.value.problems == ["手册还没有任何内容：请先在编排页生成分组、选登委员风采"]
    nothing_written(handbook)


# --- a good publish


def test_a_reviewer_publishes_the_pdf_into_the_collection_and_then_it_is_read_only(book, make_user, fake_pdf):
    handbook = book["handbook"]
    reviewer = make_user(roles.REVIEWER)
    client = Client()
    client.force_login(reviewer)
    assert "同时创建网页（经内容审核后上线）" in client.get(publish_url(handbook)).content.decode()

    response = client.post(publish_url(handbook), follow=True)
    assert "已发布《委员履职手册》2026年第1期。" in messages_in(response)
    handbook.refresh_from_db()
    assert handbook.is_published and handbook.published_by == reviewer and handbook.page_id is None
    document = handbook.document
    assert document.title == "《委员履职手册》2026年第1期"
    assert document.collection.name == "委员履职手册"
    assert document.collection.get_parent() == Collection.get_first_root_node()
    assert list(document.collection.get_view_restrictions().values_list("restriction_type", flat=True)) == [
        CollectionViewRestriction.LOGIN
    ]
    with document.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert document.filename == "handbook-2026-1.pdf"

    response = client.post(publish_url(handbook), follow=True)
    assert "已由" in messages_in(response) and "不能再次发布" in messages_in(response)
    assert Document.objects.count() == 1
    assert "已发布的手册不能再修改" in response.content.decode()


def test_make_page_creates_a_draft_page_in_review_for_logged_in_users(book, make_user, members, fake_pdf):
    handbook = book["handbook"]
    reviewer = make_user(roles.REVIEWER)
    client = Client()
    client.force_login(reviewer)
    response = client.post(publish_url(handbook), {"make_page": "on"}, follow=True)
    assert "网页已提交内容审核" in messages_in(response)
    handbook.refresh_from_db()
    page = HandbookPage.objects.get()
    assert handbook.page.specific == page and page.handbook == handbook
    assert not page.live and page.title == "《委员履职手册》2026年第1期" and page.slug == "handbook-2026-1"
    assert page.get_parent().specific_class.__name__ == "HomePage"
    assert PageViewRestriction.objects.filter(page=page, restriction_type=PageViewRestriction.LOGIN).exists()
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    assert state.workflow.name == "内容审核"

    # A reviewer approves it: logged-in users read it, visitors are sent to log in.
    state.current_task_state.specific.task.specific.on_action(state.current_task_state, reviewer, "approve")
    page.refresh_from_db()
    assert page.live
    assert Client().get(page.url)["Location"].startswith(reverse("login"))
    member = Client()
    member.force_login(make_user(roles.MEMBER, member=members["teacher"]))
    html = member.get(page.url).content.decode()
    assert "教育界" in html and "医药卫生界" in html and "第一段。" in html
    assert "春风吹进社区里，<br>委员走访到家门。<br>&lt;b&gt;民声&lt;/b&gt;记在心头上。" in html
    assert "王丽 · 教育界" in html and "王丽：守护孩子们的课后时光" in html
    assert f'href="{handbook.document.url}"' in html and "下载 PDF" in html
    assert Client().get(page.url).status_code == 302, "what a member saw is never kept for visitors"

    # The author withdraws the poem afterwards: the printed PDF keeps it, the page no longer shows it.
    withdraw_reflections([book["poem"]])
    html = member.get(page.url).content.decode()
    assert "春风吹进社区里" not in html and "把群众的事当成自己的事。" in html


# --- 修订再版


def test_a_revision_copies_the_handbook_and_its_publish_keeps_the_documents_address(
    book, make_user, members, fake_pdf, django_capture_on_commit_callbacks
):
    handbook = book["handbook"]
    reviewer, editor = make_user(roles.REVIEWER), make_user(roles.EDITOR)
    publish.publish(handbook, reviewer, make_page=True)
    handbook.refresh_from_db()
    first = handbook.document
    with first.file.open("rb") as f:
        first_bytes = f.read()
    address, first_path = first.url, first.file.path

    with pytest.raises(publish.PublishError, match="还没有发布"):
        publish.revise(Handbook.objects.create(year=2026, issue=3), editor)
    revision = publish.revise(handbook, editor)
    assert (revision.version, revision.status, revision.revises) == (2, Handbook.Status.DRAFT, handbook)
    assert [s.title for s in revision.sections.order_by("order")] == ["教育界", "医药卫生界"]
    assert set(revision.items.values_list("reflection", flat=True)) == {book["poem"].pk, book["sentence"].pk}
    assert list(revision.stories.values_list("story", flat=True)) == [HandbookStory.objects.first().story_id]
    assert handbook.items.count() == 2, "the published version keeps its own rows"
    with pytest.raises(publish.PublishError, match="已有修订第 2 版"):
        publish.revise(handbook, editor)

    HandbookItem.objects.filter(handbook=revision, reflection=book["sentence"]).delete()
    HandbookSection.objects.filter(handbook=revision, title="医药卫生界").delete()
    with django_capture_on_commit_callbacks(execute=True):  # the new bytes go live once it commits
        publish.publish(revision, reviewer)
    revision.refresh_from_db()
    assert revision.document_id == first.pk and revision.page_id == handbook.page_id
    document = Document.objects.get(pk=first.pk)
    assert document.url == address and document.file.path == first_path
    assert document.title == "《委员履职手册》2026年第1期"
    with document.file.open("rb") as f:
        assert f.read() != first_bytes
    assert document.file.storage.listdir("documents")[1] == ["handbook-2026-1.pdf"], "the old bytes are gone"
    assert list(Handbook.objects.latest_versions()) == [revision]
    page = HandbookPage.objects.get()
    assert page.current_handbook() == revision

    # The page (approved now) shows the revision, with the same download address.
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    state.current_task_state.specific.task.specific.on_action(state.current_task_state, reviewer, "approve")
    member = Client()
    member.force_login(make_user(roles.MEMBER, member=members["teacher"]))
    html = member.get(page.url).content.decode()
    assert "修订第2版" in html and "医药卫生界" not in html and f'href="{address}"' in html


def test_an_editor_cannot_publish_and_a_reviewer_cannot_revise(book, make_user, fake_pdf):
    handbook = book["handbook"]
    editor, reviewer = make_user(roles.EDITOR), make_user(roles.REVIEWER)
    client = Client()
    client.force_login(editor)
    # The admin answers a refused admin page by sending the user back to its dashboard with a message.
    assert client.get(publish_url(handbook))["Location"] == reverse("wagtailadmin_home")
    assert client.post(publish_url(handbook))["Location"] == reverse("wagtailadmin_home")
    with pytest.raises(PermissionDenied):
        publish.publish(handbook, editor)
    nothing_written(handbook)

    publish.publish(handbook, reviewer)
    client.force_login(reviewer)
    assert client.post(reverse("handbook_revise", args=[handbook.pk]))["Location"] == reverse("wagtailadmin_home")
    assert Handbook.objects.count() == 1


def test_revise_in_the_admin_opens_the_new_drafts_arrange_page(book, make_user, fake_pdf):
    handbook = book["handbook"]
    publish.publish(handbook, make_user(roles.REVIEWER))
    client = Client()
    client.force_login(make_user(roles.EDITOR))
    response = client.post(reverse("handbook_revise", args=[handbook.pk]))
    revision = Handbook.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == reverse("handbook_arrange", args=[revision.pk])
    response = client.post(reverse("handbook_revise", args=[handbook.pk]), follow=True)
    assert "已有修订第 2 版（草稿）" in messages_in(response)
    assert Handbook.objects.count() == 2


# --- members download it


def test_visitors_are_sent_to_log_in_and_members_download_and_find_it_on_their_page(book, make_user, members, fake_pdf):
    handbook = publish.publish(book["handbook"], make_user(roles.REVIEWER))
    document = handbook.document
    response = Client().get(document.url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for sneaky in ("", "./", "/", "%2e/", "images/../"):
        url = f"/media/{sneaky}{document.file.name}"
        assert Client().get(url).status_code == 404, f"never straight from the folder: {url}"

    member = Client()
    member.force_login(make_user(roles.MEMBER, member=members["teacher"]))
    response = member.get(document.url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    home = member.get(reverse("my_home")).content.decode()
    assert "《委员履职手册》" in home and "2026年第1期 · 委员履职手册：履职心语选登" in home
    assert f'href="{document.url}"' in home

    draft = Handbook.objects.create(year=2027, issue=1)
    assert draft not in publish.published_for(make_user(roles.MEMBER))
    assert not publish.published_for(type("Visitor", (), {"is_authenticated": False})()).exists()


# --- the real booklet


def test_the_published_document_is_the_real_booklet(book, make_user, tmp_path):
    handbook = publish.publish(book["handbook"], make_user(roles.REVIEWER))
    path = tmp_path / "handbook.pdf"
    with handbook.document.file.open("rb") as f:
        path.write_bytes(f.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "医药卫生界" in text and "把群众的事当成自己的事。" in text and "王丽：守护孩子们的课后时光" in text


# --- two reviewers at once


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_publishing_at_once_one_wins_and_the_other_is_told(book, make_user, fake_pdf):
    handbook = book["handbook"]
    reviewers = [client_of(make_user(roles.REVIEWER)) for _ in range(2)]
    url = publish_url(handbook)
    responses = at_once(lambda: reviewers[0].post(url, {"make_page": "on"}), lambda: reviewers[1].post(url))
    assert [r.status_code for r in responses] == [302, 302]
    told = [" ".join(str(m) for m in client.get(url).context["messages"]) for client in reviewers]
    assert sorted("已发布《委员履职手册》2026年第1期" in t for t in told) == [False, True]
    assert any("不能再次发布" in t for t in told)
    assert Document.objects.count() == 1 and Handbook.objects.get().is_published
    assert Page.objects.type(HandbookPage).count() <= 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_revising_at_once_make_one_draft(book, make_user, fake_pdf):
    handbook = publish.publish(book["handbook"], make_user(roles.REVIEWER))
    editors = [make_user(roles.EDITOR) for _ in range(2)]

    def revise_as(editor):
        try:
            return publish.revise(handbook, editor).version
        except publish.PublishError as exc:
            return str(exc)

    results = at_once(lambda: revise_as(editors[0]), lambda: revise_as(editors[1]))
    assert 2 in results
    assert any(isinstance(r, str) and "已有修订第 2 版（草稿）" in r for r in results)
    assert Handbook.objects.filter(version=2).count() == 1
    assert HandbookSection.objects.filter(handbook__version=2).count() == 2
