"""The one page the front end answers a refusal with (403): the reason, in the user's words, and
the ways back. Each app's views call refused() instead of keeping a copy of the page."""

from django.shortcuts import render


def refused(request, reason, *, status=403, back=()):
    """`back`: extra (url, label) links shown before 返回表格填报 and 返回首页."""
    return render(request, "refused.html", {"reason": reason, "back": back}, status=status)
