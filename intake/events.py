"""请群众走进政协 (S002-14…17): a citizen signs up for an event before its deadline and later reads
the result by 报名号 + 查询码; 区政协办公室 selects who comes.

    signup, code = events.sign_up(request, event, name=…, phone=…, sector_or_job=…, topic=…)
    events.decide(user, event, [ids], selected=True) → Decision(changed, selected, places)
    events.lookup(number, code) → SignUp or None (one answer for a wrong number and a wrong code)
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lianxin_site.db import locked_row

from .models import EventPage, SignUp
from .public import admit, code_hmac, code_matches, new_code, next_number
from .rules import IntakeError, NotYours

CLOSED = "报名已截止"
NOT_ALLOWED = "您的账号不能确定报名群众，请联系区政协办公室。"


def may_select(user):
    return bool(user.is_authenticated and user.is_active and user.has_perm("intake.select_signups"))


def open_for_signup(event, now=None):
    return (now or timezone.now()) <= event.deadline


def public_events():
    """The events a citizen may reach: live and without a view restriction."""
    return EventPage.objects.live().public()


def sign_up(request, event, *, name, phone, sector_or_job, topic="", now=None):
    """Write one SignUp and return it with its 查询码 (shown once, kept only as an HMAC). Raises
    IntakeError(CLOSED) after the deadline and public.Throttled over the per-IP limit; nothing is
    written either way."""
    now = now or timezone.now()
    with transaction.atomic():
        # The deadline is read again under the event's lock: a deadline moved while the form was
        # open counts, and a sign-up never lands after it.
        event = locked_row(EventPage.objects.all(), pk=event.pk)
        if not open_for_signup(event, now):
            raise IntakeError(CLOSED)
        admit(request, "signup", now=now)
        number = next_number("signup", prefix="B", now=now)
        code = new_code()
        signup = SignUp.objects.create(
            event=event,
            number=number,
            name=name.strip(),
            phone=phone,
            sector_or_job=sector_or_job.strip(),
            topic=(topic or "").strip(),
            consent_at=now,
            code_hmac=code_hmac(number, code),
        )
    return signup, code


def lookup(number, code):
    """The sign-up for this number and code, or None: a missing number and a wrong code are
    compared the same way and answer the same."""
    number = (number or "").strip().upper()
    signup = SignUp.objects.select_related("event").filter(number=number).first() if number else None
    matched = code_matches(signup.code_hmac if signup else None, number, code)
    return signup if (signup is not None and matched) else None


@dataclass
class Decision:
    changed: int
    selected: int
    places: int

    @property
    def over(self):
        return max(0, self.selected - self.places)

    @property
    def warning(self):
        if self.over:
            return (
                f"已入选 {self.selected} 人，超出名额 {self.places} 人 {self.over} 人；系统只作提醒，不阻止，请核实。"
            )
        return ""


def decide(user, event, signup_ids, selected, now=None):
    """Mark the event's sign-ups among signup_ids 已入选 (selected=True) or 未入选, recording who and
    when. Selecting beyond 名额 is allowed and reported in Decision.warning."""
    if not may_select(user):
        raise NotYours(NOT_ALLOWED)
    now = now or timezone.now()
    status = SignUp.Status.SELECTED if selected else SignUp.Status.NOT_SELECTED
    with transaction.atomic():
        event = locked_row(EventPage.objects.all(), pk=event.pk)
        rows = SignUp.objects.filter(event=event, pk__in=list(signup_ids), anonymised_at__isnull=True)
        changed = rows.exclude(status=status).update(status=status, decided_by=user, decided_at=now)
        chosen = SignUp.objects.filter(event=event, status=SignUp.Status.SELECTED).count()
    return Decision(changed=changed, selected=chosen, places=event.places)


def reset(user, event, signup_ids):
    """Back to 待确定 (a decision taken by mistake)."""
    if not may_select(user):
        raise NotYours(NOT_ALLOWED)
    with transaction.atomic():
        locked_row(EventPage.objects.all(), pk=event.pk)
        return (
            SignUp.objects.filter(event=event, pk__in=list(signup_ids))
            .exclude(status=SignUp.Status.PENDING)
            .update(status=SignUp.Status.PENDING, decided_by=None, decided_at=None)
        )
