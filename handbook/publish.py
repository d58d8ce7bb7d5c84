"""Publishing a 《委员履职手册》 and 修订再版 (issue 20, 7).

A 审核员 publishes a 草稿: its PDF (pdf.render_handbook) becomes a Wagtail document in the
委员履职手册 collection, which only logged-in users may download (Wagtail's document view checks
the collection's restriction; nginx never serves documents/ itself), and optionally a draft
HandbookPage under 首页 goes to 内容审核. Before anything is written every problem is listed
(publish_problems); one problem and nothing is written. Once published the handbook is read only.

修订再版 copies a published handbook to version + 1 as a 草稿. Publishing that revision replaces
the file of the same document (same id, same name), so the address members saved keeps working,
and keeps the page, which shows the newest version (HandbookPage.current_handbook)."""

import io
import os
import uuid
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction
from wagtail.utils.file import hash_filelike

from forms_app.models import Reflection
from lianxin_site.db import locked
from lianxin_site.errors import DomainError

from .contents import contents_of
from .models import Handbook, HandbookItem, HandbookPage, HandbookSection, HandbookStory
from .protection import COLLECTION_NAME
from .rules import withdrawn_words

PUBLISH = "handbook.publish_handbook"
REVISE = "handbook.add_handbook"  # 修订再版 makes a new (draft) handbook: the editors' right


class PublishError(DomainError):
    """Publishing or 修订再版 refused; `problems` lists every reason (str() joins them)."""

    def __init__(self, problems):
        self.problems = list(problems) if not isinstance(problems, str) else [problems]
        super().__init__("；".join(self.problems))


def publish_problems(handbook, *, make_page=False):
    """Every reason the handbook cannot be published now, each a sentence for the reviewer, in the
    order the handbook reads; [] when it may be. `make_page`: also whether a page can be made."""
    contents = contents_of(handbook)
    problems = []
    if not contents.entry_count and not contents.highlights:
        problems.append("手册还没有任何内容：请先在编排页生成分组、选登委员风采")
    for section in contents.sections:
        if not section.entries:
            problems.append(f"分组「{section.title}」没有入选内容")
        withdrawn = [entry.reflection for entry in section.entries if entry.withdrawn]
        problems += withdrawn_words(withdrawn)
        for entry in section.entries:
            mark = entry.reflection.mark
            if not entry.withdrawn and mark != Reflection.Mark.CHOSEN:
                label = Reflection.Mark(mark).label
                problems.append(f"履职心语 #{entry.number} 已不是「入选」（现为「{label}」）")
    for highlight in contents.highlights:
        if not highlight.story.live:
            problems.append(f"委员风采「{highlight.title}」已不在网站上发布")
        if highlight.photo is None:
            problems.append(f"委员风采「{highlight.title}」没有可用的照片")
    if make_page and kept_page(handbook) is None:
        home = _home()
        if home is None:
            problems.append("网站还没有首页，不能创建网页")
        elif home.get_workflow() is None:
            problems.append("内容审核流程未设置，不能创建网页。请联系系统管理员")
    return problems


def newer_version(handbook):
    """A later version of the same year and 期数 (draft or published), or None."""
    return (
        Handbook.objects.filter(year=handbook.year, issue=handbook.issue, version__gt=handbook.version)
        .order_by("-version")
        .first()
    )


def published_for(user):
    """The handbooks a logged-in account reads and downloads: each (year, 期数)'s newest published
    version that has its PDF, newest first. None for visitors (the collection wants a login)."""
    if not user.is_authenticated or not user.is_active:
        return Handbook.objects.none()
    return Handbook.objects.latest_versions().filter(document__isnull=False).select_related("document")


def _locked(handbook):
    """The handbook's row, locked and read again (call inside atomic())."""
    row = locked(Handbook.objects.filter(pk=handbook.pk)).first()
    if row is None:
        raise PublishError("这本手册已不存在")
    return row


def _refusals(handbook, make_page):
    """Why `handbook` (read just now) cannot be published: someone did first, a newer version
    exists, or its problems. [] when it may be."""
    if handbook.is_published:
        return [already_published(handbook)]
    newer = newer_version(handbook)
    if newer is not None:
        return [f"{handbook.document_title()}已有第 {newer.version} 版，只能发布最新的版本"]
    return publish_problems(handbook, make_page=make_page)


