"""What a published 《委员履职手册》 points at stays as published (issue 20, review P1-1, P1-3, P1-4):
editors keep Wagtail's document permissions, yet cannot edit, move, replace or delete the handbook's
PDF nor put a document into its collection, one by one or in bulk; other documents upload as before.
A picked 委员风采 (or the index above it) is not deleted; the handbook page is made only by publishing;
期数 starts at 1."""

import sys
import types

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, ReferenceIndex

from content.models import HomePage, StoryPage
from handbook import publish
from handbook.models import Handbook, HandbookPage, HandbookStory
from handbook.protection import COLLECTION_REFUSED, DOCUMENT_REFUSED
from people import roles

from .test_handbook_publish import book, fake_render  # noqa: F401  (fixture)

Document = get_document_model()
PDF = b"%PDF-1.4\n% another file\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def published(book, make_user, monkeypatch, django_capture_on_commit_callbacks):  # noqa: F811
    """2026年第1期 published, as the worker has not yet run: Wagtail's queued reference-index task does
    nothing here, so whatever protects the document is there the moment publishing commits."""
    import wagtail.signal_handlers

    monkeypatch.setitem(sys.modules, "handbook.pdf", types.SimpleNamespace(render_handbook=fake_render))
    monkeypatch.setattr(
        wagtail.signal_handlers, "update_reference_index_task", types.SimpleNamespace(enqueue=lambda *args: None)
    )
    with django_capture_on_commit_callbacks(execute=True):
        handbook = publish.publish(book["handbook"], make_user(roles.REVIEWER))
    monkeypatch.undo()
    return handbook


@pytest.fixture
def editor(make_user):
    client = Client()
    client.force_login(make_user(roles.EDITOR))
    return client


def text_of(response):
    messages = " ".join(str(m) for m in response.context["messages"]) if response.context else ""
    return messages + response.content.decode()


