"""The 履职心语 pool's rules (seed 000: 履职心语文体不限、字数不限…切忌抄袭; S000-9, S000-10).

Members write their own entries at /my/reflections/ and may change them until an editor marks
them; they may withdraw them at any time (forms_app.five_ones.rules.withdraw_reflections: an
unmarked entry goes, a marked one stays as 撤回). Every write is a call here, the row locked, so
that an editor's mark and the author's change cannot both land on the same version."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from forms_app.five_ones.rules import withdraw_reflections
from forms_app.models import Reflection
from lianxin_site.dates import FIRST_YEAR, this_year
from lianxin_site.db import locked
from lianxin_site.errors import DomainError
from people.models import Member
from people.services import account_of

from .copies import check_copies

Mark, Source, Genre = Reflection.Mark, Reflection.Source, Reflection.Genre
WRITE_OWN = "forms_app.add_reflection"
VIEW_POOL = "forms_app.view_reflection"
MARK = "forms_app.change_reflection"
NOTE_MAX = 200
TEXT_MAX = 3000
IMAGE_MAX_BYTES = 10 * 1024 * 1024


class ReflectionError(DomainError):
    """A change refused now; the message is for the author."""


class PaperError(ReflectionError):
    """A paper entry refused: `errors` maps each field (year, genre, text) to its message, which
    names the field as the form and the spreadsheet both call it (「履职心语」：…)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("；".join(errors.values()))


class PaperTwin(PaperError):
    """The member already has this text on paper for the year: entry `pk`."""

    def __init__(self, member, year, pk):
        self.pk = pk
        super().__init__({"text": f"「履职心语」：{member.name}{year}年已有内容相同的纸质录入 #{pk}，没有重复录入"})


def member_of(user):
    """The roster member who may write 履职心语 from this account, or None."""
    if not user.is_authenticated or not user.is_active or not user.has_perm(WRITE_OWN):
        return None
    return account_of(user).member


def entries_of(member):
    """The member's standing entries, their own and those their sector or party filed, newest first."""
    return Reflection.objects.current().filter(member=member).order_by("-year", "-submitted_at", "-pk")


def may_change(reflection):
    """An author's own entry may be changed until an editor has marked it or placed it in a handbook
    (a mark set back to 待选 does not take it out of one)."""
    return (
        reflection.source == Source.MEMBER
        and reflection.mark == Mark.PENDING
        and reflection.withdrawn_at is None
        and not reflection.handbook_items.exists()
    )


def printed_in(reflection):
    """The published handbooks that print `reflection`: of each (year, 期数) the newest version only,
    so an entry a 修订再版 took out is no longer named. Their str() is 「《委员履职手册》2026年第1期」."""
    from .models import Handbook

    return Handbook.objects.latest_versions().filter(items__reflection=reflection).order_by("-year", "-issue")


def change_refusal(reflection):
    if reflection.source != Source.MEMBER:
        return f"这条履职心语是随{reflection.get_source_display()}提交的，请联系界别组长或委员联络室修改。"
    printed = list(printed_in(reflection))
    if printed:
        return f"这条履职心语已刊入{'、'.join(map(str, printed))}，不能再修改。"
    if reflection.mark == Mark.PENDING:
        return "这条履职心语已编入《委员履职手册》，不能再修改；如不想刊用，可以撤回。"
    return f"这条履职心语已由编辑遴选（{reflection.get_mark_display()}），不能再修改；如不想刊用，可以撤回。"


def _own(member, pk):
    """The member's own standing entry `pk`, locked; Reflection.DoesNotExist for anyone else's."""
    return locked(Reflection.objects.current().filter(member=member, source=Source.MEMBER)).get(pk=pk)


@transaction.atomic
def save_own(member, user, *, text, genre, image=None, pk=None):
    """Write a new entry for this year, or change the member's own entry `pk` (while unmarked).
    `image`: an upload to keep (checked by the form), or None to leave it as it is."""
    if pk is None:
        reflection = Reflection(member=member, year=this_year(), source=Source.MEMBER, submitted_by=user)
    else:
        reflection = _own(member, pk)
        if not may_change(reflection):
            raise ReflectionError(change_refusal(reflection))
    if reflection.text != text:
        reflection.copies_checked = False
    reflection.text, reflection.genre = text, genre
    if image is not None:
        reflection.image = image
    reflection.save()
    transaction.on_commit(check_copies, robust=True)
    return reflection


@transaction.atomic
def withdraw_own(member, pk):
    """Take back the member's own entry: gone if unmarked, kept as 撤回 if an editor marked it."""
    reflection = _own(member, pk)
    withdraw_reflections([reflection])
    return reflection


# --- paper entries, typed in or imported by the editors (paper_admin.py, sheets.py)

GENRE_OF = {str(label): value for value, label in Genre.choices}
GENRE_WORDS = "、".join(list(GENRE_OF)[:-1]) + "或" + list(GENRE_OF)[-1]


def paper_years():
    """The years a paper entry may be filed under: from 2000 up to next year, as year_param allows."""
    return range(FIRST_YEAR, this_year() + 2)


