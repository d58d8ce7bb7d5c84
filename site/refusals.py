"""The one page the front end answers a refusal with (403): the reason, in the user's words, and
the ways back. Each app's views call refused() instead of keeping a copy of the page."""

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def refused(request, reason, *, status=403, back=()):
    """`back`: extra (url, label) links shown before 返回表格填报 and 返回首页."""
    return render(request, "refused.html", {"reason": reason, "back": back}, status=status)


def page_for(find, refusal):
    """A view decorator for a front-end page that belongs to something the account holds (a
    convener's station, a liaison's street group, a member's own record): login_required, never
    cached, and `find(user)`'s answer passed to the view as its second argument; an account it
    finds nothing for is refused with `refusal`."""

    def decorator(view):
        @login_required
        @never_cache
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            found = find(request.user)
            if found is None:
                return refused(request, refusal)
            return view(request, found, *args, **kwargs)

        return wrapped

    return decorator
