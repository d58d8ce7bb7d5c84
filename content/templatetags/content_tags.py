import re

from django import template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from wagtail.models import Page

from content.models import StoryIndexPage, WorkstationIndexPage
from content.serving import site_for_request
from lianxin_site.cache import public_cache

register = template.Library()

SITE_NAME = "连心"


@register.simple_tag(takes_context=True)
def site_sections(context):
    """URLs of the public sections for the navigation. Kept in the cache, which is
    cleared whenever a page is published (content/signals.py)."""
    request = context.get("request")
    site = site_for_request(request)
    if site is None:
        return {}
    key = f"lianxin:sections:{site.pk}"
    sections = public_cache.get(key)
    if sections is None:
        sections = {}
        for name, model in (("stories", StoryIndexPage), ("workstations", WorkstationIndexPage)):
            page = model.objects.live().descendant_of(site.root_page).first()
            sections[name] = page.get_url(request) if page else None
        # 年度活动安排 and 通知公告 (schedule.CalendarPage, notices.NoticeIndexPage), found by their types'
        # names: content imports nothing above it.
        for name, app_label, model in (
            ("calendar", "schedule", "calendarpage"),
            ("notices", "notices", "noticeindexpage"),
        ):
            page = (
                Page.objects.live()
                .public()
                .descendant_of(site.root_page)
                .filter(content_type__app_label=app_label, content_type__model=model)
                .first()
            )
            sections[name] = page.get_url(request) if page else None
        public_cache.set(key, sections, None)
    return sections


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The main menu as (label, url, aria-current): "page" on the section's own page,
    "true" anywhere inside it (a story is inside 委员风采)."""
    sections = site_sections(context)
    request = context.get("request")
    path = request.path if request else ""
    items = []
    for label, url in (
        ("首页", "/"),
        ("委员风采", sections.get("stories")),
        ("委员工作室", sections.get("workstations")),
        ("通知公告", sections.get("notices")),
        ("年度活动安排", sections.get("calendar")),
        ("委员信箱", "/mailbox/"),  # intake's public form (a plain view, never cached)
    ):
        if not url:
            continue
        if path == url:
            current = "page"
        elif url != "/" and path.startswith(url):
            current = "true"
        else:
            current = None
        items.append({"label": label, "url": url, "current": current})
    return items


@register.simple_tag
def site_name():
    return SITE_NAME


@register.filter(is_safe=True)
def with_site_name(title):
    """A page title with the site's name once: "搜索 · 连心", but "连心 · 委员联系群众" as is."""
    title = str(title).strip()
    if not title:
        return SITE_NAME
    return title if SITE_NAME in title else f"{title} · {SITE_NAME}"


@register.simple_tag
def portrait(image, widths, sizes, **attrs):
    """A square portrait with a srcset of its fill renditions, e.g. widths="400 800", so a
    phone's 2x or 3x screen gets a sharp photo. The first width is the src. Wagtail never
    upscales, so renditions that come out the same width are offered once."""
    specs = [f"fill-{width}x{width}" for width in widths.split()]
    renditions = image.get_renditions(*specs)
    by_width = {}
    for spec in specs:
        by_width.setdefault(renditions[spec].width, renditions[spec])
    src = renditions[specs[0]]
    if len(by_width) > 1:
        attrs["srcset"] = ", ".join(f"{r.url} {width}w" for width, r in by_width.items())
        attrs["sizes"] = sizes
    return format_html('<img src="{}" width="{}" height="{}"{}>', src.url, src.width, src.height, flatatt(attrs))


# A Chinese landline or mobile number as people write it: 010-64012345, （010）64012345,
# 6401-2345, 13800138000, +86 138 0013 8000, with an optional extension (-801).
PHONE = re.compile(
    r"(?<![\d])(?:\+?86[ -]?)?(?:1[3-9]\d(?:[ -]?\d{4}){2}|(?:[(（]?0\d{2,3}[)）]?[ -]?)?\d{3,4}[ -]?\d{4})(?:-(\d{1,6}))?(?![\d])"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@register.filter(needs_autoescape=True)
def contact_links(text, autoescape=True):
    """Phone numbers in a public contact line as tap-to-call links, e-mail addresses as
    mailto links; every other character is escaped."""
    esc = conditional_escape if autoescape else str
    text = str(text or "")
    pattern = re.compile(f"{PHONE.pattern}|{EMAIL.pattern}")
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(esc(text[last : match.start()]))
        found = match.group(0)
        if "@" in found:
            out.append(format_html('<a href="mailto:{}">{}</a>', found, found))
        else:
            number = found[: match.start(1) - match.start()] if match.group(1) else found
            dial = re.sub(r"[^\d+]", "", number) + (f",{match.group(1)}" if match.group(1) else "")
            out.append(format_html('<a href="tel:{}">{}</a>', dial, found))
        last = match.end()
    out.append(esc(text[last:]))
    return mark_safe("".join(str(part) for part in out))