def paper_text(text):
    """The text as it will be kept: every line break one LF (a browser sends CR LF), blank lines
    at either end dropped, each line's own indent (two full-width spaces, as paragraphs begin)
    and the breaks between lines kept."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)


def paper_problems(*, year, genre, text):
    """{field: message} of what stops a paper entry being kept; empty when it may be. `text` as
    paper_text() gives it; `year` an int, or None when what was typed is not a number."""
    problems = {}
    years = paper_years()
    if year not in years:
        problems["year"] = f"「年度」：应为 {years[0]} 至 {years[-1]} 之间的年份"
    if not genre:
        problems["genre"] = f"「体裁」：请选择体裁（{GENRE_WORDS}）"
    elif genre not in Genre.values:
        problems["genre"] = f"「体裁」：应为{GENRE_WORDS}"
    if not text:
        problems["text"] = "「履职心语」：请填写内容"
    elif len(text) > TEXT_MAX:
        problems["text"] = f"「履职心语」：不能超过 {TEXT_MAX} 字（现有 {len(text)} 字）"
    return problems


def paper_twins(keys):
    """{(member pk, year, text): entry pk} of the standing paper entries among `keys`: a sheet
    imported again, or a page sent twice, finds its entries already there."""
    keys = set(keys)
    if not keys:
        return {}
    found = Reflection.objects.current().filter(
        source=Source.PAPER, member_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
    )
    twins = {}
    for pk, member_id, year, text in found.values_list("pk", "member_id", "year", "text").order_by("pk"):
        if (member_id, year, text) in keys:
            twins.setdefault((member_id, year, text), pk)
    return twins


def _checked_paper(user, member, year, genre, text):
    """(member, year, genre, text as kept), or PaperError for what paper_problems() finds."""
    if not user.has_perm(MARK):
        raise PermissionDenied("只有编辑可以录入纸质投稿。")
    text = paper_text(text)
    problems = paper_problems(year=year, genre=genre, text=text)
    if problems:
        raise PaperError(problems)
    return member, year, genre, text


@transaction.atomic
def save_paper(user, member, *, year, genre, text, image=None):
    """Keep a 履职心语 handed in on paper, typed in by an editor: source 纸质录入, submitted by the
    editor. Refuses (PaperError) what paper_problems() finds, and (PaperTwin) an entry the member
    already has on paper, same year and text: the member's row is locked first, so of two editors
    typing in the same paper at once, one keeps it. `image`: a checked upload, or None."""
    member, year, genre, text = _checked_paper(user, member, year, genre, text)
    locked(Member.objects.filter(pk=member.pk)).get()
    twin = paper_twins([(member.pk, year, text)]).get((member.pk, year, text))
    if twin is not None:
        raise PaperTwin(member, year, twin)
    reflection = Reflection.objects.create(
        member=member, year=year, source=Source.PAPER, genre=genre, text=text, image=image or "", submitted_by=user
    )
    transaction.on_commit(check_copies, robust=True)
    return reflection


@transaction.atomic
def save_papers(user, papers):
    """Keep many paper entries at once (an import), each checked as save_paper checks one.
    `papers`: [(member, year, genre, text)]. One the member already has on paper (typed in since
    the preview, or earlier in `papers`) is skipped, not refused. All or nothing: a PaperError
    (its `index` says which paper) writes none. Returns [(created, entry pk)], one per paper; pk
    is the entry already there when skipped (None for a repeat within `papers`)."""
    checked = []
    for index, paper in enumerate(papers):
        try:
            checked.append(_checked_paper(user, *paper))
        except PaperError as exc:
            exc.index = index
            raise
    list(locked(Member.objects.filter(pk__in={member.pk for member, *_rest in checked})).only("pk"))
    twins = paper_twins((member.pk, year, text) for member, year, _genre, text in checked)
    results, fresh, first = [], [], {}
    for member, year, genre, text in checked:
        key = (member.pk, year, text)
        if key in twins or key in first:
            results.append((False, twins.get(key)))
            continue
        first[key] = Reflection(
            member=member, year=year, source=Source.PAPER, genre=genre, text=text, submitted_by=user
        )
        fresh.append(first[key])
        results.append((True, first[key]))
    Reflection.objects.bulk_create(fresh)
    transaction.on_commit(check_copies, robust=True)
    return [(created, entry.pk if created else entry) for created, entry in results]


# --- the editors' pool (admin 委员履职手册 › 履职心语)


def pool_visible_to(user):
    """The whole pool, withdrawn entries too, for the editors and reviewers; nothing for anyone else."""
    if not user.is_active or not user.has_perm(VIEW_POOL):
        return Reflection.objects.none()
    return Reflection.objects.all()


@transaction.atomic
def mark_entries(user, pks, mark, note=""):
    """Mark the entries `pks` 入选/备选/不选/待选 with the editor's note. Withdrawn entries are left
    as they are and returned, for the message; returns (how many marked, [withdrawn])."""
    if not user.has_perm(MARK):
        raise PermissionDenied("只有编辑可以遴选履职心语。")
    if mark not in Mark.values:
        raise ReflectionError("请选择遴选结果。")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ReflectionError(f"「遴选意见」：不能超过 {NOTE_MAX} 字（现有 {len(note)} 字）")
    rows = list(locked(pool_visible_to(user).filter(pk__in=pks).order_by("pk")))
    withdrawn = [r for r in rows if r.withdrawn_at is not None]
    standing = [r.pk for r in rows if r.withdrawn_at is None]
    Reflection.objects.filter(pk__in=standing).update(
        mark=mark, mark_note=note, marked_by=user, marked_at=timezone.now()
    )
    return len(standing), withdrawn


def withdrawn_words(entries):
    """「履职心语 #812 已被作者撤回」 for each entry, as the editors read it."""
    return [f"履职心语 #{entry.pk} 已被作者撤回" for entry in entries]
