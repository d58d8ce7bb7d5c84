"""The 编排 of a 《委员履职手册》 草稿 (issue 20, 4): its fields, its sections, where each 入选
履职心语 goes and the 委员风采 highlights. Every write is a call here: it locks the handbook's row
(so that two editors arranging the same handbook take turns, and a 审核员 publishing it waits for
the write or the write for the publishing), reads what it changes again under that lock, and
refuses when the handbook is published (修订再版 makes a new 草稿 instead).

Where a reflection goes by default (build_default_sections): one place only, the section of whoever
handed it in. A reflection filed with a 五个一 filing goes to the filing's 党派 or 界别; a member's
own and a paper one typed in go to the author's 界别 (every member has one). So a 民盟 member's
own reflection is printed under 教育界, the batch 民盟 filed under 民盟.

An item whose reflection was later marked other than 入选, or withdrawn by its author, stays where
the editor put it and is flagged on the 编排 page (item_warning); the editor takes it out
(remove_item). Publishing refuses a withdrawn one.

Positions are kept as 1…n within a section (and among sections, and highlights) after every
change, so that the position an editor saw on the page (`seen`) tells whether someone else moved
things meanwhile: then the editor is told, and nothing changes."""

from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from content.models import StoryPage
from forms_app.models import Reflection
from lianxin_site.dates import FIRST_YEAR, this_year
from lianxin_site.db import locked
from lianxin_site.errors import DomainError
from people.models import Party, Sector

from .models import Handbook, HandbookItem, HandbookSection, HandbookStory
from .pdf import make_print_renditions_later

PUBLISHED = "已发布的手册不能再修改，请用「修订再版」。"
STALE = "页面内容已被其他编辑调整，没有修改；请查看最新的编排后再试。"
TITLE_MAX = HandbookSection._meta.get_field("title").max_length
EXCERPT_MAX = HandbookStory._meta.get_field("excerpt").max_length
UP, DOWN = "up", "down"


class ArrangeError(DomainError):
    """An arrangement refused; the message is for the editor."""


# --- reading


def chosen_entries(handbook):
    """The year's 入选 reflections that stand: what may go into the handbook."""
    return Reflection.objects.current().filter(year=handbook.year, mark=Reflection.Mark.CHOSEN)


def unplaced(handbook):
    """The 入选 reflections of the year not yet in the handbook, oldest first."""
    return (
        chosen_entries(handbook)
        .exclude(handbook_items__handbook=handbook)
        .select_related("member__sector", "member__party")
        .order_by("pk")
    )


def item_warning(reflection):
    """Why an item already placed should not be printed as it is, or "" when it may."""
    if reflection.withdrawn_at is not None:
        return f"履职心语 #{reflection.pk} 已被作者撤回，请移出"
    if reflection.mark != Reflection.Mark.CHOSEN:
        return f"已改为「{reflection.get_mark_display()}」，请确认是否移出"
    return ""


def stories_of_year(year):
    """The 委员风采 a handbook of `year` may pick: published StoryPages dated that year."""
    return StoryPage.objects.live().filter(date__year=year).select_related("member__sector", "member__party")


def next_issue(year):
    """The first 期数 of `year` no handbook has taken."""
    taken = Handbook.objects.filter(year=year).aggregate(last=Max("issue"))["last"]
    return (taken or 0) + 1


def issue_refusal(year, issue, handbook=None):
    """「年度」's or 「期数」's message when the year is out of range or (year, issue) is another
    handbook's, else "". A revision (修订再版) shares its original's (year, issue); that is the only
    sharing allowed."""
    if not FIRST_YEAR <= year <= this_year() + 1:
        return f"「年度」：请填写 {FIRST_YEAR} 至 {this_year() + 1} 之间的年份"
    if issue < 1:
        return "「期数」：期数从 1 开始。"
    others = Handbook.objects.filter(year=year, issue=issue)
    if handbook is not None and handbook.pk:
        others = others.exclude(pk=handbook.pk)
        if handbook.revises_id or handbook.revisions.exists():
            others = others.exclude(Q(year=handbook.year, issue=handbook.issue))
    if others.exists():
        return f"「期数」：{year}年第{issue}期已有手册，请换一个期数（可用第{next_issue(year)}期）"
    return ""


# --- locking


def _locked(handbook):
    """The handbook's row, locked and read again; refused when it is published or gone."""
    try:
        row = locked(Handbook.objects.filter(pk=handbook.pk)).get()
    except Handbook.DoesNotExist:
        raise ArrangeError("这本手册已不存在。") from None
    if row.is_published:
        raise ArrangeError(PUBLISHED)
    return row


