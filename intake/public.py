"""What every public form of the intake app shares (委员信箱, 接待日 booking, event sign-up): the
consent box and the CAPTCHA with the committee's own messages, the client's address as a salted
hash, the per-IP limits counted in the database, the 受理编号 / 预约号 / 报名号 sequences and the
查询码 kept as an HMAC.

A view does:

    form = MailboxForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                admit(request, "mailbox")          # 429 via Throttled when over the limit
                case = …write…
        except Throttled as refusal:
            return throttled_response(request, refusal)
"""

import datetime
import hashlib
import hmac
import re
import secrets

from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe

from lianxin_site.db import locked_row

from .models import RateBucket, Sequence, Submission

CONSENT_REQUIRED = "请阅读并勾选同意《个人信息处理说明》"
CAPTCHA_WRONG = "验证码不正确或已过期，请重新输入"
PHONE_WRONG = "请填写正确的手机号码或固定电话"
THROTTLED = "提交过于频繁，请 1 小时后再试"
LOOKUP_WRONG = "编号或查询码不正确，请核对后重新输入"

PER_HOUR = 5
PER_DAY = 20
IP_KEPT = datetime.timedelta(days=7)

# 手机 11 位；固定电话 区号-号码[-分机]，区号可省。
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|(0\d{2,3}-?)?[2-9]\d{6,7}(-\d{1,6})?)$")
# Code alphabet without look-alikes (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class Throttled(Exception):
    """Over the per-IP limit: the view answers 429 with THROTTLED."""


# --- form pieces


def clean_phone(value):
    phone = re.sub(r"[\s（）()]", "", value or "")
    if not PHONE_RE.match(phone):
        raise forms.ValidationError(PHONE_WRONG)
    return phone


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "联系电话")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_phone(super().clean(value))


class CaptchaWidget(CaptchaTextInput):
    """The CAPTCHA's picture, key, answer box and 换一张 (templates/intake/includes/captcha_widget.html),
    rendered by the site's template engine: the form renderer does not read templates/."""

    template_name = "intake/includes/captcha_widget.html"

    def _render(self, template_name, context, renderer=None):
        return mark_safe(render_to_string(template_name, context))


class OnceCaptchaField(CaptchaField):
    """django-simple-captcha's field, spent atomically: its own clean() reads the key and then
    deletes it, so two posts at once with one solved picture could both pass. Here the answer
    counts only for the request whose DELETE removed the matching row; the key is gone after
    one attempt, right or wrong."""

    def clean(self, value):
        forms.MultiValueField.clean(self, value)  # required / incomplete
        key, response = value[0], (value[1] or "").strip().lower()
        CaptchaStore.remove_expired()
        live = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now())
        matched, _ = live.filter(response=response).delete()
        live.delete()
        if not matched:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class CitizenFormMixin(forms.Form):
    """The consent box and the CAPTCHA, last in the form, with the committee's messages, and the
    long-text messages of char_errors. The CAPTCHA allows one attempt: a form shown again
    carries a new one, the other fields kept. Put it as the last base; Django collects a
    mixin's fields first, so __init__ moves these two to the end."""

    LAST = ("consent", "captcha")

    consent = forms.BooleanField(
        label="我已阅读并同意《个人信息处理说明》",
        error_messages={"required": CONSENT_REQUIRED},
    )
    captcha = OnceCaptchaField(
        label="验证码",
        error_messages={"invalid": CAPTCHA_WRONG, "required": CAPTCHA_WRONG, "incomplete": CAPTCHA_WRONG},
        widget=CaptchaWidget(attrs={"autocomplete": "off", "inputmode": "latin", "placeholder": "看图填写"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name not in self.LAST] + list(self.LAST))
        char_errors(self)


def char_errors(form):
    """Django's max_length message in Chinese with the count, for the long text fields."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length:
            field.error_messages["max_length"] = (
                f"「{field.label}」最多 {field.max_length} 字（现为 %(show_value)d 字）"
            )


# --- the client's address, hashed


def client_ip(request):
    """REMOTE_ADDR, or the address the last TRUSTED_PROXY_COUNT proxies saw in X-Forwarded-For."""
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "")


def ip_hash(ip):
    return salted_hmac("lianxin.intake.ip", ip or "-", algorithm="sha256").hexdigest()


LOOKUP = "lookup"


def _recent(key, now, kind):
    # Each form (letters, bookings, sign-ups, failed look-ups) has its own limit, so a family
    # or a public Wi-Fi that books a slot can still write a letter.
    recent = Submission.objects.filter(kind=kind, ip_hash=key, at__gt=now - datetime.timedelta(days=1))
    return recent.count() >= PER_DAY or recent.filter(at__gt=now - datetime.timedelta(hours=1)).count() >= PER_HOUR


def check_limit(request, kind, now=None):
    """Raise Throttled if this IP is over its limits, writing nothing: a view calls it before it
    validates the form (so an over-limit POST spends no CAPTCHA), admit() checks again under
    the lock."""
    if _recent(ip_hash(client_ip(request)), now or timezone.now(), kind):
        raise Throttled(THROTTLED)


def admit(request, kind, now=None):
    """Count this submission against its IP's limits; call inside transaction.atomic(), before
    the write. Locks the IP's bucket so two at once are counted one after the other."""
    now = now or timezone.now()
    key = ip_hash(client_ip(request))
    RateBucket.objects.get_or_create(ip_hash=key)
    locked_row(RateBucket.objects.all(), ip_hash=key)
    if _recent(key, now, kind):
        raise Throttled(THROTTLED)
    Submission.objects.create(ip_hash=key, kind=kind, at=now)


def forget_addresses(now=None):
    """Delete the hashed addresses older than 7 days (anonymise_cases calls it daily)."""
    now = now or timezone.now()
    deleted, _ = Submission.objects.filter(at__lt=now - IP_KEPT).delete()
    RateBucket.objects.exclude(ip_hash__in=Submission.objects.values("ip_hash")).delete()
    return deleted


def throttled_response(request, refusal=None):
    return render(request, "intake/throttled.html", {"message": str(refusal or THROTTLED)}, status=429)


# --- numbers and codes


def next_number(kind, prefix="", now=None):
    """The next number of `kind` this year, as prefix + 2026-000123. Inside the caller's
    transaction; the sequence row is locked so two at once get two numbers."""
    year = timezone.localtime(now or timezone.now()).year
    with transaction.atomic():
        Sequence.objects.get_or_create(kind=kind, year=year)
        row = locked_row(Sequence.objects.all(), kind=kind, year=year)
        row.last += 1
        row.save(update_fields=["last"])
    return f"{prefix}{year}-{row.last:06d}"


def new_code():
    """A 6-character 查询码 the citizen keeps; only its HMAC is stored."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_hmac(number, code):
    normalised = re.sub(r"\s", "", code or "").upper()
    return salted_hmac("lianxin.intake.code", f"{number}:{normalised}", algorithm="sha256").hexdigest()


def code_matches(stored, number, code):
    # Compared in constant time; a missing record compares against a dummy so a wrong number and
    # a wrong code take the same time and read the same message.
    return hmac.compare_digest(stored or "0" * 64, code_hmac(number, code))


def new_token():
    """A cancel link's random token; only its sha256 is stored."""
    return secrets.token_urlsafe(24)


def token_hash(token):
    return hashlib.sha256((token or "").encode()).hexdigest()
