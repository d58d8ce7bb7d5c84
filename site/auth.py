"""Logging in: repeated wrong passwords lock the account and the address (django-axes), on the
front end's login page and the admin's alike, with a message in Chinese saying when to retry."""

import datetime

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before every login made through a web request. A login without a
    request (the shell, a management command, the test client's login()) comes from no address
    and is not counted."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (HTTP 429): why, and from when to try again."""
    cool_off = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime() + cool_off if isinstance(cool_off, datetime.timedelta) else None
    context = {
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(cool_off.total_seconds() // 60) if retry_at else None,
        "retry_at": retry_at,
    }
    return render(request, "registration/locked_out.html", context, status=429)
