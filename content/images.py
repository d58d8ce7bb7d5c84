"""Which images the public may see. The image library also holds portraits of members who have
no public page and pictures of drafts; the API serves only what live public pages show."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, CharField, Q
from django.db.models.functions import Cast
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from people.models import Member

from .models import PostPicture, StoryPage, WorkstationPage, WorkstationPhoto, WorkstationPostPage


def public_images():
    """Images shown by live, public pages: workstation sign photos and photos, posts' covers and
    pictures, pictures in a story's body, and the portraits of members a live story or a live
    workstation presents."""
    stories = StoryPage.objects.live().public()
    stations = WorkstationPage.objects.live().public()
    posts = WorkstationPostPage.objects.live().public()
    presented = Member.objects.filter(
        Q(pk__in=stories.values("member")) | Q(pk__in=stations.values("lead_member")) | Q(workstations__in=stations)
    )
    in_story_bodies = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        to_content_type=ContentType.objects.get_for_model(get_image_model()),
        object_id__in=stories.annotate(key=Cast("pk", CharField())).values("key"),
    ).annotate(image_id=Cast("to_object_id", BigIntegerField()))
    shown = (
        Q(pk__in=stations.values("sign_photo"))
        | Q(pk__in=WorkstationPhoto.objects.filter(page__in=stations).values("image"))
        | Q(pk__in=posts.values("cover"))
        | Q(pk__in=PostPicture.objects.filter(page__in=posts).values("image"))
        | Q(pk__in=presented.values("photo"))
        | Q(pk__in=in_story_bodies.values("image_id"))
    )
    return get_image_model().objects.filter(shown)
