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
