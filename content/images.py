"""Which images the public may see, and the renditions each is shown in.

The image library also holds portraits of members who have no public page and pictures of
drafts; the API serves only what live public pages show.

Renditions are made by the task worker when an image is saved, a member's photo set or a page
published (make_renditions), so a reader's first visit finds them ready instead of resizing
photos inside the request (the first uncached /workstations/ took 1.3 s)."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BigIntegerField, CharField, Q
from django.db.models.functions import Cast
from django_tasks import task
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


# The filter specs each kind of picture is shown in, by the templates (templates/content/), the
# {% portrait %} tag's widths and the API's fields (content/models.py). tests/test_public_speed.py
# checks that every spec a template names is listed here.
MEMBER_PHOTO = (
    "fill-240x240",  # story page portrait and the station's team (WorkstationPage.PORTRAIT)
    "fill-480x480",  # … at 2x
    "fill-400x400",  # story card, API member card
    "fill-800x800",  # … at 2x
    "fill-600x600",  # share card of a story
)
STATION_SIGN = ("fill-400x300", "fill-600x600", "width-960", "fill-800x600")
GALLERY = ("fill-400x300", "fill-800x600")  # a station's photos, a post's pictures
POST_COVER = ("fill-600x600", "width-960", "fill-800x600")
BODY_IMAGE = ("width-960",)  # a picture in a story's body


def rendition_specs(image):
    """Every spec the public site shows `image` in, from the places it is used."""
    image_type = ContentType.objects.get_for_model(get_image_model())
    uses = (
        (Member.objects.filter(photo=image), MEMBER_PHOTO),
        (WorkstationPage.objects.filter(sign_photo=image), STATION_SIGN),
        (WorkstationPhoto.objects.filter(image=image), GALLERY),
        (PostPicture.objects.filter(image=image), GALLERY),
        (WorkstationPostPage.objects.filter(cover=image), POST_COVER),
        (ReferenceIndex.objects.filter(to_content_type=image_type, to_object_id=str(image.pk)), BODY_IMAGE),
    )
    return sorted({spec for rows, specs in uses if rows.exists() for spec in specs})


@task()
def make_renditions(image_id):
    """Make (or find) every rendition the site shows the image in. Returns the specs."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return []
    specs = rendition_specs(image)
    if specs:
        image.get_renditions(*specs)
    return specs


def page_image_ids(page):
    """The images a story, workstation or post shows, members' photos included."""
    page = page.specific
    ids = set()
    if isinstance(page, StoryPage):
        ids.add(page.member.photo_id)
        image_type = ContentType.objects.get_for_model(get_image_model())
        used = ReferenceIndex.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(page.pk),
            to_content_type=image_type,
        )
        ids.update(int(key) for key in used.values_list("to_object_id", flat=True))
    elif isinstance(page, WorkstationPage):
        ids.add(page.sign_photo_id)
        ids.update(photo.image_id for photo in page.photos.all())
        ids.add(page.lead_member.photo_id)
        ids.update(member.photo_id for member in page.members.all())
    elif isinstance(page, WorkstationPostPage):
        ids.add(page.cover_id)
        ids.update(picture.image_id for picture in page.pictures.all())
    return sorted(pk for pk in ids if pk)


def make_renditions_later(image_ids):
    """Once the transaction commits, one make_renditions task per image."""
    image_ids = [pk for pk in image_ids if pk]

    def enqueue():
        for pk in image_ids:
            make_renditions.enqueue(pk)

    if image_ids:
        transaction.on_commit(enqueue)
