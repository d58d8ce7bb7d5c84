"""Anonymous pages are served from a shared cache and cleared when what they show changes."""

from django.conf import settings
from django.core.cache import caches
from django.middleware.cache import FetchFromCacheMiddleware


def clear_public_cache(**kwargs):
    caches[settings.CACHE_MIDDLEWARE_ALIAS].clear()


class AnonymousFetchFromCacheMiddleware(FetchFromCacheMiddleware):
    """Only visitors without a session share cached pages; the admin is never cached."""

    def process_request(self, request):
        if request.path.startswith("/admin/") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            request._cache_update_cache = False
            return None
        return super().process_request(request)
