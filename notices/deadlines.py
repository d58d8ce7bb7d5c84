"""Every deadline someone has not yet met, from each source's own rules: one function per source
that answers in bulk (a few queries, whatever the number of accounts) which accounts still owe
what by when. Reminders (notices/reminders.py), 我的工作台's 下一个截止日期 and each account's
private iCal feed (schedule/feeds.py) all read these, so "who has not acted" is decided once.

A source function takes (today, users=None) and returns [(Deadline, [user ids])]: the deadlines
from `today` on (and those due today) that the listed accounts have not met. `users` (a queryset
or list of User) narrows the answer to those accounts."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from forms_app.five_ones.models import FilingYear, FiveOnesFiling
from people.models import Profile

from .models import Kind


@dataclass(frozen=True)
class Deadline:
    key: str  # stable across runs: SentReminder and the iCal UID are built from it
    date: datetime.date
    title: str
    link: str
    kind: str = Kind.REMINDER


def _active_users(users):
    User = get_user_model()
    found = User.objects.filter(is_active=True)
    if users is not None:
        found = found.filter(pk__in=[u.pk for u in users] if isinstance(users, list | tuple) else users.values("pk"))
    return found


def filing_deadlines(today, users=None):
    """五个一备案表 (seed 000 附件 注 1: by the end of March): each 界别组长 whose sector or party has not
    filed this year's table (or had it returned) by FilingYear.deadline_for(year)."""
    year = today.year
    deadline = FilingYear.deadline_for(year)
    if deadline < today:
        return []
    leaders = (
        Profile.objects.filter(
            user__in=_active_users(users),
            user__groups__permissions__content_type__app_label="forms_app",
            user__groups__permissions__codename="add_fiveonesfiling",
        )
        .filter(Q(sector__isnull=False) | Q(party__isnull=False))
        .distinct()
        .select_related("sector", "party")
    )
    done = FiveOnesFiling.objects.filter(year=year).exclude(status=FiveOnesFiling.Status.RETURNED)
    done_sectors = set(done.filter(sector__isnull=False).values_list("sector_id", flat=True))
    done_parties = set(done.filter(party__isnull=False).values_list("party_id", flat=True))
    link = reverse("five_ones_wizard")
    found = {}
    for profile in leaders:
        if profile.sector_id:
            if profile.sector_id in done_sectors:
                continue
            body_key, name = f"sector:{profile.sector_id}", profile.sector.name
        else:
            if profile.party_id in done_parties:
                continue
            body_key, name = f"party:{profile.party_id}", profile.party.name
        deadline_row = Deadline(
            key=f"filing:{year}:{body_key}",
            date=deadline,
            title=f"{name} {year} 年“五个一”活动备案表报送截止",
            link=link,
        )
        found.setdefault(deadline_row, []).append(profile.user_id)
    return list(found.items())


# Every source, in the order 我的工作台 lists them. Later sources (activity-day reports, station
# 动态 uploads, application boxes waiting, case steps near their due date) are added here.
SOURCES = [filing_deadlines]


def open_deadlines(today=None, users=None):
    """[(Deadline, [user ids])] over every source."""
    today = today or timezone.localdate()
    found = []
    for source in SOURCES:
        found.extend(source(today, users))
    return found


def deadlines_for(user, today=None):
    """The account's own unmet deadlines, soonest first."""
    if not user.is_authenticated:
        return []
    rows = [deadline for deadline, user_ids in open_deadlines(today, [user]) if user.pk in user_ids]
    return sorted(rows, key=lambda d: (d.date, d.key))
