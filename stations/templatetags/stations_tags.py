"""Template tags of the stations app for public pages.

{% excellent_badge page %} on a station page: 「2026年度优秀委员工作室」 for each published 考核 that
named the station (assessment.excellent_years: one query, nothing before the year is published)."""

from django import template
from django.utils.html import format_html, format_html_join

from .. import assessment

register = template.Library()

BADGE_STYLE = (
    "display:inline-block;margin:0 .5rem .5rem 0;padding:.2rem .7rem;border:1px solid #b8860b;"
    "border-radius:999px;background:#fff7e0;color:#7a5200;font-weight:600"
)


@register.simple_tag
def excellent_badge(page):
    """The station's 优秀委员工作室 badges, newest year first, or nothing."""
    if page is None or not getattr(page, "pk", None):
        return ""
    years = assessment.excellent_years(page.pk)
    if not years:
        return ""
    badges = format_html_join(
        "", '<span class="excellent-badge" style="{}">★ {}年度优秀委员工作室</span>', ((BADGE_STYLE, y) for y in years)
    )
    return format_html('<p class="excellent-badges" aria-label="荣誉">{}</p>', badges)
