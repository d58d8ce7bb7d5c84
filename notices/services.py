"""Writing notifications: the one way any feature tells an account (or a citizen's address) that
something happened or waits for them. Mail is left to the worker: notify() only writes rows and,
once the transaction commits, enqueues notices.tasks.deliver with their ids."""

from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from lianxin_site.db import locked_row

from .models import EmailMode, EmailState, NoticeSettings, Notification, Preference

# One task sends at most this many mails over one SMTP connection.
BATCH = 200


def email_modes(users, kind):
    """{user id: EmailMode} for `kind`; an account that chose nothing gets its mail at once."""
    chosen = dict(Preference.objects.filter(user__in=[u.pk for u in users], kind=kind).values_list("user_id", "mode"))
    return {user.pk: chosen.get(user.pk, EmailMode.INSTANT) for user in users}


def _state(user, mode):
    if not user.email or mode == EmailMode.NONE:
        return EmailState.NOT_SENT
    return EmailState.DIGEST if mode == EmailMode.DIGEST else EmailState.PENDING


def one_line(title):
    """A title on one line and within the column: it becomes the mail's Subject, where a line break
    (typed into a name a title quotes) would make every send fail with BadHeaderError."""
    return " ".join(title.split())[:200]


def notify(users, kind, title, link="", body=""):
    """Tell each of `users` (inactive accounts and repeats skipped) about one thing. Returns the
    Notification rows written."""
    unique = {}
    for user in users:
        if user is not None and user.is_active:
            unique.setdefault(user.pk, user)
    users = list(unique.values())
    if not users:
        return []
    modes = email_modes(users, kind)
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=one_line(title),
                body=body,
                link=link,
                created=now,
                email_state=_state(user, modes[user.pk]),
            )
            for user in users
        ]
    )
    enqueue_pending([row.pk for row in rows if row.email_state == EmailState.PENDING])
    return rows


def notify_address(email, kind, title, link="", body=""):
    """Mail one citizen's address (no account, nothing shown in the site)."""
    if not email:
        return None
    row = Notification.objects.create(
        email=email, kind=kind, title=one_line(title), body=body, link=link, email_state=EmailState.PENDING
    )
    enqueue_pending([row.pk])
    return row


def enqueue_pending(ids):
    """After commit, one deliver task per BATCH ids."""
    if not ids:
        return
    from .tasks import deliver

    def enqueue():
        for start in range(0, len(ids), BATCH):
            deliver.enqueue(ids[start : start + BATCH])

    transaction.on_commit(enqueue)


def unread_for(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def mark_read(user, ids=None):
    """Mark the user's own notifications read (all, or those ids); another's are never touched."""
    rows = unread_for(user)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def notify_each(messages, kind):
    """Many different messages of one kind, each to one account, in one go: [(user, title, link,
    body)] → rows. The same rules as notify() (inactive accounts skipped, email per Preference, one
    deliver task per BATCH after commit), with one query for the preferences and one insert."""
    messages = [message for message in messages if message[0] is not None and message[0].is_active]
    if not messages:
        return []
    modes = email_modes(list({user.pk: user for user, *_ in messages}.values()), kind)
    now = timezone.now()
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                created=now,
                email_state=_state(user, modes[user.pk]),
            )
            for user, title, link, body in messages
        ],
        batch_size=500,
    )
    enqueue_pending([row.pk for row in rows if row.email_state == EmailState.PENDING])
    return rows


@contextmanager
def once():
    """The transaction in which a run that tells each account something once reads who was already
    told (SentReminder) and writes its new rows. It locks the one NoticeSettings row first, so two
    such runs at once (two offices adding units to one 委员活动日, two cron runs) take turns: the
    second reads the first's rows and tells nobody twice, on PostgreSQL as on SQLite."""
    with transaction.atomic():
        locked_row(NoticeSettings.objects, pk=NoticeSettings.load().pk)
        yield