def _item(handbook, pk, seen=None):
    item = HandbookItem.objects.filter(handbook=handbook, pk=pk).select_related("section", "reflection").first()
    if item is None:
        raise ArrangeError("这条履职心语已被其他编辑移出手册，没有修改。")
    if seen is not None and (item.section_id, item.order) != tuple(seen):
        raise ArrangeError(STALE)
    return item


def _section(handbook, pk, seen=None):
    section = HandbookSection.objects.filter(handbook=handbook, pk=pk).first()
    if section is None:
        raise ArrangeError("这个分组已被其他编辑删除，没有修改。")
    if seen is not None and section.order != seen:
        raise ArrangeError(STALE)
    return section


def _renumber(rows):
    """Give `rows` (in their new order) the positions 1…n, writing only those that changed."""
    changed = []
    for position, row in enumerate(rows, start=1):
        if row.order != position:
            row.order = position
            changed.append(row)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["order"])


def _shift(rows, row, direction):
    """`rows` with `row` swapped with its neighbour up or down; unchanged at either end."""
    if direction not in (UP, DOWN):
        raise ArrangeError("请选择上移或下移。")
    rows = list(rows)
    index = next(i for i, other in enumerate(rows) if other.pk == row.pk)
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


def _items_of(section):
    return list(section.items.order_by("order", "pk"))


def _title(title):
    title = " ".join((title or "").split())
    if not title:
        raise ArrangeError("「标题」：请填写分组标题")
    if len(title) > TITLE_MAX:
        raise ArrangeError(f"「标题」：不能超过 {TITLE_MAX} 字（现有 {len(title)} 字）")
    return title


# --- the handbook's own fields


HANDBOOK_FIELDS = ("year", "issue", "title", "subtitle", "cover_image", "preface")


@transaction.atomic
def create_handbook(user, **fields):
    """A new 草稿 (version 1) with the form's fields."""
    refusal = issue_refusal(fields["year"], fields["issue"])
    if refusal:
        raise ArrangeError(refusal)
    try:
        with transaction.atomic():  # two editors creating the same 期数 at once: the database keeps one
            handbook = Handbook.objects.create(
                created_by=user, **{name: fields[name] for name in HANDBOOK_FIELDS if name in fields}
            )
    except IntegrityError:
        raise ArrangeError(issue_refusal(fields["year"], fields["issue"]) or "请重新保存。") from None
    if handbook.cover_image_id:
        make_print_renditions_later(handbook)
    return handbook


def year_change_refusal(row, year, issue):
    """「年度」's or 「期数」's message when a 草稿 (`row`, read under its lock) may not move to
    `year` and `issue`, else "": a revision (修订再版) keeps its original's; a 草稿 with 履职心语 or
    委员风采 placed keeps its 年度 (they are that year's and would be printed under the other)."""
    if row.version > 1 and (year, issue) != (row.year, row.issue):
        field = "年度" if year != row.year else "期数"
        return f"「{field}」：修订再版沿用原刊的年度和期数（{row.year}年第{row.issue}期），不能修改"
    if year != row.year and (row.items.exists() or row.stories.exists()):
        return f"「年度」：手册中已编入{row.year}年的履职心语或委员风采，不能改为{year}年；请先移出或新建一期。"
    return issue_refusal(year, issue, row)


@transaction.atomic
def save_handbook(handbook, **fields):
    """Change a 草稿's fields (刊名, 年度, 期数, 副标题, 封面图片, 前言)."""
    row = _locked(handbook)
    year, issue = fields.get("year", row.year), fields.get("issue", row.issue)
    refusal = year_change_refusal(row, year, issue)
    if refusal:
        raise ArrangeError(refusal)
    for name in HANDBOOK_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    try:
        # Two editors moving two 草稿 to the same 期数 at once each lock only their own row, and both
        # pass the check above: the database keeps one, the other is told as the check would.
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ArrangeError(issue_refusal(year, issue, row) or "请重新保存。") from None
    make_print_renditions_later(row)  # the cover may be new: its print copy is made before the preview asks
    return row


# --- sections


def _target_of(reflection):
    """(kind, Sector or Party) of the section a reflection goes to by default (module docstring)."""
    filing = reflection.filing if reflection.source == Reflection.Source.FILING else None
    if filing is not None and filing.party_id:
        return HandbookSection.Kind.PARTY, filing.party
    if filing is not None and filing.sector_id:
        return HandbookSection.Kind.SECTOR, filing.sector
    return HandbookSection.Kind.SECTOR, reflection.member.sector


