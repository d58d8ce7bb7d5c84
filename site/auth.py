"""Logging in: repeated wrong passwords lock the account, and many across accounts lock the
address (django-axes), on the front end's login page and the admin's alike, with a message in
Chinese saying when to retry."""

import datetime

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def address_failures(request):
    """Wrong passwords from the request's address within the cool-off time, whatever the account."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=get_client_ip_address(request), attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before every login made through a web request: the account's own wrong
    passwords (AXES_FAILURE_LIMIT), then the address's across accounts (ADDRESS_FAILURE_LIMIT).
    A login without a request (the shell, a management command, the test client's login()) comes
    from no address and is not counted."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        if address_failures(request) >= settings.ADDRESS_FAILURE_LIMIT:
            request.axes_locked_out = True
            request.lianxin_locked = "address"
            raise AxesBackendPermissionDenied("this address is locked out")
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (HTTP 429): why, and from when to try again."""
    cool_off = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime() + cool_off if isinstance(cool_off, datetime.timedelta) else None
    by_address = getattr(request, "lianxin_locked", None) == "address"
    context = {
        "by_address": by_address,
        "limit": settings.ADDRESS_FAILURE_LIMIT if by_address else settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60) if retry_at else None,
        "retry_at": retry_at,
    }
    return render(request, "registration/locked_out.html", context, status=429)
