"""Who sees and writes which station and street group: the selectors every view, admin list,
export and PDF of the stations app calls (STYLE.md convention 3), and the domain error.

- 委员联络室 (stations.manage_street_groups) and the leadership (秘书长、分管副主席、主席会议:
  stations.view_station_overview without a committee) see every station and street group;
- a 专委会工作室 (stations.score_stations, Profile.committee) sees the stations whose 对口委室 is
  its committee and the street groups it runs with the street (StreetGroup.committee);
- a 工作室召集人 (Profile.workstation) sees and writes their own station;
- a 街道小组联络员 (Profile.street_group) sees and writes their own group.

Each feature module (convener, grid, records, assessment, street_groups, street_activities,
halfyear) calls these and nothing else to decide scope."""

from django.db.models import Q

from content.models import WorkstationPage
from lianxin_site.errors import DomainError
from people.models import StreetGroup
from people.services import account_of


class StationError(DomainError):
    """A refusal in the stations app; the message is for the user."""


def sees_everything(user):
    """委员联络室 and the leadership: every station and group. The leadership is who reads the
    overview without scoring: a 专委会工作室 scores, so it never sees everything, even when its
    profile names no committee (it then sees nothing, as in members_visible_to)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_perm("stations.manage_street_groups"):
        return True
    return user.has_perm("stations.view_station_overview") and not user.has_perm("stations.score_stations")


def office_committee(user):
    """The committee whose 专委会工作室 this account is (scores and reads its stations), or None."""
    if not (user.is_authenticated and user.is_active) or not user.has_perm("stations.score_stations"):
        return None
    return account_of(user).committee


def convener_station_id(user):
    """The id of the station this account convenes (Profile.workstation), or None."""
    if not (user.is_authenticated and user.is_active):
        return None
    return account_of(user).workstation_id


def convener_station(user):
    """The station page this account convenes, or None (any state: a convener of a station not
    yet live still plans and writes for it)."""
    station_id = convener_station_id(user)
    if station_id is None:
        return None
    return WorkstationPage.objects.filter(pk=station_id).select_related("committee", "lead_member").first()


def stations_visible_to(user):
    """The live stations a user may see in the grid, boards and records (a QuerySet)."""
    stations = WorkstationPage.objects.live()
    if sees_everything(user):
        return stations
    scope = Q()
    committee = office_committee(user)
    if committee is not None:
        scope |= Q(committee=committee)
    station_id = convener_station_id(user)
    if station_id is not None:
        scope |= Q(pk=station_id)
    return stations.filter(scope) if scope else stations.none()


def street_groups_visible_to(user):
    """The street groups a user may see: all, those its committee runs, or its own (联络员)."""
    groups = StreetGroup.objects.all()
    if not (user.is_authenticated and user.is_active):
        return groups.none()
    if sees_everything(user):
        return groups
    scope = Q()
    committee = office_committee(user)
    if committee is not None:
        scope |= Q(committee=committee)
    own = account_of(user).street_group
    if own is not None and user.has_perm("stations.add_streetgroupactivity"):
        scope |= Q(pk=own.pk)
    return groups.filter(scope) if scope else groups.none()


def liaison_group(user):
    """The street group whose 联络员 this account is (Profile.street_group, with the role), or None."""
    if not (user.is_authenticated and user.is_active) or not user.has_perm("stations.add_streetgroupactivity"):
        return None
    return account_of(user).street_group


def may_write_group(user, group):
    """Whether a user writes a group's plan and activities: 委员联络室, the committee office that
    runs it, or its own 联络员."""
    if not (user.is_authenticated and user.is_active) or not user.has_perm("stations.add_streetgroupactivity"):
        return False
    if user.has_perm("stations.manage_street_groups"):
        return True
    return street_groups_visible_to(user).filter(pk=group.pk).exists()


def may_write_station_records(user, station):
    """Only a station's own 召集人 writes its 季度例会 and 履职日志."""
    return user.has_perm("stations.add_stationlog") and convener_station_id(user) == station.pk
