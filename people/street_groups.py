"""The six posts of a 委员街道活动小组 (seed 003 annex 2 第五条: 双组长、双副组长、双联络员): the one
rule that checks a group's set of positions, and the one service that writes them.

The rule (`position_errors`), used by the admin form and by anything that imports posts:
- each (post, side) is held by at most one person: two 政协 组长 is refused;
- a post is filled on both sides or left empty for later: 「组长」：双组长制需政协、街道各一名组长;
- a position needs a name; given a member, the name (and an empty 单位及职务) follow the member;
- an account on a 联络员 post makes that account the group's 街道小组联络员 (decided here, once):
  its Profile.street_group becomes the group and it joins the 街道小组联络员 role; taken off the
  post, it loses both. An account already 联络员 of another group is refused. An account on a
  组长 or 副组长 post is only recorded.

`StreetGroup.incomplete` (待完善) is recomputed on every save: true until all six posts are filled
and the old text that could not be split (unsplit_text) has been cleared."""

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from lianxin_site.db import locked, locked_row
from lianxin_site.errors import DomainError

from . import roles
from .models import Member, Post, Profile, Side, StreetGroup, StreetGroupPosition

# The six posts in the order the committee lists them: 组长, 副组长, 联络员; 政协 before 街道.
POSTS = tuple((post, side) for post in Post for side in Side)
GROUP_FIELDS = ("name", "street", "committee", "sort_order", "unsplit_text")


class PositionError(DomainError):
    """The posts were not saved; `errors` is [(key, message)] with key a Post value (the pair), a
    (post, side) tuple (one position) or None (the whole group)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("；".join(message for _key, message in self.errors))


def seat_label(post, side):
    """政协组长, 街道联络员 …"""
    return f"{Side(side).label}{Post(post).label}"


def pair_message(post):
    """「组长」：双组长制需政协、街道各一名组长 (the same shape for 副组长 and 联络员)."""
    label = Post(post).label
    return f"「{label}」：双{label}制需政协、街道各一名{label}"


@dataclass
class Seat:
    """One position as typed into a form or read from a file."""

    post: str
    side: str
    name: str = ""
    title: str = ""
    member: Member | None = None
    user: object = None  # an auth User or None

    @property
    def key(self):
        return (self.post, self.side)

    @property
    def filled(self):
        return bool(self.name.strip())

    @property
    def touched(self):
        """Anything typed at all (a title or an account without a name is an error, not a blank)."""
        return bool(self.name.strip() or self.title.strip() or self.member or self.user)


def follow_member(seat):
    """The name follows the member's; an empty 单位及职务 takes the member's."""
    if seat.member is not None:
        seat.name = seat.member.name
        if not seat.title.strip():
            seat.title = (seat.member.employer_title or "")[:100]
    seat.name = seat.name.strip()
    seat.title = seat.title.strip()
    return seat


def position_errors(group, seats):
    """Every reason the set `seats` cannot be a group's posts: [(key, message)], empty when it can.
    `group` may be None (a group being imported); the account check then skips no group."""
    errors = []
    valid = {(post.value, side.value) for post in Post for side in Side}
    by_key = {}
    for seat in seats:
        follow_member(seat)
        if seat.key not in valid:
            errors.append(
                (None, f"「职务」：没有“{seat.post}/{seat.side}”这一职务，应为组长、副组长或联络员（政协、街道）")
            )
            continue
        if seat.key in by_key and seat.touched and by_key[seat.key].touched:
            errors.append((seat.post, pair_message(seat.post)))
            continue
        if seat.touched or seat.key not in by_key:
            by_key[seat.key] = seat
    for seat in by_key.values():
        if seat.touched and not seat.filled:
            errors.append((seat.key, f"「{seat_label(*seat.key)}」：请填写姓名"))
    for post in Post:
        filled = [side for side in Side if (seat := by_key.get((post.value, side.value))) and seat.touched]
        if len(filled) == 1:
            errors.append((post.value, pair_message(post)))
    liaisons = [seat for seat in by_key.values() if seat.post == Post.LIAISON and seat.user is not None]
    if len(liaisons) == 2 and liaisons[0].user.pk == liaisons[1].user.pk:
        errors.append((Post.LIAISON.value, "「联络员」：两名联络员不能使用同一个账号"))
    for seat in liaisons:
        other = _liaison_elsewhere(seat.user, group)
        if other is not None:
            errors.append(
                (
                    seat.key,
                    f"「{seat_label(*seat.key)}」：账号 {seat.user.get_username()} 已是{other}的联络员，请先在该小组撤下",
                )
            )
    # One message per key is enough: the pair message may be found twice (duplicate and half-filled).
    seen, unique = set(), []
    for key, message in errors:
        if (key, message) not in seen:
            seen.add((key, message))
            unique.append((key, message))
    return unique


def _liaison_elsewhere(user, group):
    """The other group whose 联络员 this account is, or None."""
    profile = Profile.objects.filter(user=user).select_related("street_group").first()
    if profile is None or profile.street_group_id is None:
        return None
    if group is not None and profile.street_group_id == group.pk:
        return None
    return profile.street_group


def is_incomplete(positions, unsplit_text):
    """待完善: not all six posts named, or old text still waiting to be sorted out."""
    named = {(p.post, p.side) for p in positions if p.name.strip()}
    return bool(unsplit_text.strip()) or named != set(POSTS)


def refresh_incomplete(group):
    """Recompute and store StreetGroup.incomplete from the group's rows; returns it."""
    incomplete = is_incomplete(list(group.positions.all()), group.unsplit_text)
    if group.incomplete != incomplete:
        StreetGroup.objects.filter(pk=group.pk).update(incomplete=incomplete)
        group.incomplete = incomplete
    return incomplete