def _fingerprint(handbook):
    """Everything of the handbook its PDF prints, to tell whether an editor changed it meanwhile."""
    contents = contents_of(handbook)
    return (
        Handbook.objects.filter(pk=handbook.pk)
        .values_list("year", "issue", "title", "subtitle", "cover_image", "preface")
        .first(),
        [
            (
                s.pk,
                s.title,
                s.intro,
                [(e.number, e.text, e.reflection.genre, e.reflection.mark, e.withdrawn) for e in s.entries],
            )
            for s in contents.sections
        ],
        [(h.item.pk, h.item.story_id, h.excerpt, h.photo.pk if h.photo else None) for h in contents.highlights],
    )


def publish(handbook, user, *, make_page=False):
    """Publish the 草稿 `handbook` as `user` (a 审核员): refuses with PublishError listing every
    problem, or that someone published it first, writing nothing. Returns the handbook.

    The PDF is rendered before the write transaction (a long handbook takes seconds, and SQLite
    would hold its one write lock all that time); under the lock everything is checked again and
    the handbook must be as it was rendered, or nothing is written."""
    if not user.has_perm(PUBLISH):
        raise PermissionDenied("只有审核员可以发布委员履职手册。")
    handbook = Handbook.objects.filter(pk=handbook.pk).first()
    if handbook is None:
        raise PublishError("这本手册已不存在")
    refusals = _refusals(handbook, make_page)
    if refusals:
        raise PublishError(refusals)
    rendered = _fingerprint(handbook)

    from .pdf import render_handbook  # WeasyPrint loads only when a handbook is rendered

    data = render_handbook(handbook)
    with _files_kept_only_if_committed() as written:
        handbook = _locked(handbook)
        refusals = _refusals(handbook, make_page)
        if refusals:
            raise PublishError(refusals)
        if _fingerprint(handbook) != rendered:
            raise PublishError("发布过程中手册被编辑修改过，没有发布；请查看后重新发布")
        handbook.document = _store(handbook, data, user, written)
        page = kept_page(handbook)
        if page is None and make_page:
            page = _draft_page(handbook, user)
        handbook.page = page
        handbook.status = Handbook.Status.PUBLISHED
        handbook.published_by, handbook.published_at = user, timezone.now()
        handbook.save(update_fields=["document", "page", "status", "published_by", "published_at"])
    return handbook


@transaction.atomic
def revise(handbook, user):
    """修订再版: copy the published, newest `handbook` to version + 1 as a 草稿, with its sections,
    items (the same reflections) and 委员风采 highlights. Returns the new draft."""
    if not user.has_perm(REVISE):
        raise PermissionDenied("只有编辑可以修订再版。")
    handbook = _locked(handbook)
    if not handbook.is_published:
        raise PublishError(f"{handbook.document_title()}还没有发布，可以直接修改，不需要修订再版")
    newer = newer_version(handbook)
    if newer is not None:
        state = "草稿" if not newer.is_published else "已发布"
        raise PublishError(f"{handbook.document_title()}已有修订第 {newer.version} 版（{state}），请在最新版本上修改")
    copy = Handbook.objects.create(
        year=handbook.year,
        issue=handbook.issue,
        version=handbook.version + 1,
        title=handbook.title,
        subtitle=handbook.subtitle,
        cover_image=handbook.cover_image,
        preface=handbook.preface,
        revises=handbook,
        created_by=user,
    )
    for section in handbook.sections.order_by("order", "pk"):
        new_section = HandbookSection.objects.create(
            handbook=copy,
            title=section.title,
            kind=section.kind,
            sector=section.sector,
            party=section.party,
            intro=section.intro,
            order=section.order,
        )
        HandbookItem.objects.bulk_create(
            HandbookItem(handbook=copy, section=new_section, reflection_id=item.reflection_id, order=item.order)
            for item in section.items.order_by("order", "pk")
        )
    HandbookStory.objects.bulk_create(
        HandbookStory(handbook=copy, story_id=s.story_id, excerpt=s.excerpt, photo_id=s.photo_id, order=s.order)
        for s in handbook.stories.order_by("order", "pk")
    )
    return copy


# --- the document


def already_published(handbook):
    """「…已由张三于 11月27日 10:20 发布」: what the second of two reviewers is told."""
    who = handbook.published_by
    name = (who.get_full_name() or who.get_username()) if who else "他人"
    when = f"于 {timezone.localtime(handbook.published_at):%m月%d日 %H:%M} " if handbook.published_at else ""
    return f"{handbook.document_title()}已由{name}{when}发布，不能再次发布；如需更正，请用「修订再版」"


