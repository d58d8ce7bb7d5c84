"""What a handbook holds, read once for its PDF (pdf.py), its page (HandbookPage) and the checks
before publishing (publish.py): the sections in order with their reflections, and the 委员风采
highlights with their excerpt and photo resolved. Text stays plain here; templates escape it."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from forms_app.models import Reflection

from .models import HandbookItem, HandbookStory


def byline(member):
    """「张三 · 教育界 · 民盟」: the name, 界别 and 党派 under each reflection and highlight."""
    return " · ".join(part for part in (member.name, member.sector.name, getattr(member.party, "name", "")) if part)


@dataclass
class Entry:
    reflection: Reflection

    @property
    def number(self):
        return self.reflection.pk

    @property
    def text(self):
        return self.reflection.text

    @property
    def keeps_lines(self):
        return self.reflection.genre in (Reflection.Genre.POEM, Reflection.Genre.LYRICS)

    @property
    def member(self):
        return self.reflection.member

    @property
    def byline(self):
        return byline(self.reflection.member)

    @property
    def withdrawn(self):
        return self.reflection.withdrawn_at is not None


@dataclass
class Section:
    section: object
    entries: list = field(default_factory=list)

    @property
    def pk(self):
        return self.section.pk

    @property
    def title(self):
        return self.section.title

    @property
    def intro(self):
        return self.section.intro

    @property
    def anchor(self):
        return f"section-{self.section.pk}"

    @property
    def printed_entries(self):
        """What the PDF and the handbook's page print: an entry its author has withdrawn is left out
        (publishing refuses while one is placed; one withdrawn after publishing leaves the page)."""
        return [entry for entry in self.entries if not entry.withdrawn]


@dataclass
class Highlight:
    item: HandbookStory
    photo: object  # a Wagtail image whose file exists, or None

    @property
    def story(self):
        return self.item.story

    @property
    def title(self):
        return self.item.story.title

    @property
    def excerpt(self):
        return self.item.excerpt or self.item.story.lead

    @property
    def byline(self):
        return byline(self.item.story.member)


@dataclass
class Contents:
    handbook: object
    sections: list
    highlights: list

    @property
    def entry_count(self):
        return sum(len(section.entries) for section in self.sections)


def _usable(image):
    return image is not None and bool(image.file) and image.file.storage.exists(image.file.name)


def story_photo(story, chosen=None):
    """The photo a highlight prints: the editor's choice, else the story's first image, else the
    member's photo; None when none of them has a file (publishing refuses then)."""
    if _usable(chosen):
        return chosen
    for block in story.body:
        if block.block_type == "image" and _usable(block.value["image"]):
            return block.value["image"]
    photo = story.member.photo
    return photo if _usable(photo) else None


def contents_of(handbook):
    items = HandbookItem.objects.select_related("reflection__member__sector", "reflection__member__party").order_by(
        "order", "pk"
    )
    sections = [
        Section(section, [Entry(item.reflection) for item in section.items.all()])
        for section in handbook.sections.order_by("order", "pk").prefetch_related(Prefetch("items", queryset=items))
    ]
    stories = handbook.stories.select_related(
        "story__member__sector", "story__member__party", "story__member__photo", "photo"
    ).order_by("order", "pk")
    highlights = [Highlight(item, story_photo(item.story, item.photo)) for item in stories]
    return Contents(handbook, sections, highlights)
