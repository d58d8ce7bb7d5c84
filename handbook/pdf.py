"""The 《委员履职手册》 as the printer takes it: A5, 15 mm inner and 12 mm outer margins for the
binding, a cover without header or number, 前言, 目录 whose numbers are the PDF's own page numbers,
each section on a right-hand page, running headers (the handbook on left pages, the section on
right ones) and the 委员风采 with their photos as print renditions.

Everything is read once through contents.contents_of and laid out by the template
(templates/handbook/pdf/handbook.html); forms_app.pdf.render_pdf embeds Noto Serif CJK SC as a
subset. Photos are handed to WeasyPrint as local files (file:// URIs of their renditions): it
never fetches anything over the network."""

import base64
import math
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django_tasks import task

from forms_app.pdf import render_pdf

from .contents import contents_of
from .models import Handbook

# What a printer needs of a photo on an A5 page (about 120 mm wide at 250 dpi), no more.
PRINT_RENDITION = "max-1200x1200|format-jpeg|jpegquality-80"
# A highlight's photo as the 编排 page and the handbook's web page show it: made with the print copy,
# so that no reader or editor waits for a camera original to be shrunk.
SCREEN_RENDITIONS = ("max-160x120", "max-640x480")
# Characters in a line of the A5 text block at the body size, and the lines an entry (its byline
# included) may take and still be kept on one page.
LINE_CHARS = 30
SHORT_LINES = 12


def image_uri(image):
    """A URI WeasyPrint reads from disk for `image`'s print rendition (a data: URI when the
    storage has no local path), or None when its file cannot be read."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(PRINT_RENDITION)
    except Exception:  # noqa: BLE001  (a missing or broken original: the page goes without it)
        return None
    try:
        return Path(rendition.file.path).as_uri()
    except NotImplementedError:
        with rendition.file.open("rb") as stored:
            return "data:image/jpeg;base64," + base64.b64encode(stored.read()).decode()


def paragraphs(text):
    """Plain text's paragraphs: blocks between blank lines, each with its lines joined."""
    return [
        "".join(line.strip() for line in block.splitlines())
        for block in re.split(r"\n\s*\n", text.strip())
        if block.strip()
    ]


@dataclass
class PrintedEntry:
    """One reflection as it is set: `blocks` are its lines (a poem or a song: one block per line,
    None for the blank line between stanzas) or its paragraphs (prose)."""

    entry: object
    blocks: list
    verse: bool

    @property
    def byline(self):
        return self.entry.byline

    @property
    def keep_together(self):
        """A short entry never splits across pages (a long story may, between its lines)."""
        lines = sum(max(1, math.ceil(len(block) / LINE_CHARS)) for block in self.blocks if block) + 1
        return lines <= SHORT_LINES


def printed(entry):
    if entry.keeps_lines:
        lines = entry.text.strip().splitlines()
        return PrintedEntry(entry, [line.strip() or None for line in lines], verse=True)
    return PrintedEntry(entry, [line.strip() for line in entry.text.splitlines() if line.strip()], verse=False)


def handbook_context(handbook):
    contents = contents_of(handbook)
    return {
        "handbook": handbook,
        "document_title": handbook.document_title(),
        "issue_label": f"{handbook.year}年第{handbook.issue}期",
        "cover": image_uri(handbook.cover_image),
        "preface": paragraphs(handbook.preface),
        "sections": [
            {"section": section, "entries": [printed(entry) for entry in section.printed_entries]}
            for section in contents.sections
        ],
        "highlights": [{"highlight": h, "photo": image_uri(h.photo)} for h in contents.highlights],
    }


def printed_images(handbook, contents=None):
    """The images the PDF prints: the cover and each 委员风采 highlight's photo."""
    contents = contents or contents_of(handbook)
    return [image for image in (handbook.cover_image, *(h.photo for h in contents.highlights)) if image is not None]


@task()
def make_print_renditions(handbook_id):
    """Make the print renditions of a handbook's images ahead of its PDF. From a camera's
    4000 × 3000 original each takes 0.3–0.5 s: 31 of them cost more than laying out 190 pages, so
    the first preview or publishing should find them made. Returns how many images."""
    handbook = Handbook.objects.filter(pk=handbook_id).first()
    if handbook is None:
        return 0
    images = printed_images(handbook)
    for image in images:
        image_uri(image)
    for highlight in contents_of(handbook).highlights:
        if highlight.photo is not None:
            highlight.photo.get_renditions(*SCREEN_RENDITIONS)
    return len(images)


def make_print_renditions_later(handbook):
    """Once the transaction commits, make the handbook's print renditions in the task worker (for
    the 编排 page, when the cover or a highlight changes)."""
    transaction.on_commit(lambda: make_print_renditions.enqueue(handbook.pk))


def render_handbook(handbook):
    """The whole handbook as PDF bytes."""
    return render_pdf("handbook/pdf/handbook.html", handbook_context(handbook))
