"""/forms/visits/: 来访登记 on a phone. A member on duty sees their 接待日 (today, the coming two
weeks and the last month) with its bookings (they receive those visitors, so they read the name
and phone) and the visits logged; a 联系点联络员 sees their points. Either logs a visit (booked:
pick the booking; or walk-in) and turns it into a case once ("转为诉求件").

Which days and points come from rules.reception_days_on_duty / contact_points_of, each write is
one call to intake/visit_log.py, which checks rules.may_log_visit; someone else's day, point or
visit is a 403. Never cached: the pages hold visitors' names and phones."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from lianxin_site.refusals import refused
from people.services import account_of

from . import rules, visit_log
from .case_forms import ConvertForm, VisitForm
from .models import Booking, ContactPoint, ReceptionDay, Visit
from .rules import IntakeError, NotYours

NOT_ON_DUTY = "只有接待日值班委员和社情民意联系点联络员可以登记来访。如有疑问，请联系区政协办公室。"
PAST_DAYS = 30
COMING_DAYS = 14
RECENT_VISITS = 20


def visits_page(view):
    @login_required
    @never_cache
    @sensitive_post_parameters("name", "phone", "address", "matter")
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def open_bookings(day):
    """The day's bookings not cancelled and not yet logged as a visit."""
    return day.bookings.filter(cancelled_at__isnull=True, visit__isnull=True).order_by("slot", "pk")


@visits_page
def visits_home(request):
    user = request.user
    today = timezone.localdate()
    visits = Visit.objects.select_related("case", "booking").order_by("-at", "-pk")
    days = list(
        rules.reception_days_on_duty(user)
        .filter(
            cancelled=False,
            date__gte=today - datetime.timedelta(days=PAST_DAYS),
            date__lte=today + datetime.timedelta(days=COMING_DAYS),
        )
        .select_related("station")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(cancelled_at__isnull=True)
                .select_related("visit")
                .order_by("slot", "pk"),
            ),
            Prefetch("visits", queryset=visits),
        )
        .order_by("-date", "start")
    )
    points = list(rules.contact_points_of(user).order_by("town", "community", "name"))
    if not days and not points and account_of(user).member is None:
        return refused(request, NOT_ON_DUTY)
    point_visits = []
    for point in points:
        point_visits.append((point, list(visits.filter(contact_point=point)[:RECENT_VISITS])))
    return render(
        request,
        "intake/visits/home.html",
        {"days": days, "points": point_visits, "today": today, "past_days": PAST_DAYS, "coming_days": COMING_DAYS},
    )


def _log(request, *, day=None, point=None):
    if not rules.may_log_visit(request.user, day=day, point=point):
        return refused(request, visit_log.NOT_YOUR_VISITS)
    bookings = open_bookings(day) if day is not None else None
    if request.method == "POST":
        form = VisitForm(request.POST, bookings=bookings)
        if form.is_valid():
            try:
                visit = visit_log.log_visit(
                    request.user,
                    day=day,
                    point=point,
                    booking=form.cleaned_data.get("booking"),
                    **form.visit_fields(),
                )
            except NotYours as refusal:
                return refused(request, str(refusal))
            except IntakeError as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, f"已登记 {visit.name} 的来访。")
                return redirect("visits_home")
    else:
        initial = {}
        booking_id = request.GET.get("booking", "")
        if bookings is not None and booking_id.isdigit():
            booking = bookings.filter(pk=int(booking_id)).first()
            if booking is not None:
                initial = {"booking": booking.pk, "name": booking.name, "phone": booking.phone, "matter": booking.topic}
        form = VisitForm(initial=initial, bookings=bookings)
    return render(request, "intake/visits/visit_form.html", {"form": form, "day": day, "point": point})


@visits_page
def visit_day_new(request, day_id):
    """Log a visit at a 接待日 this account is on duty at."""
    day = get_object_or_404(ReceptionDay.objects.select_related("station"), pk=day_id)
    return _log(request, day=day)


@visits_page
def visit_point_new(request, point_id):
    """Log a visit at one of this account's 联系点."""
    point = get_object_or_404(ContactPoint, pk=point_id)
    return _log(request, point=point)


@visits_page
def visit_convert(request, pk):
    """转为诉求件: GET shows the title and phone to confirm; POST opens the case, once."""
    visit = get_object_or_404(Visit.objects.select_related("day__station", "contact_point", "case"), pk=pk)
    if not rules.may_log_visit(request.user, day=visit.day, point=visit.contact_point):
        return refused(request, visit_log.NOT_YOUR_VISITS)
    if request.method == "POST":
        form = ConvertForm(request.POST)
        if form.is_valid():
            try:
                case, code = visit_log.convert(
                    visit, request.user, subject=form.cleaned_data["subject"], phone=form.cleaned_data["phone"]
                )
            except NotYours as refusal:
                return refused(request, str(refusal))
            except IntakeError as refusal:
                messages.error(request, str(refusal))
                return redirect("visits_home")
            # The 查询码 is shown once, on this answer to the POST, for the visitor to keep.
            return render(request, "intake/visits/converted.html", {"case": case, "code": code})
    else:
        if visit.case_id is not None:
            messages.error(request, f"该来访已转为诉求件（受理编号 {visit.case.number}），不能重复转办。")
            return redirect("visits_home")
        form = ConvertForm(initial={"subject": visit_log.default_subject(visit), "phone": visit.phone})
    return render(request, "intake/visits/convert.html", {"form": form, "visit": visit})
