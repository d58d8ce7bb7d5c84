"""Publishing and 编排 when something goes wrong half way or two people act at once (issue 20):
a publishing that fails after the PDF is written leaves the file members download as it was and
no stray file; a 草稿 with content keeps its 年度, a revision its 年度 and 期数; two editors moving
two 草稿 to one 期数, or two reviewers making two pages under 首页, get a message, never a 500."""

import hashlib
import threading

import pytest
from wagtail.documents import get_document_model
from wagtail.models import Page

from handbook import arrange, publish
from handbook.models import Handbook, HandbookItem, HandbookPage, HandbookSection, HandbookStory
from people import roles

from .test_concurrency import at_once
from .test_handbook_publish import book, chosen, fake_pdf, media  # noqa: F401 (fixtures)

Document = get_document_model()


def read(document):
    with document.file.open("rb") as f:
        return f.read()


def files_in_documents(document):
    return sorted(document.file.storage.listdir("documents")[1])


# --- a publishing that fails after its PDF is written


def test_a_revision_whose_publishing_fails_leaves_the_live_file_as_it_was(
    book, make_user, fake_pdf, monkeypatch, django_capture_on_commit_callbacks
):
    reviewer, editor = make_user(roles.REVIEWER), make_user(roles.EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        publish.publish(book["handbook"], reviewer)
    document = Document.objects.get()
    first_bytes = read(document)
    first_size, first_hash = document.file_size, document.file_hash
    revision = publish.revise(book["handbook"], editor)

    def broken_page(handbook, user):
        raise RuntimeError("内容审核出错")

    monkeypatch.setattr(publish, "_draft_page", broken_page)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            publish.publish(revision, reviewer, make_page=True)
    assert callbacks == [], "nothing is left to run once the transaction is rolled back"

    document.refresh_from_db()
    assert read(document) == first_bytes, "members still download the published version"
    assert (document.file_size, document.file_hash) == (first_size, first_hash)
    assert files_in_documents(document) == ["handbook-2026-1.pdf"], "no half-written file is left"
    revision.refresh_from_db()
    assert revision.status == Handbook.Status.DRAFT and revision.document_id is None

    # Published again without the fault, the new bytes go live, with their own size and hash.
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        publish.publish(revision, reviewer)
    document.refresh_from_db()
    new_bytes = read(document)
    assert new_bytes != first_bytes and "第2版".encode() not in first_bytes
    assert (document.file_size, document.file_hash) == (len(new_bytes), hashlib.sha1(new_bytes).hexdigest())
    assert files_in_documents(document) == ["handbook-2026-1.pdf"]


def test_a_first_publishing_that_fails_leaves_no_file(book, make_user, fake_pdf, monkeypatch, tmp_path):
    def broken_page(handbook, user):
        raise RuntimeError("内容审核出错")

    monkeypatch.setattr(publish, "_draft_page", broken_page)
    with pytest.raises(RuntimeError):
        publish.publish(book["handbook"], make_user(roles.REVIEWER), make_page=True)
    assert not Document.objects.exists()
    documents = tmp_path / "media" / "documents"
    assert not documents.exists() or list(documents.iterdir()) == []


# --- 年度 and 期数 of a 草稿


@pytest.fixture
def draft(db, members):
    handbook = Handbook.objects.create(year=2026, issue=1)
    section = HandbookSection.objects.create(handbook=handbook, title="教育界", kind="sector", order=1)
    return handbook, section


def test_a_draft_with_reflections_keeps_its_year(draft, members):
    handbook, section = draft
    arrange.save_handbook(handbook, year=2025, issue=1, title=handbook.title)  # sections only: it may move
    handbook.refresh_from_db()
    assert handbook.year == 2025
    reflection = chosen(members["teacher"], "课后服务，守护孩子。")
    reflection.year = 2025
    reflection.save()
    HandbookItem.objects.create(handbook=handbook, section=section, reflection=reflection, order=1)

    with pytest.raises(arrange.ArrangeError) as refused:
        arrange.save_handbook(handbook, year=2026, issue=1, title="新刊名")
    assert str(refused.value) == (
        "「年度」：手册中已编入2025年的履职心语或委员风采，不能改为2026年；请先移出或新建一期。"
    )
    handbook.refresh_from_db()
    assert (handbook.year, handbook.title) == (2025, "委员履职手册")
    arrange.save_handbook(handbook, year=2025, issue=2, title="新刊名")  # the same year: other fields save
    handbook.refresh_from_db()
    assert (handbook.issue, handbook.title) == (2, "新刊名")


def test_a_draft_with_stories_keeps_its_year(draft, site):
    handbook, _ = draft
    HandbookStory.objects.create(handbook=handbook, story=site["s1"], order=1)
    with pytest.raises(arrange.ArrangeError, match="「年度」：手册中已编入2026年"):
        arrange.save_handbook(handbook, year=2025)
    handbook.refresh_from_db()
    assert handbook.year == 2026


def test_a_revision_keeps_its_year_and_issue(book, make_user, fake_pdf):
    publish.publish(book["handbook"], make_user(roles.REVIEWER))
    revision = publish.revise(book["handbook"], make_user(roles.EDITOR))
    HandbookItem.objects.filter(handbook=revision).delete()
    HandbookStory.objects.filter(handbook=revision).delete()
    with pytest.raises(arrange.ArrangeError, match="^「期数」：修订再版沿用原刊的年度和期数（2026年第1期），不能修改$"):
        arrange.save_handbook(revision, issue=2)
    with pytest.raises(arrange.ArrangeError, match="^「年度」：修订再版沿用原刊的年度和期数"):
        arrange.save_handbook(revision, year=2025)
    arrange.save_handbook(revision, year=2026, issue=1, subtitle="更正版")
    revision.refresh_from_db()
    assert (revision.year, revision.issue, revision.subtitle) == (2026, 1, "更正版")


# --- two at once


def both_past(monkeypatch, module, name, when=lambda result: True):
    """Make `module.name` wait, once it has returned (and `when(result)`), until the other of two
    threads has got there too (or 3 seconds have passed: the other may be waiting for a lock this
    one holds): so the two go on at the same moment, as two people at once may."""
    real, barrier = getattr(module, name), threading.Barrier(2)

    def waiting(*args, **kwargs):
        result = real(*args, **kwargs)
        if when(result):
            try:
                barrier.wait(timeout=3)
            except threading.BrokenBarrierError:
                pass
        return result

    monkeypatch.setattr(module, name, waiting)


def test_a_save_that_loses_the_race_for_an_issue_is_told_the_issue_is_taken(db, monkeypatch):
    """What the database does when another editor took the 期数 between the check and the write."""
    Handbook.objects.create(year=2026, issue=1)
    second = Handbook.objects.create(year=2026, issue=2)
    checks = []
    real = arrange.issue_refusal

    def not_yet_taken(year, issue, handbook=None):
        checks.append((year, issue))
        return "" if len(checks) == 1 else real(year, issue, handbook)

    monkeypatch.setattr(arrange, "issue_refusal", not_yet_taken)
    with pytest.raises(arrange.ArrangeError, match="^「期数」：2026年第1期已有手册，请换一个期数（可用第3期）$"):
        arrange.save_handbook(second, issue=1, title="抢先")
    second.refresh_from_db()
    assert (second.issue, second.title) == (2, "委员履职手册")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_editors_moving_two_drafts_to_one_issue_at_once_one_saves(make_user, monkeypatch):
    drafts = [Handbook.objects.create(year=2026, issue=n) for n in (1, 2)]
    both_past(monkeypatch, arrange, "issue_refusal", when=lambda refusal: refusal == "")  # both found 第3期 free

    def move(handbook):
        try:
            return arrange.save_handbook(handbook, issue=3).issue
        except arrange.ArrangeError as exc:
            return str(exc)

    results = at_once(lambda: move(drafts[0]), lambda: move(drafts[1]))
    assert 3 in results
    assert any(isinstance(r, str) and r.startswith("「期数」：2026年第3期已有手册") for r in results), results
    assert sorted(Handbook.objects.values_list("issue", flat=True)) in ([1, 3], [2, 3])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_making_two_pages_at_once_both_publish(book, make_user, members, fake_pdf, monkeypatch):
    """Two revisions of two 期数, each making its page under 首页 at once: both pages are made."""
    first = book["handbook"]
    second = Handbook.objects.create(year=2026, issue=2)
    section = HandbookSection.objects.create(handbook=second, title="经济界", kind="sector", order=1)
    HandbookItem.objects.create(
        handbook=second, section=section, reflection=chosen(members["banker"], "为企业解难题。"), order=1
    )
    reviewer, editor = make_user(roles.REVIEWER), make_user(roles.EDITOR)
    revisions = []
    for handbook in (first, second):
        publish.publish(handbook, reviewer)
        revisions.append(publish.revise(handbook, editor))

    def publish_as(handbook, user):
        try:
            return publish.publish(handbook, user, make_page=True).page_id
        except Exception as exc:  # noqa: BLE001 - what the reviewer would have seen
            return repr(exc)

    others = [make_user(roles.REVIEWER) for _ in range(2)]
    both_past(monkeypatch, publish, "_free_slug")  # both about to put their page under 首页
    results = at_once(*(lambda h=h, u=u: publish_as(h, u) for h, u in zip(revisions, others, strict=True)))
    assert all(isinstance(r, int) for r in results), results
    pages = Page.objects.type(HandbookPage)
    assert pages.count() == 2
    assert len(set(pages.values_list("path", flat=True))) == 2
    home = Page.objects.get(pk=pages.first().get_parent().pk)
    assert home.numchild == home.get_children().count()
