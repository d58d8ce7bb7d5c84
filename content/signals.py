from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from lianxin_site.cache import clear_public_cache
from people.models import Member, Party, Sector, SpecialCommittee

from .images import make_renditions_later, page_image_ids

page_published.connect(clear_public_cache, dispatch_uid="lianxin-clear-on-publish")
page_unpublished.connect(clear_public_cache, dispatch_uid="lianxin-clear-on-unpublish")
# A moved page changes its own address and its old and new parents' lists.
post_page_move.connect(clear_public_cache, dispatch_uid="lianxin-clear-on-move")


@receiver(post_delete, dispatch_uid="lianxin-clear-on-page-delete")
def clear_on_page_delete(sender, **kwargs):
    if issubclass(sender, Page):
        clear_public_cache()


SEARCH_INDEX_TASK = "modelsearch.tasks.insert_or_update_object_task"


def _awaiting_index(pk):
    return f"lianxin:published-awaiting-index:{pk}"


@receiver(page_published, dispatch_uid="lianxin-published-awaits-index")
def note_published_awaiting_index(sender, instance, **kwargs):
    cache.set(_awaiting_index(instance.pk), True, 24 * 3600)


@receiver(task_finished, dispatch_uid="lianxin-clear-on-page-indexed")
def clear_when_a_published_page_is_indexed(sender, task_result, **kwargs):
    """A published page is indexed for search by the worker after the publish has cleared the
    page cache: a search asked in between is cached without the new page, and would stay so until
    the next publish. So the cache is cleared again once that page's index entry is written. (The
    page is indexed on every save, drafts and locks included: those leave the cache alone.)"""
    if task_result.task.module_path != SEARCH_INDEX_TASK or task_result.status != TaskResultStatus.SUCCESSFUL:
        return
    app_label, model_name, pk = task_result.args[:3]
    if not issubclass(apps.get_model(app_label, model_name), Page):
        return
    if cache.get(_awaiting_index(pk)):
        cache.delete(_awaiting_index(pk))
        clear_public_cache()


# Stories and workstations show members' names, sectors and parties.
for model in (Member, Sector, Party, SpecialCommittee):
    post_save.connect(clear_public_cache, sender=model, dispatch_uid=f"lianxin-clear-{model.__name__}")


# Renditions are made by the worker before a reader asks for them (content/images.py).
@receiver(page_published, dispatch_uid="lianxin-renditions-on-publish")
def renditions_on_publish(sender, instance, **kwargs):
    make_renditions_later(page_image_ids(instance))


@receiver(post_save, sender=get_image_model(), dispatch_uid="lianxin-renditions-on-image-save")
def renditions_on_image_save(sender, instance, raw=False, **kwargs):
    if not raw:
        make_renditions_later([instance.pk])


@receiver(post_init, sender=Member, dispatch_uid="lianxin-member-photo-as-loaded")
def remember_member_photo(sender, instance, **kwargs):
    # From __dict__: reading a deferred photo_id here would ask the database once per member loaded.
    instance._photo_as_loaded = instance.__dict__.get("photo_id")


@receiver(post_save, sender=Member, dispatch_uid="lianxin-renditions-on-member-save")
def renditions_on_member_save(sender, instance, raw=False, created=False, **kwargs):
    """A member's photo newly set: a roster import saving every member queues nothing for photos
    that did not change."""
    photo_id = instance.__dict__.get("photo_id")
    if not raw and photo_id and (created or photo_id != instance._photo_as_loaded):
        make_renditions_later([photo_id])
    instance._photo_as_loaded = photo_id


@receiver(post_page_move, dispatch_uid="lianxin-post-station-on-move")
def keep_post_station_on_move(sender, instance, parent_page_after, **kwargs):
    """A 动态 moved to another station counts in that station's months from then on: Wagtail saves
    the moved page as a plain Page, so WorkstationPostPage.save does not see the move."""
    from .models import WorkstationPostPage, station_id_above

    if issubclass(sender, WorkstationPostPage):
        WorkstationPostPage.objects.filter(pk=instance.pk).update(station_id=station_id_above(instance.path))
