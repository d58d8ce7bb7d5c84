"""委员接待日 bookings: the slots of a day with the places left, booking one under a lock on the
day's row (so the last place cannot go twice), and cancelling by the link's random token until
the slot starts. Times are the committee's (Asia/Shanghai, settings.TIME_ZONE).

The views (reception_views.py) only check the shape of the input; every refusal here is a
BookingError whose message the citizen reads beside the slot, and nothing is written."""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from lianxin_site.db import locked_row

from .models import Booking, ReceptionDay
from .public import admit, new_token, next_number, token_hash
from .rules import IntakeError

SLOT_FULL = "该时段已约满，请选择其他时段"
DAY_CANCELLED = "该接待日已取消，不再接受预约。请关注工作室公布的其他接待日。"
DAY_PAST = "该接待日已经过去，不再接受预约。请关注工作室公布的其他接待日。"
NO_SUCH_SLOT = "请选择一个时段"
ALREADY_CANCELLED = "该预约已经取消，名额已释放，无需再次取消。"
TOO_LATE_TO_CANCEL = "预约时段已经开始，不能再在网上取消。如不能前往，请直接联系委员工作室。"


class BookingError(IntakeError):
    """A booking or cancellation refused; the message is for the citizen."""


@dataclasses.dataclass
class Slot:
    start: datetime.time
    end: datetime.time
    places: int
    taken: int
    past: bool

    @property
    def left(self):
        return max(0, self.places - self.taken)

    @property
    def open(self):
        return self.left > 0 and not self.past

    @property
    def value(self):
        return self.start.strftime("%H:%M")

    @property
    def label(self):
        return f"{self.start:%H:%M}—{self.end:%H:%M}"


def _now(now):
    return timezone.localtime(now or timezone.now())


def slot_starts_at(day, slot):
    """The aware moment a slot of the day starts, in the committee's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day.date, slot), timezone.get_default_timezone())


def taken_counts(day):
    """{slot time: non-cancelled bookings} of one day."""
    rows = Booking.objects.filter(day=day, cancelled_at__isnull=True).values("slot").annotate(n=Count("pk")).order_by()
    return {row["slot"]: row["n"] for row in rows}


def slot_table(day, now=None):
    """Every slot of the day with its places left, in order."""
    now = _now(now)
    taken = taken_counts(day)
    step = datetime.timedelta(minutes=day.slot_minutes)
    table = []
    for start in day.slots():
        end = (datetime.datetime.combine(day.date, start) + step).time()
        table.append(Slot(start, end, day.places, taken.get(start, 0), past=slot_starts_at(day, start) <= now))
    return table


def day_refusal(day, now=None):
    """Why nobody may book this day at all, or ""."""
    if day.cancelled:
        return DAY_CANCELLED
    now = _now(now)
    if day.date < now.date() or all(slot.past for slot in slot_table(day, now)):
        return DAY_PAST
    return ""


def parse_slot(day, value):
    """The slot of the day a form's "09:30" names, or None."""
    for start in day.slots():
        if start.strftime("%H:%M") == (value or ""):
            return start
    return None


def book(request, day_id, slot, *, name, phone, topic, now=None):
    """Book `slot` of the day for the citizen: returns (booking, cancel token). The token is
    shown once on the receipt; only its sha256 is kept. Raises BookingError (nothing written)
    or public.Throttled."""
    now = _now(now)
    with transaction.atomic():
        admit(request, "booking", now=now)
        day = locked_row(ReceptionDay.objects.all(), pk=day_id)
        refusal = day_refusal(day, now)
        if refusal:
            raise BookingError(refusal)
        if slot not in day.slots():
            raise BookingError(NO_SUCH_SLOT)
        taken = Booking.objects.filter(day=day, slot=slot, cancelled_at__isnull=True).count()
        if taken >= day.places or slot_starts_at(day, slot) <= now:
            raise BookingError(SLOT_FULL)
        token = new_token()
        booking = Booking.objects.create(
            day=day,
            slot=slot,
            number=next_number("booking", prefix="Y", now=now),
            name=name,
            phone=phone,
            topic=topic,
            consent_at=now,
            cancel_token_hash=token_hash(token),
        )
    return booking, token


def booking_of_token(token):
    """The booking a cancel link names, or None (an unknown token looks like a missing page)."""
    if not token:
        return None
    return Booking.objects.select_related("day__station").filter(cancel_token_hash=token_hash(token)).first()


def may_cancel(booking, now=None):
    """Why this booking cannot be cancelled now, or ""."""
    if booking.cancelled_at is not None:
        return ALREADY_CANCELLED
    if slot_starts_at(booking.day, booking.slot) <= _now(now):
        return TOO_LATE_TO_CANCEL
    return ""


def cancel(token, now=None):
    """Cancel the booking of this link, freeing its place; under the day's lock, as booking is.
    Returns the booking; raises Booking.DoesNotExist for an unknown token, BookingError when
    it is already cancelled or its slot has started."""
    now = _now(now)
    with transaction.atomic():
        found = Booking.objects.filter(cancel_token_hash=token_hash(token or "")).values_list("day_id", flat=True)
        day_id = found.first()
        if day_id is None:
            raise Booking.DoesNotExist
        locked_row(ReceptionDay.objects.all(), pk=day_id)
        booking = locked_row(Booking.objects.select_related("day"), cancel_token_hash=token_hash(token))
        refusal = may_cancel(booking, now)
        if refusal:
            raise BookingError(refusal)
        booking.cancelled_at = now
        booking.save(update_fields=["cancelled_at"])
    return booking


def masked_name(name):
    """欧阳娜娜 → 欧阳**, 王丽 → 王*: enough for the citizen to recognise, nothing for anyone else."""
    name = (name or "").strip()
    if not name:
        return ""
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * max(1, len(name) - keep)


def booked_summary(day, counts=None):
    """ "09:00 2/2 · 09:30 0/2": per slot how many are booked, for the admin list."""
    counts = taken_counts(day) if counts is None else counts
    return " · ".join(f"{start:%H:%M} {counts.get(start, 0)}/{day.places}" for start in day.slots())


def upcoming_days(station, today=None):
    """The station's coming 接待日 (not cancelled), with their on-duty members."""
    today = today or timezone.localdate()
    return ReceptionDay.objects.filter(station=station).upcoming(today).prefetch_related("on_duty")


def bookable_days():
    """Days a public page may offer: the station is live and public."""
    return ReceptionDay.objects.select_related("station").filter(Q(station__live=True), station__in=_public_stations())


def _public_stations():
    from content.models import WorkstationPage

    return WorkstationPage.objects.live().public()