@transaction.atomic
def build_default_sections(handbook):
    """按界别和党派生成分组: place every 入选 reflection not yet in the handbook in its 界别's or
    党派's section (module docstring), creating the sections it needs in the order of 基础数据
    (界别 by their sort order, then 党派), after those already there. Sections, their titles,
    order and items already arranged stay as they are; no empty section is made. Returns
    (sections created, items placed)."""
    row = _locked(handbook)
    waiting = list(unplaced(row).select_related("filing__party", "filing__sector", "member__sector"))
    by_target = {}
    for reflection in waiting:
        by_target.setdefault(_target_of(reflection), []).append(reflection)
    existing = {}
    for section in row.sections.exclude(kind=HandbookSection.Kind.TOPIC):
        key = (section.kind, section.sector_id if section.kind == HandbookSection.Kind.SECTOR else section.party_id)
        existing.setdefault(key, section)

    # 基础数据's own order (sort_order, then name as the database collates it), 界别 before 党派
    rank = {
        (kind, pk): position
        for position, (kind, pk) in enumerate(
            [(HandbookSection.Kind.SECTOR, pk) for pk in Sector.objects.values_list("pk", flat=True)]
            + [(HandbookSection.Kind.PARTY, pk) for pk in Party.objects.values_list("pk", flat=True)]
        )
    }

    def sort_key(target):
        kind, group = target
        return rank.get((kind, group.pk), len(rank))

    last_section = row.sections.aggregate(last=Max("order"))["last"] or 0
    created = placed = 0
    for kind, group in sorted(by_target, key=sort_key):
        section = existing.get((kind, group.pk))
        if section is None:
            last_section += 1
            created += 1
            section = HandbookSection.objects.create(
                handbook=row,
                title=group.name[:TITLE_MAX],
                kind=kind,
                sector=group if isinstance(group, Sector) else None,
                party=group if isinstance(group, Party) else None,
                order=last_section,
            )
        last_item = section.items.aggregate(last=Max("order"))["last"] or 0
        new = by_target[(kind, group)]
        HandbookItem.objects.bulk_create(
            HandbookItem(handbook=row, section=section, reflection=reflection, order=last_item + n)
            for n, reflection in enumerate(new, start=1)
        )
        placed += len(new)
    return created, placed


@transaction.atomic
def add_section(handbook, title, kind=HandbookSection.Kind.TOPIC):
    """新增专题分组, last."""
    row = _locked(handbook)
    if kind not in HandbookSection.Kind.values:
        raise ArrangeError("请选择分组类别。")
    last = row.sections.aggregate(last=Max("order"))["last"] or 0
    return HandbookSection.objects.create(handbook=row, title=_title(title), kind=kind, order=last + 1)


@transaction.atomic
def rename_section(handbook, section_pk, title):
    row = _locked(handbook)
    section = _section(row, section_pk)
    section.title = _title(title)
    section.save(update_fields=["title"])
    return section


INTRO_MAX = 1000


@transaction.atomic
def set_section_intro(handbook, section_pk, intro):
    """The few lines printed under a section's title (blank: none); line breaks kept."""
    row = _locked(handbook)
    section = _section(row, section_pk)
    intro = "\n".join(line.rstrip() for line in (intro or "").strip().splitlines())
    if len(intro) > INTRO_MAX:
        raise ArrangeError(f"「导语」：不能超过 {INTRO_MAX} 字（现有 {len(intro)} 字）")
    section.intro = intro
    section.save(update_fields=["intro"])
    return section


@transaction.atomic
def move_section(handbook, section_pk, direction, seen=None):
    """Move a section up or down one place; `seen` is its position as the editor saw it."""
    row = _locked(handbook)
    section = _section(row, section_pk, seen)
    _renumber(_shift(row.sections.order_by("order", "pk"), section, direction))
    return section


@transaction.atomic
def delete_section(handbook, section_pk):
    """Delete a section; its reflections go back to the 入选 entries not yet placed."""
    row = _locked(handbook)
    section = _section(row, section_pk)
    count = section.items.count()
    section.delete()
    _renumber(row.sections.order_by("order", "pk"))
    return section, count


# --- items


@transaction.atomic
def place(handbook, reflection_pk, section_pk):
    """加入: put a 入选 reflection of the year, not yet in the handbook, last in a section."""
    row = _locked(handbook)
    section = _section(row, section_pk)
    reflection = chosen_entries(row).filter(pk=reflection_pk).first()
    if reflection is None:
        raise ArrangeError(
            f"履职心语 #{reflection_pk} 不是{row.year}年入选的履职心语（可能已被撤回或改选），没有加入。"
        )
    present = HandbookItem.objects.filter(handbook=row, reflection=reflection).select_related("section").first()
    if present is not None:
        raise ArrangeError(f"履职心语 #{reflection_pk} 已在分组「{present.section.title}」中，没有重复加入。")
    last = section.items.aggregate(last=Max("order"))["last"] or 0
    return HandbookItem.objects.create(handbook=row, section=section, reflection=reflection, order=last + 1)