def handbook_collection():
    """The 委员履职手册 collection under the root, made on first use with a login restriction
    (an administrator may change the restriction later; it is then kept)."""
    root = Collection.get_first_root_node()
    locked(Collection.objects.filter(pk=root.pk)).get()  # two first publishings make one collection
    collection = root.get_children().filter(name=COLLECTION_NAME).first()
    if collection is None:
        collection = root.add_child(name=COLLECTION_NAME)
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.LOGIN
        )
    return collection


def _previous_document(handbook):
    previous = handbook.revises
    while previous is not None:
        if previous.document_id:
            document = locked(get_document_model().objects.filter(pk=previous.document_id)).first()
            if document is not None:
                return document
        previous = previous.revises
    return None


@contextmanager
def _files_kept_only_if_committed():
    """A transaction (atomic()) that yields a list for the (storage, name) of every file written
    in it: if it does not commit (an exception inside, or the commit itself failing) those files
    are deleted, so a publishing that wrote nothing to the database leaves no file either."""
    written, committed = [], []
    try:
        with transaction.atomic():
            transaction.on_commit(lambda: committed.append(True))  # runs before the files' own callbacks
            yield written
    except BaseException:
        if not committed:
            for storage, name in written:
                storage.delete(name)
        raise


def _store(handbook, data, user, written):
    """The handbook's PDF as a document: a revision replaces the file of the document its earlier
    version published (same id, same file name: the address stays), anything else is a new one.
    Files written are added to `written` (see _files_kept_only_if_committed)."""
    Document = get_document_model()
    document = _previous_document(handbook)
    if document is None:
        document = Document(title=handbook.document_title(), collection=handbook_collection(), uploaded_by_user=user)
        document.file.save(f"handbook-{handbook.year}-{handbook.issue}.pdf", ContentFile(data), save=False)
        written.append((document.file.storage, document.file.name))
    else:
        _replace_file_on_commit(document.file, data, written)
    # The size and hash of the new bytes, written with the rest of the publishing (or not at all).
    document.file_size, document.file_hash = len(data), hash_filelike(io.BytesIO(data))
    document.save()
    return document


def _replace_file_on_commit(field_file, data, written):
    """New bytes under the same name, once the transaction commits: until then the live file keeps
    its bytes (a publishing that fails later changes nothing members download). On the local disk
    the new bytes wait in a file beside the old one and are moved over it in one step, so a download
    never finds no file; the old bytes are gone."""
    storage, name = field_file.storage, field_file.name
    try:
        target = storage.path(name)
    except NotImplementedError:  # a storage without local paths: free the name, write under it

        def write():
            storage.delete(name)
            storage.save(name, ContentFile(data))

        transaction.on_commit(write)
        return
    temporary = storage.save(
        os.path.join(os.path.dirname(name), f"replacing-{uuid.uuid4().hex}.pdf"), ContentFile(data)
    )
    written.append((storage, temporary))
    transaction.on_commit(lambda: os.replace(storage.path(temporary), target))


# --- the page


def _home():
    from content.models import HomePage

    return HomePage.objects.first()


def kept_page(handbook):
    """The page an earlier version made (修订再版 keeps it), or None."""
    previous = handbook.revises
    while previous is not None:
        if previous.page_id:
            page = HandbookPage.objects.filter(pk=previous.page_id).first()
            if page is not None:
                return page
        previous = previous.revises
    return None


def _free_slug(home, handbook):
    """handbook-2026-1, or with a suffix when an editor already used that address under 首页."""
    slug = f"handbook-{handbook.year}-{handbook.issue}"
    if home.get_children().filter(slug=slug).exists():
        slug += f"-{uuid.uuid4().hex[:6]}"
    return slug


def _draft_page(handbook, user):
    """A draft HandbookPage under 首页, for logged-in users only, submitted to 内容审核 as `user`.

    Two reviewers making two pages at once: 首页's row is locked and 首页 read again before the
    page is added, so the second waits and its page takes the next path under 首页. The treebeard
    installed now (5.3) locks it in add_child too, but Wagtail 8 allows treebeard 4.8, whose
    add_child took the path after the children it read: two pages got the same path and one
    publishing failed with a database error on PostgreSQL."""
    home = _home()
    locked(Page.objects.filter(pk=home.pk)).get()
    home = type(home).objects.get(pk=home.pk)
    page = HandbookPage(
        title=handbook.document_title(), slug=_free_slug(home, handbook), handbook=handbook, live=False, owner=user
    )
    home.add_child(instance=page)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    page.save_revision(user=user, log_action=True)
    page.get_workflow().start(page, user)
    return page