def state_token(group, positions=None):
    """A short fingerprint of what the edit page showed: the group's fields and its six posts. The
    page sends it back; if the rows changed meanwhile, someone else saved first."""
    if positions is None:
        positions = group.positions.all()
    rows = sorted((p.post, p.side, p.name, p.title, p.member_id, p.user_id) for p in positions)
    values = [getattr(group, f if f != "committee" else "committee_id") for f in GROUP_FIELDS]
    return hashlib.sha256(repr((values, rows)).encode()).hexdigest()[:20]


STALE = "没有保存：在您编辑期间，另一位同事已保存了这个小组的职务或资料。下面是最新内容，请核对后再修改。"


@transaction.atomic
def save_group(group_pk, seats, *, fields=None, seen=None):
    """Write a group's fields and six posts as one change. Locks the group row, checks that nobody
    saved since the editor loaded the page (`seen`, a state_token), applies position_errors, then
    writes the posts, moves the 联络员 accounts and recomputes 待完善. Raises PositionError."""
    group = locked_row(StreetGroup.objects.all(), pk=group_pk)
    current = list(group.positions.all())
    if seen is not None and seen != state_token(group, current):
        raise PositionError([(None, STALE)])
    # The accounts put on 联络员 posts: locked before "already 联络员 of another group" is checked,
    # so two groups saved at once with one account cannot both take it.
    list(locked(Profile.objects.filter(user_id__in=[s.user.pk for s in seats if s.user is not None])))
    errors = position_errors(group, seats)
    if errors:
        raise PositionError(errors)
    for name, value in (fields or {}).items():
        setattr(group, name, value)
    wanted = {seat.key: seat for seat in seats if seat.filled}
    old_liaisons = {p.user_id for p in current if p.post == Post.LIAISON and p.user_id}
    for position in current:
        if (position.post, position.side) not in wanted:
            position.delete()
    for (post, side), seat in wanted.items():
        StreetGroupPosition.objects.update_or_create(
            group=group,
            post=post,
            side=side,
            defaults={"name": seat.name[:50], "title": seat.title[:100], "member": seat.member, "user": seat.user},
        )
    new_liaisons = {seat.user.pk for seat in wanted.values() if seat.post == Post.LIAISON and seat.user is not None}
    _move_liaison_accounts(group, old_liaisons - new_liaisons, new_liaisons)
    group.incomplete = is_incomplete(list(group.positions.all()), group.unsplit_text)
    group.save()
    return group


def _move_liaison_accounts(group, removed, added):
    """Accounts put on a 联络员 post become the group's 街道小组联络员; those taken off stop being."""
    role, _created = Group.objects.get_or_create(name=roles.STREET_LIAISON)
    for profile in locked(Profile.objects.filter(user_id__in=removed, street_group=group)):
        profile.street_group = None
        profile.save(update_fields=["street_group"])
        role.user_set.remove(profile.user_id)
    existing = {p.user_id: p for p in locked(Profile.objects.filter(user_id__in=added))}
    for user_id in added:
        profile = existing.get(user_id) or Profile(user_id=user_id)
        profile.street_group = group
        try:
            with transaction.atomic():  # an account with no profile yet, given a post twice at once
                profile.save()
        except IntegrityError as exc:
            raise PositionError([(None, STALE)]) from exc
        role.user_set.add(user_id)


def posts_of(group, positions=None):
    """The six posts in order as [(label, post, side, position or None)], for pages and reports."""
    if positions is None:
        positions = group.positions.all()
    held = {(p.post, p.side): p for p in positions}
    return [(seat_label(post, side), post, side, held.get((post, side))) for post, side in POSTS]
