"""{% intake_front_links as links %}: the front end's ways into /forms/cases/ and /forms/visits/
for forms_app's home page, by the same rules the pages apply."""

from django import template
from django.urls import reverse

from intake import rules
from people.services import account_of

register = template.Library()


@register.simple_tag(takes_context=True)
def intake_front_links(context):
    """[(label, url, what it is for)] for the signed-in user."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    links = []
    account = account_of(user)
    handles = user.has_perm("intake.handle_cases") and (
        account.member is not None or rules.cases_handled_by(user).exists()
    )
    if handles or user.has_perm("intake.enter_sector_cases"):
        links.append(("群众诉求办理", reverse("cases_home"), "接收、办理分办给您的群众诉求，起草答复"))
    if rules.reception_days_on_duty(user).exists() or rules.contact_points_of(user).exists():
        links.append(("来访登记", reverse("visits_home"), "登记接待日、联系点来访群众反映的事项"))
    return links
