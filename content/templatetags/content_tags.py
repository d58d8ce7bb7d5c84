from django import template
from django.core.cache import cache
from wagtail.models import Site

from content.models import StoryIndexPage, WorkstationIndexPage

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    """URLs of the two public sections for the navigation. Kept in the cache, which is
    cleared whenever a page is published (content/signals.py)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {}
    key = f"lianxin:sections:{site.pk}"
    sections = cache.get(key)
    if sections is None:
        sections = {}
        for name, model in (("stories", StoryIndexPage), ("workstations", WorkstationIndexPage)):
            page = model.objects.live().descendant_of(site.root_page).first()
            sections[name] = page.get_url(request) if page else None
        cache.set(key, sections, None)
    return sections
