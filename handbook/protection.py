"""What a published 《委员履职手册》 points at stays as it was published (issue 20, review P1-1/P1-3).

Editors and reviewers hold Wagtail's document permissions on the root collection, which reach the
委员履职手册 collection too; without these checks an editor could move the handbook's PDF out of its
login-only collection, replace its file or delete it from 文档, or delete a 委员风采 a handbook picked.
Only publishing (publish.py) writes those documents; a correction goes through 修订再版.

- HandbookDocumentForm (WAGTAILDOCS_DOCUMENT_FORM_BASE): every document form of the admin (edit,
  upload, multiple upload, the chooser's upload) refuses a change to such a document and a document
  put into that collection.
- refuse_bulk_action / refuse_page_delete (wagtail_hooks.py): bulk delete, 添加到集合 and tagging of
  such documents, and deleting a picked story page (or a page above one).
- Handbook and HandbookStory are in Wagtail's reference index (apps.py), so Wagtail's own delete
  views list them and refuse (their foreign keys PROTECT); they are indexed when the saving
  transaction commits, not by the worker, so a document is protected the moment it is published."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from wagtail.documents.forms import BaseDocumentForm
from wagtail.models import Collection, Page, ReferenceIndex

from .models import Handbook, HandbookStory

COLLECTION_NAME = "委员履职手册"  # publish.handbook_collection makes it under the root, and fills it
DOCUMENT_REFUSED = "《委员履职手册》的文件由发布生成，不能在这里修改；如需更正，请「修订再版」后重新发布。"
COLLECTION_REFUSED = "「委员履职手册」集合只放发布生成的手册，请选择其他集合。"


def handbook_collections():
    """The 委员履职手册 collection (a queryset: none before the first publishing)."""
    root = Collection.get_first_root_node()
    if root is None:
        return Collection.objects.none()
    return root.get_children().filter(name=COLLECTION_NAME)


def handbook_documents(documents):
    """Those of `documents` (a queryset) that publishing made: in the 委员履职手册 collection, or
    the PDF of a handbook wherever an administrator put it."""
    pdfs = Handbook.objects.filter(document__isnull=False).values("document")
    return documents.filter(Q(collection__in=handbook_collections()) | Q(pk__in=pdfs))


def is_handbook_document(document):
    return document.pk is not None and handbook_documents(type(document).objects.filter(pk=document.pk)).exists()


def picked_in(page):
    """The first pick (HandbookStory) of `page` or of a page below it, newest handbook first, or None."""
    return (
        HandbookStory.objects.filter(story__path__startswith=page.path, story__depth__gte=page.depth)
        .select_related("handbook", "story")
        .order_by("-handbook__year", "-handbook__issue", "-handbook__version", "pk")
        .first()
    )


def pick_refusal(page):
    """「「…」已被《委员履职手册》2026年第1期选登，不能删除。」 when `page` or a page below it is picked, else None."""
    pick = picked_in(page)
    if pick is None:
        return None
    return f"「{pick.story.title}」已被{pick.handbook.document_title()}选登，不能删除。"


class HandbookDocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing what only publishing may do (module docstring)."""

    def clean(self):
        cleaned_data = super().clean()
        if is_handbook_document(self.instance):
            raise ValidationError(DOCUMENT_REFUSED)
        collection = cleaned_data.get("collection")
        if collection is not None and handbook_collections().filter(pk=collection.pk).exists():
            self.add_error("collection" if "collection" in self.fields else None, COLLECTION_REFUSED)
        return cleaned_data


def bulk_refusal(action, action_type, objects):
    """Why Wagtail's bulk `action` on `objects` must not run, or None."""
    from wagtail.documents import get_document_model

    model = action.model
    if issubclass(model, get_document_model()):
        if handbook_documents(model.objects.filter(pk__in=[obj.pk for obj in objects])).exists():
            return DOCUMENT_REFUSED
        target = getattr(action, "cleaned_form", None) and action.cleaned_form.cleaned_data.get("collection")
        if target is not None and handbook_collections().filter(pk=target.pk).exists():
            return COLLECTION_REFUSED
    elif issubclass(model, Page) and action_type == "delete":
        for page in objects:
            refusal = pick_refusal(page)
            if refusal:
                return refusal
    return None


def refuse_bulk_action(request, action_type, objects, action):
    """before_bulk_action: back to the list with the reason, nothing done."""
    refusal = bulk_refusal(action, action_type, objects)
    if refusal:
        messages.error(request, refusal)
        return redirect(action.next_url)
    return None


def refuse_page_delete(request, page):
    """before_delete_page: a picked story (or a page above one) stays; back to its parent's list."""
    refusal = pick_refusal(page)
    if refusal:
        messages.error(request, refusal)
        parent = page.get_parent()
        return redirect("wagtailadmin_explore", parent.pk) if parent else redirect("wagtailadmin_home")
    return None


# --- the reference index, written when the transaction commits


def _index(model, pk):
    instance = model.objects.filter(pk=pk).first()
    if instance is not None:  # gone meanwhile: its rows went with it (Wagtail's post_delete)
        with transaction.atomic():
            ReferenceIndex.create_or_update_for_object(instance)


def index_on_commit(sender, instance, raw=False, **kwargs):
    """post_save of Handbook and HandbookStory. Wagtail's own handler queues a task for the worker,
    which would leave a just published PDF unprotected until the worker ran, and fail on a pick
    removed before it did (as entries' did: forms_app Reflection)."""
    if raw:
        return
    transaction.on_commit(lambda: _index(sender, instance.pk))


def register_in_reference_index():
    """HandbookConfig.ready: index Handbook (→ its document, page) and HandbookStory (→ its story)
    with the handlers above in place of Wagtail's queued ones. (`migrate` connects Wagtail's again
    in its own process, where both then run: the tests'.)"""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signal_handlers import (
        disconnect_reference_index_signal_handlers_for_model,
        remove_reference_index_on_delete,
    )

    for model in (Handbook, HandbookStory):
        ReferenceIndex.register_model(model)
        disconnect_reference_index_signal_handlers_for_model(model)
        post_save.connect(index_on_commit, sender=model, dispatch_uid=f"handbook_index_{model.__name__}")
        post_delete.connect(remove_reference_index_on_delete, sender=model)
