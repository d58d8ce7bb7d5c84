"""Draft pages made from what members and offices filed, for the editors to finish and publish:
a 委员风采 story from a 五个一 filing's 展示一名委员履职风采, a 委员工作室 page from an approved
建立申请, and a station's 动态 written by its 召集人 on the phone (stations.convener submits it to
内容审核). The text comes from users, so every piece of it that becomes rich text goes through
paragraphs(), which escapes it: markup a user typed is shown as text, never run or stored as HTML.

Callers pass plain values, not their own models: content sits below forms_app and imports nothing
from it."""

import html
import re

from django.utils import timezone
from django.utils.html import format_html, format_html_join, strip_tags

from .models import PostPicture, StoryIndexPage, StoryPage, WorkstationIndexPage, WorkstationPage, WorkstationPostPage


def paragraphs(text):
    """Plain text typed by a user as rich-text paragraphs: one <p> per non-blank line, escaped."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return str(format_html_join("", "<p>{}</p>", ((line,) for line in lines)))


def paragraph_lines(markup):
    """The lines paragraphs() made, as plain text again (for editing a draft the user wrote)."""
    blocks = re.split(r"</p>|<br\s*/?>", markup or "")
    return [html.unescape(strip_tags(block)).strip() for block in blocks if strip_tags(block).strip()]


def titled_sections(items):
    """[(heading, text)] as rich text: an <h3> per heading, its text as paragraphs, all escaped."""
    return "".join(str(format_html("<h3>{}</h3>", heading)) + paragraphs(text) for heading, text in items)


def draft_story(*, member, title, slug, text, date=None):
    """A draft, unpublished 委员风采 story about `member`, under the first story index; None when
    the site has no 委员风采 section yet. `text` becomes the lead (cut to fit) and the body."""
    index = StoryIndexPage.objects.first()
    if index is None:
        return None
    lead_limit = StoryPage._meta.get_field("lead").max_length
    story = StoryPage(
        title=title,
        slug=slug,
        member=member,
        lead=" ".join(text.split())[:lead_limit],
        date=date or timezone.localdate(),
        body=[("paragraph", paragraphs(text))],
        live=False,
    )
    index.add_child(instance=story)
    story.save_revision()
    return story


def draft_workstation_page(*, title, slug, members, rules, **fields):
    """A draft, unpublished 委员工作室 page under the first workstation index, for the editors to
    complete (sign photo, duties, workflow, reception days); None when the site has no 委员工作室
    section yet. `rules`: [(rule name, text)]; `fields`: the page's own fields (address, mode,
    basis, sector, street_group, committee, lead_member, specialties)."""
    index = WorkstationIndexPage.objects.first()
    if index is None:
        return None
    page = WorkstationPage(title=title, slug=slug, rules=titled_sections(rules), live=False, **fields)
    index.add_child(instance=page)
    page.members.set(members)
    page.save()
    page.save_revision(log_action=True)
    return page


def _post_fields(post, *, title, date, category, activity_day, text, images):
    post.title = title
    post.draft_title = title
    post.date = date
    post.category = category
    post.activity_day = activity_day
    post.text = paragraphs(text)
    if images is not None:
        post.cover = images[0] if images else None
        post.pictures = [PostPicture(image=image, sort_order=n) for n, image in enumerate(images[1:])]


def draft_station_post(*, station, title, slug, date, category, activity_day, text, images, owner):
    """A draft, unpublished 动态 under `station`: the text escaped into paragraphs, the first image
    as the cover and the rest as its pictures. Its first revision is saved as `owner`'s."""
    post = WorkstationPostPage(slug=slug, live=False, owner=owner)
    _post_fields(post, title=title, date=date, category=category, activity_day=activity_day, text=text, images=images)
    station.add_child(instance=post)
    post.save_revision(user=owner, log_action=True)
    return post


def revise_station_post(post, *, title, date, category, activity_day, text, images, user):
    """A new revision of a 动态 from the latest one with the convener's changes; `images` None
    keeps the pictures it had. The live page, if any, changes only when the revision is published."""
    page = post.get_latest_revision_as_object()
    _post_fields(page, title=title, date=date, category=category, activity_day=activity_day, text=text, images=images)
    return page.save_revision(user=user, log_action=True)
