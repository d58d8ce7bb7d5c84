"""Middleware of the site's own."""

from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string


class BusyDatabaseMiddleware:
    """On SQLite a writer waits for another's transaction (up to the connection's timeout). If a
    long one (a large roster import) outlasts it, the user is told to try again in a minute,
    with a 503, instead of meeting a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and "locked" in str(exception):
            html = render_to_string("busy.html", request=request)
            response = HttpResponse(html, status=503)
            response["Retry-After"] = "60"
            return response
        return None
