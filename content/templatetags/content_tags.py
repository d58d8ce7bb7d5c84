from django import template
from wagtail.models import Site

from content.models import StoryIndexPage, WorkstationIndexPage

register = template.Library()


@register.simple_tag(takes_context=True)
def site_sections(context):
    """The two public sections for the navigation, looked up once per request."""
    request = context.get("request")
    cache = getattr(request, "_lianxin_sections", None)
    if cache is None:
        site = Site.find_for_request(request) if request else None
        root = site.root_page if site else None
        cache = {
            "stories": StoryIndexPage.objects.live().descendant_of(root).first() if root else None,
            "workstations": WorkstationIndexPage.objects.live().descendant_of(root).first() if root else None,
        }
        if request is not None:
            request._lianxin_sections = cache
    return cache