@transaction.atomic
def move_item(handbook, item_pk, direction, seen=None):
    """Move an item up or down within its section; `seen` = (section id, position) as the editor saw it."""
    row = _locked(handbook)
    item = _item(row, item_pk, seen)
    _renumber(_shift(_items_of(item.section), item, direction))
    return item


@transaction.atomic
def move_item_to(handbook, item_pk, section_pk, seen=None):
    """移到 another section, last there."""
    row = _locked(handbook)
    item = _item(row, item_pk, seen)
    target = _section(row, section_pk)
    if target.pk == item.section_id:
        raise ArrangeError(f"履职心语 #{item.reflection_id} 已在分组「{target.title}」中。")
    source = item.section
    last = target.items.aggregate(last=Max("order"))["last"] or 0
    item.section, item.order = target, last + 1
    item.save(update_fields=["section", "order"])
    _renumber(_items_of(source))
    return item, target


@transaction.atomic
def remove_item(handbook, item_pk, seen=None):
    """移出: the reflection goes back to those not yet placed (if it is still 入选)."""
    row = _locked(handbook)
    item = _item(row, item_pk, seen)
    section = item.section
    item.delete()
    _renumber(_items_of(section))
    return item


# --- 委员风采 highlights


def _story(handbook, story_pk):
    story = stories_of_year(handbook.year).filter(pk=story_pk).first()
    if story is None:
        raise ArrangeError(f"只能选登{handbook.year}年已发布的委员风采。")
    return story


def _highlight(handbook, pk, seen=None):
    highlight = HandbookStory.objects.filter(handbook=handbook, pk=pk).select_related("story").first()
    if highlight is None:
        raise ArrangeError("这篇委员风采已被其他编辑移出手册，没有修改。")
    if seen is not None and highlight.order != seen:
        raise ArrangeError(STALE)
    return highlight


def _excerpt(excerpt):
    excerpt = (excerpt or "").strip()
    if len(excerpt) > EXCERPT_MAX:
        raise ArrangeError(f"「摘要」：不能超过 {EXCERPT_MAX} 字（现有 {len(excerpt)} 字）")
    return excerpt


@transaction.atomic
def set_stories(handbook, story_ids):
    """The highlights become exactly `story_ids`, in that order: those already picked keep their
    excerpt and photo, the others are dropped. Refused whole if one is not a published story of
    the handbook's year."""
    row = _locked(handbook)
    ids = list(dict.fromkeys(int(pk) for pk in story_ids))
    stories = {story.pk: story for story in stories_of_year(row.year).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in stories]
    if missing:
        raise ArrangeError(f"只能选登{row.year}年已发布的委员风采。")
    kept = {h.story_id: h for h in row.stories.all()}
    row.stories.exclude(story_id__in=ids).delete()
    rows = [kept.get(pk) or HandbookStory.objects.create(handbook=row, story=stories[pk], order=0) for pk in ids]
    _renumber(rows)
    make_print_renditions_later(row)
    return rows


@transaction.atomic
def add_story(handbook, story_pk, excerpt="", photo=None):
    """Pick a 委员风采 of the year, last among the highlights; excerpt blank = its 导语, photo
    None = its first image or the member's photo (contents.story_photo)."""
    row = _locked(handbook)
    story = _story(row, story_pk)
    if row.stories.filter(story=story).exists():
        raise ArrangeError(f"「{story.title}」已经选登。")
    last = row.stories.aggregate(last=Max("order"))["last"] or 0
    highlight = HandbookStory.objects.create(
        handbook=row, story=story, excerpt=_excerpt(excerpt), photo=photo, order=last + 1
    )
    make_print_renditions_later(row)  # the photo's print copy, made in the worker before the preview asks
    return highlight


@transaction.atomic
def update_story(handbook, highlight_pk, excerpt="", photo=None):
    row = _locked(handbook)
    highlight = _highlight(row, highlight_pk)
    highlight.excerpt, highlight.photo = _excerpt(excerpt), photo
    highlight.save(update_fields=["excerpt", "photo"])
    make_print_renditions_later(row)
    return highlight


@transaction.atomic
def move_story(handbook, highlight_pk, direction, seen=None):
    row = _locked(handbook)
    highlight = _highlight(row, highlight_pk, seen)
    _renumber(_shift(row.stories.order_by("order", "pk"), highlight, direction))
    return highlight


@transaction.atomic
def remove_story(handbook, highlight_pk):
    row = _locked(handbook)
    highlight = _highlight(row, highlight_pk)
    highlight.delete()
    _renumber(row.stories.order_by("order", "pk"))
    return highlight
