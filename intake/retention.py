"""The 保存期限 of citizens' personal data (issue 17 item 9): `manage.py anonymise_cases` runs this
daily (bin/ or cron; the schedule issue brings the worker that calls it).

After IntakeSettings.retention_days (default 730, never fewer than 180):
- a case 办结 longer ago than that loses the citizen's name, phone, email, address and its 查询码
  (the matter, the reply and the history stay: they are the committee's record), and gains a
  CaseEvent 清除个人信息;
- a 接待日 booking whose day is older, a 来访登记 made earlier and a sign-up for an event that
  began earlier lose their name, phone (and address);
- the hashed IP addresses of the submission limits are deleted after 7 days
  (public.forget_addresses).

"Older than": a case closed at `now - days - 1 second` is blanked, one closed at `now - days` is
kept. The writes are set-based: one UPDATE per batch of cases and one INSERT of their events, so
10,000 cases take seconds, not a save() each."""

import datetime

from django.db import transaction
from django.utils import timezone

from lianxin_site.db import locked

from .models import Booking, Case, CaseEvent, IntakeSettings, SignUp, Submission, Visit
from .public import IP_KEPT, forget_addresses

ERASED = "（已清除）"  # for the required fields (name, phone), so the row stays valid
MINIMUM_DAYS = 180
BATCH = 1000
NOTE = "保存期限届满，已清除群众的姓名、电话、邮箱、地址和查询码。"


def cutoff(now=None, settings_row=None):
    """The moment before which personal data is no longer kept."""
    now = now or timezone.now()
    # Read, not IntakeSettings.load(), which would write the row (a dry run writes nothing).
    row = settings_row or IntakeSettings.objects.filter(pk=1).first() or IntakeSettings()
    return now - datetime.timedelta(days=max(row.retention_days, MINIMUM_DAYS))


def due_cases(before):
    return Case.objects.filter(status=Case.Status.CLOSED, closed_at__lt=before, anonymised_at__isnull=True)


def due_bookings(before):
    return Booking.objects.filter(day__date__lt=timezone.localtime(before).date(), anonymised_at__isnull=True)


def due_visits(before):
    return Visit.objects.filter(at__lt=before, anonymised_at__isnull=True)


def due_signups(before):
    return SignUp.objects.filter(event__start__lt=before, anonymised_at__isnull=True)


def _cases(before, now):
    """Blank the due cases BATCH at a time; each batch locks its rows, updates them in one
    statement and writes their events in one INSERT. Returns how many."""
    done = 0
    while True:
        with transaction.atomic():
            rows = list(locked(due_cases(before)).values_list("pk", "assignment_id")[:BATCH])
            if not rows:
                return done
            ids = [pk for pk, _assignment in rows]
            Case.objects.filter(pk__in=ids).update(
                name=ERASED, phone=ERASED, email="", address="", code_hmac="", anonymised_at=now
            )
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        case_id=pk,
                        action=CaseEvent.Action.ANONYMISE,
                        status=Case.Status.CLOSED,
                        assignment_id=assignment,
                        note=NOTE,
                        internal=True,
                        at=now,
                    )
                    for pk, assignment in rows
                ],
                batch_size=BATCH,
            )
            done += len(rows)


def anonymise(now=None, dry_run=False):
    """Blank what is past the 保存期限. Returns the counts {"cases", "bookings", "visits",
    "signups", "addresses"}: what was (or, with dry_run, would be) cleared; dry_run writes
    nothing."""
    now = now or timezone.now()
    before = cutoff(now)
    if dry_run:
        return {
            "cases": due_cases(before).count(),
            "bookings": due_bookings(before).count(),
            "visits": due_visits(before).count(),
            "signups": due_signups(before).count(),
            "addresses": Submission.objects.filter(at__lt=now - IP_KEPT).count(),
        }
    counts = {"cases": _cases(before, now)}
    with transaction.atomic():
        counts["bookings"] = due_bookings(before).update(
            name=ERASED, phone=ERASED, cancel_token_hash="", anonymised_at=now
        )
        counts["visits"] = due_visits(before).update(name=ERASED, phone="", address="", anonymised_at=now)
        counts["signups"] = due_signups(before).update(name=ERASED, phone=ERASED, code_hmac="", anonymised_at=now)
        counts["addresses"] = forget_addresses(now)
    return counts


def describe(counts, dry_run=False):
    """The counts in one Chinese sentence, for the command and the logs."""
    verb = "将清除" if dry_run else "已清除"
    text = (
        f"{verb} {counts['cases']} 件诉求件、{counts['bookings']} 条接待日预约、{counts['visits']} 条来访登记、"
        f"{counts['signups']} 条活动报名的个人信息；"
        f"{'将删除' if dry_run else '已删除'} {counts['addresses']} 条 7 天前的提交地址记录。"
    )
    return text + ("（试运行，未作任何修改。）" if dry_run else "")
