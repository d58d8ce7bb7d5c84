"""The site's public address (settings.PUBLIC_URL) as Wagtail's default Site.

Wagtail builds every absolute page URL (canonical, og:url, feeds, the sitemap, the API's
html_url) from the Site's hostname and port, while images and the API's detail_url read
WAGTAILADMIN_BASE_URL and WAGTAILAPI_BASE_URL, which settings derive from PUBLIC_URL. Keeping
the Site in step after every migrate makes all of them name the same host.
"""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site

from lianxin_site.cache import clear_public_cache


def site_address(url):
    """(hostname, port) for a PUBLIC_URL; Wagtail reads https from port 443."""
    parts = urlsplit(url)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def sync_default_site():
    """Point the default Site at PUBLIC_URL; returns the Site (None before the home page exists)."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    hostname, port = site_address(settings.PUBLIC_URL)
    if (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])  # Wagtail clears its cached site root paths
        clear_public_cache()  # cached pages carry the old address in their links
    return site


def sync_site_after_migrate(sender, **kwargs):
    sync_default_site()
