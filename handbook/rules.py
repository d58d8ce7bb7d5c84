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
from lianxin_site.dates import this_year
from lianxin_site.db import locked
from lianxin_site.errors import DomainError
from people.services import account_of

from .copies import check_copies

Mark, Source = Reflection.Mark, Reflection.Source
WRITE_OWN = "forms_app.add_reflection"
VIEW_POOL = "forms_app.view_reflection"
MARK = "forms_app.change_reflection"
NOTE_MAX = 200
TEXT_MAX = 3000
IMAGE_MAX_BYTES = 10 * 1024 * 1024


class ReflectionError(DomainError):
    """A change refused now; the message is for the author."""


def member_of(user):
    """The roster member who may write 履职心语 from this account, or None."""
    if not user.is_authenticated or not user.is_active or not user.has_perm(WRITE_OWN):
        return None
    return account_of(user).member


def entries_of(member):
    """The member's standing entries, their own and those their sector or party filed, newest first."""
    return Reflection.objects.current().filter(member=member).order_by("-year", "-submitted_at", "-pk")


def may_change(reflection):
    """An author's own entry may be changed until an editor has marked it."""
    return reflection.source == Source.MEMBER and reflection.mark == Mark.PENDING and reflection.withdrawn_at is None


def change_refusal(reflection):
    if reflection.source != Source.MEMBER:
        return f"这条履职心语是随{reflection.get_source_display()}提交的，请联系界别组长或委员联络室修改。"
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
