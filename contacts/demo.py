"""Demo 三联系 for seed_demo, on top of the roster (people.demo) and the accounts: a 主席 and four
副主席, some 青年委员; this year's pairings of each kind (a few left out, so the 落实情况 page has
gaps to show); saved 联系对象; and some forty contact entries across the year, written through
rules.save_entry: chair visits to 常委 (one chair every month, one with gaps, one with three in a
month), a 主席班子集体走访, 集体座谈会 in each half, a visit to a 街道活动小组, a 专委会走访所联系界别委员
logged by the office, and members' contacts with units and citizens, some below the quotas.

The demo member account (README: `member`) mentors a 青年委员 (its paired 委员), has a 常委 who
contacts it, two saved 联系对象 and three entries of its own (below the quota of four).

Idempotent: designations are set to the same members, a pair is found by (year, kind, member),
a target by (member, category, name) and an entry by its fingerprint; entries dated after today
wait for a later run. Does nothing without a roster of some size."""

import datetime

from django.db import transaction
from django.utils import timezone

from people import roles
from people.models import ChairRole, Member, Profile, SpecialCommittee

from . import rules
from .models import ContactActivity, Pairing, PairingKind, Source, TargetCategory, Way

MIN_MEMBERS = 40
CHAIRS = 5
E, SP, P = TargetCategory.ENTERPRISE, TargetCategory.SECTOR_PUBLIC, TargetCategory.PUBLIC

# Members' own contacts with units and citizens: (member index, [(month, day, way, [(category, name)], note)]).
CONTACTS = [
    (
        0,
        [
            (3, 2, Way.VISIT, [(E, "区第二中学")], "了解课后服务开展情况。"),
            (4, 11, Way.PHONE, [(SP, "李先生")], ""),
            (7, 3, Way.WECHAT, [(SP, "赵女士")], "反映小区停车难。"),
            (9, 20, Way.VISIT, [(P, "张大爷"), (P, "刘阿姨"), (P, "陈师傅")], "入户听取老旧小区改造意见。"),
        ],
    ),
    (1, [(2, 26, Way.VISIT, [(E, "区中医医院")], ""), (6, 8, Way.PHONE, [(P, "孙女士")], "")]),
    (
        2,
        [
            (1, 18, Way.VISIT, [(TargetCategory.COMMUNITY, "东华门社区")], "参加社区议事会。"),
            (5, 27, Way.WECHAT, [(SP, "周老师"), (SP, "吴老师")], ""),
            (8, 15, Way.VISIT, [(E, "区科技园服务中心")], ""),
        ],
    ),
    (3, [(10, 9, Way.VISIT, [(TargetCategory.AIDED, "困难家庭王奶奶")], "节前慰问。")]),
]


def _day(year, month, day):
    return datetime.date(year, month, day)


