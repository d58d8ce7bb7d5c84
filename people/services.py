"""Domain rules about people that views, admin, wizards and commands all call."""

from functools import cached_property

from django.db.models import Q

from .models import Member, Profile


class Account:
    """Who a user is for the platform's rules: the member the account belongs to, the sector,
    party or special committee whose work it does (its Profile, 账号归属), and its roles.

    Worked out once per request by account_of() and passed to every feature, instead of each
    rule looking up the profile again. Permissions still come from user.has_perm (Django caches
    them on the user)."""

    def __init__(self, user, profile):
        self.user = user
        self.profile = profile
        self.member = profile.member if profile else None
        self.sector = profile.sector if profile else None
        self.party = profile.party if profile else None
        self.committee = profile.committee if profile else None
        # 工作室召集人 and 街道小组联络员: the station (a content page, by id: people imports nothing
        # from content) and the street group the account works for.
        self.workstation_id = profile.workstation_id if profile else None
        self.street_group = profile.street_group if profile else None

    def __repr__(self):
        return f"<Account {self.user}: member={self.member} sector={self.sector} party={self.party} committee={self.committee}>"

    def can(self, permission):
        return self.user.is_authenticated and self.user.has_perm(permission)

    @cached_property
    def roles(self):
        """The names of the account's groups (people/roles.py)."""
        if not self.user.is_authenticated:
            return frozenset()
        return frozenset(self.user.groups.values_list("name", flat=True))

    @property
    def name(self):
        """How the account signs: the member's name, else the account's full name or login."""
        if self.member:
            return self.member.name
        return self.user.get_full_name() or self.user.get_username()

    def members(self):
        """The members this account may see (members_visible_to)."""
        return members_visible_to(self.user)


ACCOUNT_ATTRIBUTE = "_lianxin_account"


def account_of(user):
    """The user's Account, looked up once and kept on the user object. request.user is one object
    for the whole request, so the profile and its sector, party, committee and member are
    fetched in one query per request, whichever features ask."""
    account = getattr(user, ACCOUNT_ATTRIBUTE, None)
    if account is None:
        profile = None
        if user.is_authenticated:
            profile = (
                Profile.objects.select_related("member__sector", "sector", "party", "committee", "street_group")
                .filter(user_id=user.pk)
                .first()
            )
        account = Account(user, profile)
        setattr(user, ACCOUNT_ATTRIBUTE, account)
    return account


def committee_scope(committee):
    """The members a 专委会工作室 looks after, as a filter: its committee's own and those of the
    sectors it contacts (专委会联系界别)."""
    return Q(committee=committee) | Q(sector__contact_committee=committee)


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
    account = account_of(user)
    scope = Q()
    if account.committee:
        scope |= committee_scope(account.committee)
    if account.sector:
        scope |= Q(sector=account.sector)
    if account.party:
        scope |= Q(party=account.party)
    if not scope:
        return members.none()
    return members.filter(scope)


def home_url(user):
    """Where an account's work is: the admin for the offices and editors, 我的工作台 (/my/) for
    members, 界别组长 and reporting units (who may not enter the admin), and for a 工作室召集人,
    who works on a phone (the admin is only where their station's photos and plan can also be edited)."""
    from django.urls import reverse

    if user.is_authenticated and account_of(user).workstation_id:
        return reverse("my_home")
    if user.is_authenticated and user.has_perm("wagtailadmin.access_admin"):
        return reverse("wagtailadmin_home")
    return reverse("my_home")
