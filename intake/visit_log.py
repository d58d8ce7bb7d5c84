"""来访登记: the members on duty at a 接待日, or a 联系点's 联络员, log who came and what they raised;
"转为诉求件" opens a case from a visit through cases.register, once (the visit's row is locked).

The two steps every view of /forms/visits/ calls; each checks rules.may_log_visit and raises
IntakeError (NotYours for someone else's day or point) with a message for the user."""

from django.db import transaction
from django.utils import timezone

from lianxin_site.db import locked_row

from . import cases, rules
from .models import Booking, Channel, Visit
from .rules import IntakeError, NotYours

NOT_YOUR_VISITS = "这里的来访不由您登记"


def require_logger(user, *, day=None, point=None):
    if not rules.may_log_visit(user, day=day, point=point):
        raise NotYours(NOT_YOUR_VISITS)


def visits_of(user):
    """The visits this account may read and convert: at its 接待日 on duty, at its points."""
    from django.db.models import Q

    return Visit.objects.filter(
        Q(day__in=rules.reception_days_on_duty(user).values("pk"))
        | Q(contact_point__in=rules.contact_points_of(user).values("pk"))
    )


@transaction.atomic
def log_visit(
    user,
    *,
    day=None,
    point=None,
    booking=None,
    name,
    matter,
    phone="",
    address="",
    outcome="",
    category="other",
    now=None,
):
    """A visit at `day` (booked: `booking`, or walk-in) or at `point`."""
    if (day is None) == (point is None):
        raise IntakeError("请选择接待日或联系点。")
    require_logger(user, day=day, point=point)
    now = now or timezone.now()
    if booking is not None:
        if day is None or booking.day_id != day.pk:
            raise IntakeError("该预约不是这个接待日的。")
        booking = locked_row(Booking.objects.all(), pk=booking.pk)
        if booking.cancelled_at is not None:
            raise IntakeError("该预约已取消。")
        if Visit.objects.filter(booking=booking).exists():
            raise IntakeError(f"预约 {booking.number} 已登记过来访。")
    return Visit.objects.create(
        day=day,
        contact_point=point,
        booking=booking,
        name=name,
        phone=phone,
        address=address,
        matter=matter,
        outcome=outcome,
        category=category,
        logged_by=user,
        at=now,
    )


@transaction.atomic
def convert(visit, user, *, subject, phone="", now=None):
    """转为诉求件: a case in 登记 from the visit (channel 接待日 or 联系点), linked to it. Once only:
    the visit's row is locked and checked again."""
    visit = locked_row(Visit.objects.all(), pk=visit.pk)
    require_logger(user, day=visit.day, point=visit.contact_point)
    if visit.case_id is not None:
        raise IntakeError(f"该来访已转为诉求件（受理编号 {visit.case.number}），不能重复转办。")
    phone = phone or visit.phone
    if not phone:
        raise IntakeError("转为诉求件需要来访人的联系电话。")
    subject = (subject or "").strip()
    if not subject:
        raise IntakeError("请填写诉求件标题。")
    if visit.day_id is not None:
        where = {"channel": Channel.RECEPTION, "station": visit.day.station}
    else:
        where = {"channel": Channel.CONTACT_POINT, "contact_point": visit.contact_point}
    case, code = cases.register(
        name=visit.name,
        phone=phone,
        address=visit.address,
        subject=subject,
        content=visit.matter,
        category=visit.category,
        user=user,
        now=now,
        **where,
    )
    visit.case = case
    visit.phone = phone
    visit.save(update_fields=["case", "phone"])
    return case, code


def default_subject(visit, length=30):
    """A title for the case from the visit's matter: its first line, cut short."""
    first = (visit.matter or "").strip().splitlines()[0] if (visit.matter or "").strip() else "来访反映事项"
    return first if len(first) <= length else first[: length - 1] + "…"