class Seeder:
    def __init__(self, today):
        self.today = today
        self.year = today.year
        self.users = dict(Profile.objects.filter(member__isnull=False).values_list("member_id", "user"))
        self.written = 0

    # --- designations and pairings

    def designate(self, members):
        """The first five members without an account who are not 常委 sit on the 主席会议; every
        eleventh of the rest is a 青年委员."""
        free = [m for m in members if m.pk not in self.users and not m.is_standing]
        chairs = free[:CHAIRS]
        for index, member in enumerate(chairs):
            role = ChairRole.CHAIR if index == 0 else ChairRole.VICE_CHAIR
            if member.chair_role != role:
                member.chair_role = role
                member.save(update_fields=["chair_role"])
        youth = free[CHAIRS::11]
        Member.objects.filter(pk__in=[m.pk for m in youth]).update(is_youth=True)
        for member in youth:
            member.is_youth = True
        return chairs, youth

    def pair(self, kind, from_member, to_member):
        pairing, _ = Pairing.objects.get_or_create(
            year=self.year,
            kind=kind,
            to_code=to_member.code,
            defaults={
                "from_member": from_member,
                "to_member": to_member,
                "from_code": from_member.code,
                "from_name": from_member.name,
                "to_name": to_member.name,
            },
        )
        return pairing

    def pairings(self, members, chairs, youth, demo_member):
        """{member pk: [paired members]} of each kind this seed made, for the entries."""
        standing = [m for m in members if m.is_standing]
        chaired = {c.pk: [] for c in chairs}
        for index, member in enumerate(standing):
            chair = chairs[index % len(chairs)]
            pairing = self.pair(PairingKind.CHAIR, chair, member)
            chaired.setdefault(pairing.from_member_id, []).append(member)
        chair_ids = {c.pk for c in chairs}
        regular = [m for m in members if not m.is_standing and m.pk not in chair_ids]
        by_committee = {}
        for member in standing:
            by_committee.setdefault(member.committee_id, []).append(member)
        paired = {}
        for index, member in enumerate(regular):
            if index % 17 == 16:
                continue  # left without a 常委: a gap for the 落实情况 page
            pool = by_committee.get(member.committee_id) or standing
            pairing = self.pair(PairingKind.STANDING, pool[index % len(pool)], member)
            paired.setdefault(pairing.from_member_id, []).append(member)
        youth_ids = {m.pk for m in youth}
        mentors = [m for m in regular if m.pk not in youth_ids and m.pk not in self.users]
        if demo_member is not None and demo_member.pk not in youth_ids:
            mentors.insert(0, demo_member)
        for index, member in enumerate(youth[:-1]):  # the last 青年委员 still waits for a mentor
            mentor = mentors[index % len(mentors)]
            if mentor.pk != member.pk:
                self.pair(PairingKind.MENTOR, mentor, member)
        return chaired, paired

    # --- entries

    def log(self, month, day, way, makers, contacted=(), targets=(), **extra):
        """Save one entry unless it is ahead of today, stored already, or in a locked half."""
        date = _day(self.year, month, day)
        if date > self.today or not makers and not extra.get("committee"):
            return
        entry = rules.Entry(
            date=date,
            way=way,
            makers=list(makers),
            contacted=list(contacted),
            targets=list(targets),
            source=extra.pop("source", Source.MEMBER),
            **extra,
        )
        if ContactActivity.objects.filter(fingerprint=rules.fingerprint(entry)).exists():
            return
        user = None
        if entry.source == Source.MEMBER and makers:
            user = self.user_of(makers[0])
        try:
            rules.save_entry(entry, user, today=self.today)
        except rules.ContactError:
            return  # the half's report is issued: the demo leaves it as it is
        self.written += 1

    def user_of(self, member):
        from django.contrib.auth import get_user_model

        pk = self.users.get(member.pk)
        return get_user_model().objects.filter(pk=pk).first() if pk else None

    def entries(self, members, chairs, chaired, paired, demo_member):
        first = [c for c in chairs if chaired.get(c.pk)]
        if len(first) >= 3:
            c0, c1, c2 = first[:3]
            for month in range(1, 13):  # every month
                visited = chaired[c0.pk][(month - 1) % len(chaired[c0.pk])]
                self.log(month, 10, Way.VISIT, [c0], [visited], note="走访常委，了解履职情况。")
            for month in (2, 5, 9):  # with gaps: red months on the grid
                self.log(month, 14, Way.VISIT, [c1], [chaired[c1.pk][0]])
            for number, day in enumerate((5, 12, 19)):  # three in one month: more than the quota
                self.log(3, day, Way.VISIT, [c2], [chaired[c2.pk][number % len(chaired[c2.pk])]])
            # 主席班子集体走访: one visit, counted for each of the three.
            self.log(4, 22, Way.VISIT, [c0, c1, c2], [chaired[c0.pk][-1]], note="主席班子集体走访。")
        conveners = [pk for pk, group in paired.items() if len(group) >= 2]
        standing = {m.pk: m for m in members if m.is_standing}
        for index, pk in enumerate(conveners[:3]):
            convener, group = standing.get(pk), paired[pk]
            if convener is None:
                continue
            self.log(5, 16 + index, Way.FORUM, [convener], group[:4], is_forum=True, note="上半年集体座谈会。")
            if index == 0:
                self.log(10, 17, Way.FORUM, [convener], group[:3], is_forum=True, note="下半年集体座谈会。")
        if len(conveners) > 3 and standing.get(conveners[3]) is not None:
            visitor = standing[conveners[3]]
            if visitor.street_group_id:
                self.log(6, 12, Way.VISIT, [visitor], street_group=visitor.street_group, note="参加街道活动小组活动。")
        committee = SpecialCommittee.objects.filter(name="教科文卫体委员会").first() or SpecialCommittee.objects.first()
        if committee is not None:
            visited = list(Member.objects.filter(sector__contact_committee=committee).order_by("code")[:2])
            if visited:
                self.log(
                    4,
                    8,
                    Way.VISIT,
                    [],
                    visited,
                    committee=committee,
                    source=Source.OFFICE,
                    note="专委会走访所联系界别委员。",
                )
        if demo_member is not None:
            self.demo_member_entries(demo_member)
        chair_ids = {c.pk for c in chairs}
        regular = [m for m in members if not m.is_standing and m.pk not in chair_ids and m.pk not in self.users]
        for index, contacts in CONTACTS:
            member = regular[-(index + 1)]
            for month, day, way, targets, note in contacts:
                self.log(month, day, way, [member], targets=targets, note=note)

    def demo_member_entries(self, member):
        """The demo account: its saved 联系对象 and three entries, one a call to its mentee."""
        museum = rules.save_target(member, E, "区文化馆")
        citizen = rules.save_target(member, P, "王女士")
        mentee = Pairing.objects.filter(year=self.year, kind=PairingKind.MENTOR, from_member=member).first()
        if mentee is not None and mentee.to_member is not None:
            self.log(2, 14, Way.PHONE, [member], [mentee.to_member], note="传帮带：交流提案撰写。")
        self.log(3, 6, Way.VISIT, [member], targets=[museum], note="了解公共文化服务需求。")
        self.log(5, 9, Way.WECHAT, [member], targets=[citizen])


def demo_member():
    """The member behind the demo 委员 account (seed_demo's `member`), if any."""
    return (
        Member.objects.filter(account__user__groups__name=roles.MEMBER, account__user__username="member").first()
        or Member.objects.filter(account__user__groups__name=roles.MEMBER).order_by("code").first()
    )


def seed_contacts(today=None):
    """Seed this year's 三联系 (see the module's docstring). Returns the number of entries written."""
    today = today or timezone.localdate()
    members = list(Member.objects.order_by("code"))
    if len(members) < MIN_MEMBERS:
        return 0
    seeder = Seeder(today)
    with transaction.atomic():
        member = demo_member()
        if member is not None and (member.is_youth or member.chair_role):
            member.is_youth, member.chair_role = False, ""
            member.save(update_fields=["is_youth", "chair_role"])
        chairs, youth = seeder.designate(members)
        chaired, paired = seeder.pairings(members, chairs, youth, member)
        seeder.entries(members, chairs, chaired, paired, member)
    if seeder.written:
        _rescore(today.year)
    return seeder.written


def _rescore(year):
    """The ledger synced on commit (the entries' signals); the scores follow it."""
    from performance.rules import is_frozen
    from performance.scoring import compute_scores, scheme_in_force

    if not is_frozen(year) and scheme_in_force(year) is not None:
        compute_scores(year)
