"""The public side of 请群众走进政协: the sign-up form (/events/<id>/signup/), its receipt shown once,
and the result lookup by 报名号 + 查询码 (/events/result/). The cached event pages only link here."""

from django import forms
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import events
from .models import SignUp
from .public import (
    LOOKUP,
    LOOKUP_WRONG,
    CitizenFormMixin,
    PhoneField,
    Throttled,
    admit,
    check_limit,
    throttled_response,
)
from .rules import IntakeError

RECEIPT_KEY = "intake_event_receipt"


class SignUpFields(forms.Form):
    name = forms.CharField(label="姓名", max_length=40, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = PhoneField()
    sector_or_job = forms.CharField(
        label="界别/职业", max_length=60, help_text="如：教育界，或您的职业（教师、个体经营者等）。"
    )
    topic = forms.CharField(
        label="想反映的问题",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 500}),
        help_text="选填，最多 500 字。",
    )


class SignUpForm(SignUpFields, CitizenFormMixin):
    """The sign-up's own fields, then the consent box and the CAPTCHA (CitizenFormMixin last)."""


class LookupForm(forms.Form):
    number = forms.CharField(
        label="报名号", max_length=20, widget=forms.TextInput(attrs={"placeholder": "B2026-000001"})
    )
    code = forms.CharField(
        label="查询码",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def _event_or_404(event_id):
    text = str(event_id)
    if not text.isdecimal() or int(text) > 2**31 - 1:
        raise Http404
    return get_object_or_404(events.public_events().specific(), pk=int(text))


def _closed(request, event):
    return render(request, "intake/events/signup.html", {"event": event, "closed": events.CLOSED, "form": None})


@never_cache
@sensitive_post_parameters()
def event_signup(request, event_id):
    event = _event_or_404(event_id)
    if not events.open_for_signup(event):
        return _closed(request, event)
    if request.method == "POST":
        try:
            check_limit(request, kind="signup")
        except Throttled as refusal:
            return throttled_response(request, refusal)
        form = SignUpForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                signup, code = events.sign_up(
                    request,
                    event,
                    name=data["name"],
                    phone=data["phone"],
                    sector_or_job=data["sector_or_job"],
                    topic=data["topic"],
                )
            except Throttled as refusal:
                return throttled_response(request, refusal)
            except IntakeError:
                return _closed(request, event)
            request.session[RECEIPT_KEY] = {"number": signup.number, "code": code, "event": event.pk}
            return redirect("event_signup_done", event_id=event.pk)
    else:
        form = SignUpForm()
    return render(request, "intake/events/signup.html", {"event": event, "form": form})


@never_cache
def event_signup_done(request, event_id):
    """The receipt, once: the 查询码 leaves the session as it is shown."""
    event = _event_or_404(event_id)
    receipt = request.session.get(RECEIPT_KEY)
    if receipt and receipt.get("event") == event.pk:
        del request.session[RECEIPT_KEY]
    else:
        receipt = None
    return render(request, "intake/events/done.html", {"event": event, "receipt": receipt})


@never_cache
@sensitive_post_parameters()
def event_result(request):
    signup = None
    if request.method == "POST":
        try:
            check_limit(request, kind=LOOKUP)
        except Throttled as refusal:
            return throttled_response(request, refusal)
        form = LookupForm(request.POST)
        if form.is_valid():
            signup = events.lookup(form.cleaned_data["number"], form.cleaned_data["code"])
            if signup is None:
                try:
                    with transaction.atomic():
                        admit(request, LOOKUP)
                except Throttled as refusal:
                    return throttled_response(request, refusal)
                form.add_error(None, LOOKUP_WRONG)
    else:
        form = LookupForm()
    return render(
        request,
        "intake/events/result.html",
        {
            "form": form,
            "signup": signup,
            "event": signup.event.specific if signup else None,
            "selected": bool(signup and signup.status == SignUp.Status.SELECTED),
            "now": timezone.now(),
        },
    )
