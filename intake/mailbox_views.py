"""委员信箱 for citizens without an account (seed 002 二(一)2): write at /mailbox/ (from a
workstation page at /mailbox/?station=<page id>), keep the 受理编号 and 查询码 from a printable
receipt, and read the status and the approved 答复 at /mailbox/status/, where an answered letter
takes 满意/不满意.

Every view here is never cached (the CAPTCHA and the citizen's own data must not reach the
shared page cache) and hides the POST from error reports (sensitive_post_parameters). A refusal
writes no case: the per-IP limit is checked before the form is read (so an over-limit POST
spends no CAPTCHA) and counted again, under a lock, inside the one transaction that writes.

The 查询码 is shown once: the receipt reads it from the session and forgets it. A lookup that
succeeds remembers the case in the session for a short while, so the status page can be
reloaded and rated without typing the code again."""

import time

from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from content.models import WorkstationPage

from . import cases
from .mailbox import STATUS_WORDS, STEPS, LookupForm, MailboxForm, RateForm
from .models import Case, Channel, IntakeSettings
from .public import LOOKUP, LOOKUP_WRONG, Throttled, admit, check_limit, code_matches, throttled_response
from .rules import IntakeError

RECEIPT_KEY = "intake.mailbox.receipt"
LOOKUP_KEY = "intake.mailbox.case"
LOOKUP_SECONDS = 30 * 60  # a found letter stays open on this browser for half an hour


def public_view(view):
    """never_cache, sensitive_post_parameters and CSRF, in one place for the public views."""
    return never_cache(sensitive_post_parameters()(csrf_protect(view)))


def retention_days():
    # Read without IntakeSettings.load(), which would write its row on a citizen's GET.
    return IntakeSettings.objects.filter(pk=1).values_list("retention_days", flat=True).first() or 730


def preset_station(request):
    """The live, public workstation named by ?station=, or None (a bad or unknown id is ignored)."""
    raw = request.GET.get("station", "")
    if not raw.isdigit():
        return None
    return WorkstationPage.objects.live().public().filter(pk=int(raw)).first()


@public_view
def mailbox(request):
    station = preset_station(request)
    if request.method == "POST":
        try:
            check_limit(request, kind="mailbox")
        except Throttled as refusal:
            return throttled_response(request, refusal)
        form = MailboxForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            now = timezone.now()
            try:
                with transaction.atomic():
                    admit(request, "mailbox", now=now)
                    case, code = cases.register(
                        channel=Channel.MAILBOX,
                        name=data["name"],
                        phone=data["phone"],
                        email=data["email"],
                        address=data["address"],
                        subject=data["subject"],
                        content=data["content"],
                        category=data["category"],
                        sector=data["sector"],
                        station=station,
                        consent_at=now,
                        now=now,
                    )
            except Throttled as refusal:
                return throttled_response(request, refusal)
            request.session[RECEIPT_KEY] = {
                "number": case.number,
                "code": code,
                "at": timezone.localtime(now).strftime("%Y年%m月%d日 %H:%M"),
            }
            return redirect("mailbox_receipt")
    else:
        form = MailboxForm()
    action = reverse("mailbox") + (f"?station={station.pk}" if station else "")
    return render(
        request,
        "intake/mailbox/form.html",
        {"form": form, "station": station, "action": action, "retention_days": retention_days()},
    )


@public_view
def receipt(request):
    """The 受理编号 and 查询码, once: a reload finds them gone and says where to look."""
    shown = request.session.pop(RECEIPT_KEY, None)
    return render(request, "intake/mailbox/receipt.html", {"receipt": shown})


def remembered_case(request):
    found = request.session.get(LOOKUP_KEY)
    if not found or found.get("until", 0) < time.time():
        request.session.pop(LOOKUP_KEY, None)
        return None
    return Case.objects.select_related("assignment").filter(pk=found.get("pk")).first()


def lookup(request, form):
    """The case the number and code name, or None. A missing number is compared against a dummy
    HMAC, so a wrong number and a wrong code take the same time and read the same message."""
    number, code = form.cleaned_data["number"], form.cleaned_data["code"]
    case = Case.objects.filter(number=number).first()
    matched = code_matches(case.code_hmac if case else None, number, code)
    return case if case is not None and matched else None


@public_view
def status(request):
    case = remembered_case(request)
    lookup_form = LookupForm(initial={"number": request.GET.get("number", "")[:30]})
    rate_form = RateForm()
    lookup_error = ""
    if request.method == "POST":
        action = request.POST.get("action", "lookup")
        if action == "forget":
            request.session.pop(LOOKUP_KEY, None)
            return redirect("mailbox_status")
        if action == "rate" and case is not None:
            rate_form = RateForm(request.POST)
            if rate_form.is_valid():
                try:
                    cases.rate(case, rate_form.cleaned_data["satisfied"], rate_form.cleaned_data["reason"])
                except IntakeError as refusal:
                    rate_form.add_error(None, str(refusal))
                else:
                    return redirect(reverse("mailbox_status") + "#rating")
            case.refresh_from_db()
        elif action == "rate":
            # The half hour is over (or another browser): look the letter up again.
            lookup_error = "查询已超时，请重新输入受理编号和查询码。"
        else:
            # Failed lookups have their own per-IP limit: admit(request, LOOKUP) records each
            # wrong number/code, so guessing codes is limited to 5 an hour and 20 a day per
            # address, while a citizen who types their code right is never counted (and one who
            # mistypes can still write a letter).
            try:
                check_limit(request, kind=LOOKUP)
            except Throttled as refusal:
                return throttled_response(request, refusal)
            lookup_form = LookupForm(request.POST)
            if lookup_form.is_valid():
                found = lookup(request, lookup_form)
                if found is not None:
                    request.session[LOOKUP_KEY] = {"pk": found.pk, "until": time.time() + LOOKUP_SECONDS}
                    return redirect("mailbox_status")
                try:
                    with transaction.atomic():
                        admit(request, LOOKUP)
                except Throttled as refusal:
                    return throttled_response(request, refusal)
                # The number is kept, the code is typed again.
                lookup_form = LookupForm(initial={"number": lookup_form.cleaned_data["number"]})
                lookup_error = LOOKUP_WRONG
            case = None
    if case is not None and case.reopened:
        rate_form.fields["reason"].help_text = "本件已重新办理过一次，再次不满意将记录在案，由区政协办公室回访。"
    context = {"lookup_form": lookup_form, "lookup_error": lookup_error, "case": case}
    if case is not None:
        context.update(
            {
                "rate_form": rate_form,
                "steps": [(value, label, value == case.status) for value, label in STEPS],
                "status_words": STATUS_WORDS.get(case.status, ""),
                "reply": case.reply if case.reply_state == Case.ReplyState.APPROVED else "",
                "may_rate": case.status in (Case.Status.REPLIED, Case.Status.CLOSED)
                and case.reply_state == Case.ReplyState.APPROVED
                and not case.satisfaction,
                "reopened": case.reopened and case.status not in (Case.Status.REPLIED, Case.Status.CLOSED),
            }
        )
    return render(request, "intake/mailbox/status.html", context)
