from django import template

from ..models import FILING_NOTICE_SLUG, NoticePage

register = template.Library()


@register.simple_tag
def filing_notice():
    """The live 委员基层日 notice that carries the blank 备案表 (S000-17), found by its slug, not its
    title (editors may retitle it); None while it is not published."""
    return NoticePage.objects.live().public().filter(slug=FILING_NOTICE_SLUG).first()
