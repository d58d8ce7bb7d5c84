"""Domain rules about people that views, admin, wizards and commands all call."""

from django.db.models import Q

from .models import Member


def user_profile(user):
    """The user's Profile, or None (anonymous users and accounts without one)."""
    if not user.is_authenticated:
        return None
    try:
        return user.profile
    except user._meta.model.profile.RelatedObjectDoesNotExist:
        return None


def members_visible_to(user):
    """The members a user may see.

    Roster-wide roles (委员联络室, 六室, 秘书长 …) see everyone. A committee office sees its
    committee's members and the members of the sectors that committee contacts. A sector
    (party) leader sees their own sector (party). Everyone else sees no one.
    """
    members = Member.objects.all()
    if not user.is_authenticated or not user.is_active:
        return members.none()
    if user.has_perm("people.view_all_members"):
        return members
    if not user.has_perm("people.view_member"):
        return members.none()
    profile = user_profile(user)
    if profile is None:
        return members.none()
    scope = Q()
    if profile.committee_id:
        scope |= Q(committee_id=profile.committee_id)
        scope |= Q(sector__contact_committee_id=profile.committee_id)
    if profile.sector_id:
        scope |= Q(sector_id=profile.sector_id)
    if profile.party_id:
        scope |= Q(party_id=profile.party_id)
    if not scope:
        return members.none()
    return members.filter(scope)
