"""下乡进社区安排检查 (seed 002 二(一)4, S002-11): each 专委会 and 界别组 is to hold 1–2 "真情履职、服务民生"
下乡进社区 activities a year. For a plan year, how many entries of COMMUNITY_KINDS each holds, so
that the offices see who has none planned.

How an entry counts:
- its own: the committee (sector) is one of the entry's 活动主体;
- through its class: an entry held by 各专委会 (各界别组) counts for every committee (sector), as seed
  002's 委员活动日 "各专工委、各党派、各界别组" is held by each of them;
- an entry of 全体委员 or 区政协办公室 does not count: the office organises it, not the body;
- an activity held in batches (分批) counts once, and an entry naming a body both ways once.

Who sees what is the rights of the plan: 区政协办公室 and 委员联络室 every committee and sector, a
专委会工作室 its committee and the sectors it contacts."""

from dataclasses import dataclass

from django.db.models.functions import Coalesce

from people.models import Sector, SpecialCommittee
from people.services import account_of

from . import rules
from .models import COMMUNITY_KINDS, BodyKind, EntryBody


@dataclass
class Coverage:
    body: object  # the SpecialCommittee or Sector
    own: int  # activities naming it
    shared: int  # activities of 各专委会 / 各界别组 it does not name itself
    total: int

    @property
    def missing(self):
        return self.total == 0


def bodies_checked_by(user):
    """(committees, sectors) whose plans `user` checks."""
    if not user.has_perm("schedule.view_scheduleentry"):
        return SpecialCommittee.objects.none(), Sector.objects.none()
    if rules.edits_all(user):
        return SpecialCommittee.objects.all(), Sector.objects.all()
    committee = account_of(user).committee
    if committee is None:
        return SpecialCommittee.objects.none(), Sector.objects.none()
    return SpecialCommittee.objects.filter(pk=committee.pk), Sector.objects.filter(contact_committee=committee)


def community_coverage(user, year):
    """([Coverage] of committees, [Coverage] of sectors) for the plan of `year`, in their order."""
    committees, sectors = bodies_checked_by(user)
    rows = (
        EntryBody.objects.filter(entry__year=year, entry__kind__in=COMMUNITY_KINDS)
        .annotate(activity=Coalesce("entry__batch_of_id", "entry_id"))
        .values_list("activity", "kind", "committee_id", "sector_id")
    )
    own = {BodyKind.COMMITTEE: {}, BodyKind.SECTOR: {}}
    shared = {BodyKind.COMMITTEE: set(), BodyKind.SECTOR: set()}
    for activity, kind, committee_id, sector_id in rows:
        if kind == BodyKind.COMMITTEE:
            own[kind].setdefault(committee_id, set()).add(activity)
        elif kind == BodyKind.SECTOR:
            own[kind].setdefault(sector_id, set()).add(activity)
        elif kind == BodyKind.ALL_COMMITTEES:
            shared[BodyKind.COMMITTEE].add(activity)
        elif kind == BodyKind.ALL_SECTORS:
            shared[BodyKind.SECTOR].add(activity)

    def coverage(bodies, kind):
        result = []
        for body in bodies:
            mine = own[kind].get(body.pk, set())
            result.append(Coverage(body, len(mine), len(shared[kind] - mine), len(mine | shared[kind])))
        return result

    return coverage(committees, BodyKind.COMMITTEE), coverage(sectors, BodyKind.SECTOR)
