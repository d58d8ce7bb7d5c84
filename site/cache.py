"""Anonymous pages are served from a shared cache and cleared when what they show changes."""

from django.conf import settings
from django.core.cache import caches
from django.middleware.cache import FetchFromCacheMiddleware


def clear_public_cache(**kwargs):
    caches[settings.CACHE_MIDDLEWARE_ALIAS].clear()


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


def public_cache():
    """The cache cleared together with the anonymous pages (clear_public_cache): what the public
    pages show that is worth computing once per publish, such as the story counts and years."""
    return caches[settings.CACHE_MIDDLEWARE_ALIAS]


def computed_once_per_publish(key, compute):
    """`compute()`'s value, kept in public_cache() until the next publish, unpublish, move or
    roster change clears it (on every app server at once when the cache is shared)."""
    store = public_cache()
    value = store.get(key)
    if value is None:
        value = compute()
        store.set(key, value, None)
    return value