def unchanged(document, before):
    document.refresh_from_db()
    assert (document.title, document.collection_id, document.file.name) == before[:3]
    with document.file.open("rb") as f:
        assert f.read() == before[3]
    response = Client().get(document.url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def state(document):
    with document.file.open("rb") as f:
        return (document.title, document.collection_id, document.file.name, f.read())


def test_an_editor_cannot_edit_move_or_replace_the_published_pdf(published, editor):
    document = published.document
    before = state(document)
    root = Collection.get_first_root_node()
    url = reverse("wagtaildocs:edit", args=[document.pk])
    assert editor.get(url).status_code == 200

    for change in (
        {"title": "改过的标题", "collection": document.collection_id},
        {"title": document.title, "collection": root.pk},  # out of the login-only collection
        {"title": document.title, "collection": document.collection_id, "file": SimpleUploadedFile("x.pdf", PDF)},
    ):
        response = editor.post(url, change, follow=True)
        assert DOCUMENT_REFUSED in text_of(response)
        unchanged(document, before)


def test_deleting_the_published_pdf_is_refused_and_it_stays(published, editor):
    document = published.document
    before = state(document)
    url = reverse("wagtaildocs:delete", args=[document.pk])
    page = editor.get(url).content.decode()
    assert "该文档仍被引用，不能删除。" in page  # Wagtail's own page: the handbook refers to it
    assert ReferenceIndex.get_grouped_references_to(document).is_protected

    response = editor.post(url, follow=True)
    assert response.status_code in (200, 403)
    assert Document.objects.filter(pk=document.pk).exists()
    unchanged(document, before)
    published.refresh_from_db()
    assert published.document_id == document.pk


def bulk_url(action, *documents):
    """As the 文档 list's bulk bar asks: the chosen ids and the list to come back to."""
    ids = "&".join(f"id={d.pk}" for d in documents)
    url = reverse("wagtail_bulk_action", args=("wagtaildocs", "document", action))
    return f"{url}?{ids}&next={reverse('wagtaildocs:index')}"


def test_bulk_actions_on_the_published_pdf_are_refused(published, editor):
    document = published.document
    before = state(document)
    other = Document.objects.create(title="会议通知", file=SimpleUploadedFile("notice.pdf", PDF))
    root = Collection.get_first_root_node()

    for action, data, told in (
        ("add_to_collection", {"collection": root.pk}, DOCUMENT_REFUSED),
        ("add_tags", {"tags": "旧"}, DOCUMENT_REFUSED),
        ("delete", {}, "没有权限"),  # Wagtail's own refusal: the handbook refers to it (reference index)
    ):
        response = editor.post(bulk_url(action, other, document), data, follow=True)
        assert response.status_code == 200 and told in text_of(response), action
        unchanged(document, before)
    assert document.tags.count() == 0 and Document.objects.filter(pk=other.pk).exists()

    response = editor.post(bulk_url("add_to_collection", other), {"collection": document.collection_id}, follow=True)
    assert COLLECTION_REFUSED in text_of(response)
    other.refresh_from_db()
    assert other.collection_id == root.pk


def test_other_documents_upload_and_edit_as_before_but_not_into_the_handbooks_collection(published, editor):
    root = Collection.get_first_root_node()
    response = editor.post(
        reverse("wagtaildocs:add"),
        {"title": "会议通知", "collection": root.pk, "file": SimpleUploadedFile("notice.pdf", PDF)},
        follow=True,
    )
    assert response.status_code == 200
    notice = Document.objects.get(title="会议通知")
    assert notice.collection_id == root.pk

    url = reverse("wagtaildocs:edit", args=[notice.pk])
    editor.post(url, {"title": "会议通知（更正）", "collection": root.pk}, follow=True)
    notice.refresh_from_db()
    assert notice.title == "会议通知（更正）"

    response = editor.post(url, {"title": notice.title, "collection": published.document.collection_id}, follow=True)
    assert COLLECTION_REFUSED in text_of(response)
    notice.refresh_from_db()
    assert notice.collection_id == root.pk

    response = editor.post(
        reverse("wagtaildocs:add"),
        {"title": "夹带", "collection": published.document.collection_id, "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert COLLECTION_REFUSED in response.content.decode()
    assert not Document.objects.filter(title="夹带").exists()


def test_the_handbook_page_is_not_offered_under_home_and_a_forged_add_is_no_500(site, editor):
    home = HomePage.objects.get()
    offered = editor.get(reverse("wagtailadmin_pages:add_subpage", args=[home.pk])).content.decode()
    assert "委员风采" in offered or "页面" in offered
    assert "委员履职手册页面" not in offered

    response = editor.post(
        reverse("wagtailadmin_pages:add", args=("handbook", "handbookpage", home.pk)),
        {"title": "手工的手册页", "slug": "by-hand"},
    )
    assert response.status_code in (302, 403)
    assert not HandbookPage.objects.exists()


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root-admin", password="pw-lianxin-123"))
    return client


def test_deleting_a_picked_story_or_its_index_is_refused_and_an_unpicked_one_deletes(book, site, admin_client):  # noqa: F811
    picked, unpicked = site["s1"], site["s2"]
    refused = "「王丽：守护孩子们的课后时光」已被《委员履职手册》2026年第1期选登，不能删除。"
    for page in (picked, site["stories"]):
        url = reverse("wagtailadmin_pages:delete", args=[page.pk])
        for response in (admin_client.get(url, follow=True), admin_client.post(url, follow=True)):
            assert response.status_code == 200
            assert refused in text_of(response)
        assert Page.objects.filter(pk=page.pk).exists()

    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete")) + f"?id={picked.pk}"
    response = admin_client.post(bulk, follow=True)
    assert response.status_code == 200 and "没有权限" in text_of(response)  # Wagtail's: the pick refers to it
    assert StoryPage.objects.filter(pk=picked.pk).exists()
    assert HandbookStory.objects.filter(story=picked).exists()

    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[unpicked.pk]), follow=True)
    assert response.status_code == 200
    assert not StoryPage.objects.filter(pk=unpicked.pk).exists()


def test_issue_zero_is_refused_on_its_field(db, editor):
    response = editor.post(
        reverse("handbook_handbooks_modeladmin_create"),
        {"year": 2026, "issue": 0, "title": "委员履职手册", "subtitle": "", "preface": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["issue"] == ["期数从 1 开始。"]
    assert not Handbook.objects.exists()
    from handbook import arrange

    with pytest.raises(arrange.ArrangeError, match="「期数」：期数从 1 开始。"):
        arrange.create_handbook(None, year=2026, issue=0)
