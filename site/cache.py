"""Anonymous pages are served from a shared cache and cleared when what they show changes.

The cache is the `pages` alias (settings: files on one host in development, Redis in production), so
clearing it reaches every app server at once. What is derived from the published pages and must be
forgotten with them (the section links, a story index's years) is kept in the same cache."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.middleware.cache import FetchFromCacheMiddleware
from django.utils.connection import ConnectionProxy

PAGES = "pages"

# The page cache, for code that keeps what it derives from published pages beside them.
public_cache = ConnectionProxy(caches, PAGES)


# Inside clear_public_cache_once(): the clears asked for so far ([] when none), else None.
_owed = ContextVar("lianxin_public_cache_owed", default=None)


def clear_public_cache(**kwargs):
    """Empties the page cache now, and again when the surrounding transaction commits: another app
    server that renders a page from the old rows in between would otherwise keep serving it.
    Inside clear_public_cache_once() it only notes that a clear is owed."""
    owed = _owed.get()
    if owed is not None:
        owed.append(True)
        return
    caches[PAGES].clear()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(caches[PAGES].clear)


@contextmanager
def clear_public_cache_once():
    """Many rows saved in a row (members saved one by one, each save clearing the cache through
    its signal): the page cache is cleared once, on leaving, if anything inside asked for it. Every
    app server would otherwise refill and lose its pages once per row."""
    if _owed.get() is not None:  # an outer block clears
        yield
        return
    token = _owed.set([])
    try:
        yield
    finally:
        owed = _owed.get()
        _owed.reset(token)
        if owed:
            clear_public_cache()


# /calendar/my/: each account's private deadline feed and the page that shows its address.
NEVER_SHARED = ("/admin/", "/captcha/", "/calendar/my/")


class AnonymousFetchFromCacheMiddleware(FetchFromCacheMiddleware):
    """Only visitors without a session share cached pages; the admin is never cached."""

    def process_request(self, request):
        # /captcha/: each visitor's picture and key are their own (a shared cached refresh would hand
        # everyone one key, dead once the first of them answers).
        if request.path.startswith(NEVER_SHARED) or settings.SESSION_COOKIE_NAME in request.COOKIES:
            request._cache_update_cache = False
            return None
        return super().process_request(request)


def computed_once_per_publish(key, compute):
    """`compute()`'s value, kept in the page cache until the next publish, unpublish, move or
    roster change clears it (on every app server at once: the cache is shared)."""
    value = public_cache.get(key)
    if value is None:
        value = compute()
        public_cache.set(key, value, None)
    return value
