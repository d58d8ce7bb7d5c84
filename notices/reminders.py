"""Reminders (S000-13, seed 000 附件 注 1: 31 March passes unreminded no more): each day, whoever has
not yet met a deadline (notices.deadlines, every source) is told 7, 3 and 1 days before it and on the
day itself (NoticeSettings). A SentReminder row per (deadline, account, days before) is written with
the notification, so running it again the same day, or twice by mistake, sends nothing twice."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import deadlines as deadline_sources
from . import events, services
from .models import EmailState, Kind, NoticeSettings, SentReminder
from .services import notify_each


@dataclass
class Outcome:
    today: object
    deadlines: int = 0  # deadlines falling on a reminder day
    sent: int = 0  # reminders written now
    emailed: int = 0  # of which are mailed (the rest are in-app only, or wait for the digest)
    skipped: int = 0  # already sent earlier


def reminder_title(deadline, days_before):
    if days_before == 0:
        return f"今天截止：{deadline.title}"
    return f"还有 {days_before} 天截止（{deadline.date.month}月{deadline.date.day}日）：{deadline.title}"


def due_today(today, offsets=None):
    """[(Deadline, days before, [user ids])] for the deadlines falling on one of today's offsets."""
    offsets = set(NoticeSettings.load().offsets() if offsets is None else offsets)
    found = []
    for deadline, user_ids in deadline_sources.open_deadlines(today):
        days_before = (deadline.date - today).days
        if days_before in offsets and user_ids:
            found.append((deadline, days_before, user_ids))
    return found


def queue_reminders(today=None):
    """Write today's reminders (in-app at once, mail through the worker after commit). Under
    services.once(): a second run at the same time waits, then finds every reminder sent."""
    with services.once():
        return _queue_reminders(today)


def _queue_reminders(today=None):
    today = today or timezone.localdate()
    due = due_today(today)
    outcome = Outcome(today=today, deadlines=len(due))
    if not due:
        _late_cases(today)
        return outcome
    keys = {deadline.key for deadline, _, _ in due}
    already = set(
        SentReminder.objects.filter(deadline_key__in=keys).values_list("deadline_key", "recipient_id", "days_before")
    )
    wanted = [
        (deadline, days_before, user_id)
        for deadline, days_before, user_ids in due
        for user_id in dict.fromkeys(user_ids)
        if (deadline.key, user_id, days_before) not in already
    ]
    outcome.skipped = sum(len(set(user_ids)) for _, _, user_ids in due) - len(wanted)
    users = get_user_model().objects.in_bulk({user_id for _, _, user_id in wanted})
    wanted = [(deadline, days_before, users[user_id]) for deadline, days_before, user_id in wanted if user_id in users]
    SentReminder.objects.bulk_create(
        [
            SentReminder(deadline_key=deadline.key, deadline=deadline.date, recipient=user, days_before=days_before)
            for deadline, days_before, user in wanted
        ],
        batch_size=500,
    )
    rows = notify_each(
        [(user, reminder_title(deadline, days_before), deadline.link, "") for deadline, days_before, user in wanted],
        Kind.REMINDER,
    )
    outcome.sent = len(rows)
    outcome.emailed = sum(1 for row in rows if row.email_state == EmailState.PENDING)
    _late_cases(today)
    return outcome


def _late_cases(today):
    """Tell the holders of cases past their time limit (notices.events.notify_late_cases), as of
    `today` at this time of day: a rerun with --date reads the cases as they were, or will be, then."""
    now = timezone.now()
    if today != timezone.localdate(now):
        now = timezone.make_aware(datetime.datetime.combine(today, timezone.localtime(now).time()))
    events.notify_late_cases(now)
