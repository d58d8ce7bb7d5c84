"""The public side of 委员接待日 and 社情民意联系点: book a slot (/reception/<id>/), the receipt shown
once, the cancel link (/reception/cancel/<token>/) and the list of 联系点 (/reception/points/).

All are never_cache and sensitive_post_parameters: the cached workstation page only links here."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.admin_helpers import id_or_404

from . import reception
from .models import Booking, ContactPoint, IntakeSettings, ReceptionDay
from .public import CitizenFormMixin, PhoneField, Throttled, char_errors, check_limit, throttled_response

RECEIPT_KEY = "intake_booking_receipt"


class BookingForm(CitizenFormMixin):
    """Slot, 姓名, 电话, 反映事项, then (CitizenFormMixin) consent and CAPTCHA."""

    slot = forms.CharField(label="时段", error_messages={"required": reception.NO_SUCH_SLOT})
    name = forms.CharField(label="姓名", max_length=40, error_messages={"required": "请填写姓名"})
    phone = PhoneField(label="电话", error_messages={"required": "请填写联系电话"})
    topic = forms.CharField(
        label="反映事项",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请简要写明想反映的事项"},
        help_text="简要写明想当面反映的问题（不超过 500 字）。",
    )

    field_order = ["slot", "name", "phone", "topic", "consent", "captcha"]

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        char_errors(self)

    def clean_slot(self):
        slot = reception.parse_slot(self.day, self.cleaned_data.get("slot"))
        if slot is None:
            raise forms.ValidationError(reception.NO_SUCH_SLOT)
        return slot

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_topic(self):
        return self.cleaned_data["topic"].strip()


def _day(day_id):
    try:
        return reception.bookable_days().prefetch_related("on_duty").get(pk=id_or_404(day_id))
    except ReceptionDay.DoesNotExist:
        raise Http404 from None


def _book_page(request, day, form, status=200):
    table = reception.slot_table(day)
    chosen = form["slot"].value() if form.is_bound else ""
    return render(
        request,
        "intake/reception/book.html",
        {
            "day": day,
            "station": day.station,
            "slots": table,
            "chosen": chosen,
            "closed": reception.day_refusal(day),
            "any_open": any(slot.open for slot in table),
            "form": form,
            "retention_days": IntakeSettings.load().retention_days,
        },
        status=status,
    )


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def reception_book(request, day_id):
    day = _day(day_id)
    if request.method != "POST":
        return _book_page(request, day, BookingForm(day=day))
    try:
        check_limit(request, kind="booking")
    except Throttled as refusal:
        return throttled_response(request, refusal)
    form = BookingForm(request.POST, day=day)
    if form.is_valid():
        data = form.cleaned_data
        try:
            booking, token = reception.book(
                request, day.pk, data["slot"], name=data["name"], phone=data["phone"], topic=data["topic"]
            )
        except Throttled as refusal:
            return throttled_response(request, refusal)
        except reception.BookingError as refusal:
            form.add_error("slot", str(refusal))
        else:
            request.session[RECEIPT_KEY] = {"booking": booking.pk, "token": token}
            return redirect("reception_receipt", booking.number)
    return _book_page(request, day, form)


@never_cache
@require_GET
def reception_receipt(request, number):
    """The receipt after booking (Post/Redirect/Get): the 预约号 and, this once, the cancel link."""
    kept = request.session.pop(RECEIPT_KEY, None)
    booking = (
        Booking.objects.select_related("day__station").filter(number=number).first()
        if kept and isinstance(kept, dict)
        else None
    )
    if booking is None or booking.pk != kept.get("booking"):
        return render(request, "intake/reception/receipt_gone.html", status=404)
    cancel_url = request.build_absolute_uri(reverse("reception_cancel", args=[kept["token"]]))
    return render(
        request,
        "intake/reception/receipt.html",
        {
            "booking": booking,
            "day": booking.day,
            "slot_end": _slot_end(booking),
            "masked_name": reception.masked_name(booking.name),
            "cancel_url": cancel_url,
        },
    )


def _slot_end(booking):
    import datetime

    start = datetime.datetime.combine(booking.day.date, booking.slot)
    return (start + datetime.timedelta(minutes=booking.day.slot_minutes)).time()


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def reception_cancel(request, token):
    booking = reception.booking_of_token(token)
    if booking is None:
        raise Http404
    message, done = "", False
    if request.method == "POST":
        try:
            booking = reception.cancel(token)
        except Booking.DoesNotExist:
            raise Http404 from None
        except reception.BookingError as refusal:
            message = str(refusal)
            booking.refresh_from_db()
        else:
            done = True
    else:
        message = reception.may_cancel(booking)
    return render(
        request,
        "intake/reception/cancel.html",
        {
            "booking": booking,
            "day": booking.day,
            "slot_end": _slot_end(booking),
            "masked_name": reception.masked_name(booking.name),
            "message": message,
            "done": done,
        },
    )


@never_cache
@require_GET
def contact_points(request):
    points = ContactPoint.objects.filter(active=True).order_by("town", "level", "community", "name")
    return render(request, "intake/reception/points.html", {"points": points, "today": timezone.localdate()})
