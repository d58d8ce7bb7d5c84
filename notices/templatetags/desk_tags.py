"""{% account_name %}: the name the site header shows after 已登录： (people.services.Account.name:
the member's name for a member's account, else the account's full name or login)."""

from django import template

from people.services import account_of

register = template.Library()


@register.simple_tag(takes_context=True)
def account_name(context):
    user = context["request"].user
    return account_of(user).name if user.is_authenticated else ""
