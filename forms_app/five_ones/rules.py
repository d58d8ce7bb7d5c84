"""The 五个一活动 filing's domain rules (seed 000, 工作要求 2):

界别组长 → the 专委会工作室 that contacts the sector (receives, then forwards) → 专委会工作六室
(archives). 党派负责人 hand theirs straight to 专委会工作六室. Any office holding a filing may
return it with a reason; the leader's resubmission keeps the history.
"""


from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from people.models import Member, Party, Sector
from people.services import user_profile

from .models import Attendance, FilingEvent, FilingYear, FiveOnesFiling, Reflection

Status = FiveOnesFiling.Status
Action = FilingEvent.Action
ARCHIVE_OFFICE = "专委会工作六室"


class RouteError(Exception):
    """An action that is not allowed now; the message is for the user."""


# --- who files, and for whom


def filer_of(user):
    """The (sector, party) a 界别组长 files for; PermissionDenied if they file for none."""
    profile = user_profile(user)
    if not user.has_perm("forms_app.add_fiveonesfiling") or profile is None or not (profile.sector_id or profile.party_id):
        raise PermissionDenied("只有界别组长（党派负责人）可以填报五个一活动备案表。")
    return profile.sector, profile.party


def members_of(sector, party):
    members = Member.objects.select_related("sector")
    return members.filter(sector=sector) if sector else members.filter(party=party)


def goes_straight_to_archive(filing):
    return filing.party_id is not None or filing.sector.contact_committee_id is None


def route_office(filing):
    """The office the filing goes to first."""
    if goes_straight_to_archive(filing):
        return ARCHIVE_OFFICE
    committee = filing.sector.contact_committee
    return f"{committee.office}（{committee.name}）"


# --- who sees and acts


def _office_committee(user):
    profile = user_profile(user)
    if profile and profile.committee_id and user.has_perm("forms_app.receive_filing"):
        return profile.committee_id
    return None


def filings_visible_to(user):
    filings = FiveOnesFiling.objects.select_related("sector__contact_committee", "party")
    if not user.is_authenticated:
        return filings.none()
    if user.is_superuser:
        return filings
    scope = Q(pk__in=[])
    profile = user_profile(user)
    if profile and user.has_perm("forms_app.add_fiveonesfiling"):
        if profile.sector_id:
            scope |= Q(sector_id=profile.sector_id)
        if profile.party_id:
            scope |= Q(party_id=profile.party_id)
    committee = _office_committee(user)
    if committee:
        scope |= Q(sector__contact_committee_id=committee)
    if user.has_perm("forms_app.archive_filing"):
        scope |= Q(party__isnull=False) | Q(sector__contact_committee__isnull=True) | Q(events__action=Action.FORWARD)
    return filings.filter(scope).distinct()


def allowed_actions(user, filing):
    """The route actions this user may take on this filing now."""
    actions = []
    is_office = _office_committee(user) is not None and not goes_straight_to_archive(filing) and (
        filing.sector.contact_committee_id == _office_committee(user)
    )
    is_archive = user.has_perm("forms_app.archive_filing")
    if is_office and filing.status == Status.SUBMITTED:
        actions += [Action.RECEIVE, Action.RETURN]
    elif is_office and filing.status == Status.RECEIVED:
        actions += [Action.FORWARD, Action.RETURN]
    if is_archive and (
        filing.status == Status.FORWARDED or (filing.status == Status.SUBMITTED and goes_straight_to_archive(filing))
    ):
        actions += [Action.ARCHIVE, Action.RETURN]
    return actions


def holding_office(filing):
    """The office that holds the filing at its current status."""
    if filing.status == Status.FORWARDED or goes_straight_to_archive(filing):
        return ARCHIVE_OFFICE
    return route_office(filing)


def _locked(filings):
    """Lock the filing rows only. Their sector and party are nullable outer joins (in
    select_related and the default ordering), which PostgreSQL refuses to lock."""
    return filings.order_by("pk").select_for_update(of=("self",))


NEXT_STATUS = {
    Action.RECEIVE: Status.RECEIVED,
    Action.FORWARD: Status.FORWARDED,
    Action.ARCHIVE: Status.ARCHIVED,
    Action.RETURN: Status.RETURNED,
}


@transaction.atomic
def act(filing_id, user, action, note=""):
    """Move a filing one stage along its route. Locks the row: two clicks, or two people
    at once, cannot both act on the same stage."""
    filing = _locked(FiveOnesFiling.objects.select_related("sector__contact_committee")).get(pk=filing_id)
    if action not in allowed_actions(user, filing):
        raise RouteError(f"这份备案表目前为“{filing.get_status_display()}”，你不能执行“{Action(action).label}”。")
    note = note.strip()
    if action == Action.RETURN and not note:
        raise RouteError("退回时请写明原因，方便界别组长修改。")
    office = holding_office(filing)
    filing.status = NEXT_STATUS[action]
    filing.save(update_fields=["status"])
    FilingEvent.objects.create(filing=filing, action=action, status=filing.status, actor=user, office=office, note=note)
    return filing


# --- filing and refiling


def existing_filing(year, sector, party):
    return FiveOnesFiling.objects.filter(year=year, sector=sector, party=party).first()


@transaction.atomic
def submit_filing(user, year, sector, party, data, participants, reflections):
    """Create the year's filing, or resubmit a returned one (its history is kept).

    `data`: the filing's own fields; `reflections`: [(member, text)]. Returns the filing.
    """
    filing = _locked(FiveOnesFiling.objects.filter(year=year, sector=sector, party=party)).first()
    if filing is not None and filing.status != Status.RETURNED:
        raise RouteError(f"{filing.filer_name} {year} 年的备案表已经提交，不能重复填报。")
    action = Action.RESUBMIT if filing else Action.SUBMIT
    filing = filing or FiveOnesFiling(year=year, sector=sector, party=party)
    for field, value in data.items():
        setattr(filing, field, value)
    filing.status = Status.SUBMITTED
    filing.submitted_by = user
    filing.submitted_at = timezone.now()
    filing.save()
    filing.participants.set(participants)
    filing.reflections.all().delete()
    Reflection.objects.bulk_create(Reflection(filing=filing, member=m, text=t) for m, t in reflections)
    FilingEvent.objects.create(filing=filing, action=action, status=filing.status, actor=user, office=filing.filer_name)
    if filing.showcase_story_id is None:
        filing.showcase_story = draft_story_for(filing)
        filing.save(update_fields=["showcase_story"])
    return filing


def draft_story_for(filing):
    """展示一名委员履职风采 becomes a draft 委员风采 story for the editors to finish."""
    from content.models import StoryIndexPage, StoryPage

    index = StoryIndexPage.objects.first()
    if index is None:
        return None
    member = filing.showcase_member
    story = StoryPage(
        title=f"{member.name}：{filing.theme}",
        slug=f"five-ones-{filing.year}-{filing.pk}",
        member=member,
        lead=filing.showcase_reason[:300],
        date=timezone.localdate(),
        body=[("paragraph", "".join(f"<p>{line}</p>" for line in filing.showcase_reason.splitlines() if line.strip()))],
        live=False,
    )
    index.add_child(instance=story)
    story.save_revision()
    return story


@transaction.atomic
def record_attendance(filing, user, rows):
    """rows: [(member, attended, role)]. Replaces the filing's attendance record."""
    for member, attended, role in rows:
        Attendance.objects.update_or_create(
            filing=filing, member=member, defaults={"attended": attended, "role": role, "recorded_by": user}
        )


# --- the deadline board


def deadline_board(year, today=None):
    """Every sector and party with its filing status for the year, overdue ones marked."""
    today = today or timezone.localdate()
    deadline = FilingYear.deadline_for(year)
    filings = FiveOnesFiling.objects.filter(year=year)
    by_sector = {f.sector_id: f for f in filings if f.sector_id}
    by_party = {f.party_id: f for f in filings if f.party_id}
    rows = []
    for kind, objects, found in (("界别", Sector.objects.select_related("contact_committee"), by_sector),
                                 ("党派", Party.objects.all(), by_party)):
        for obj in objects:
            filing = found.get(obj.pk)
            done = filing is not None and filing.status != Status.RETURNED
            rows.append({
                "kind": kind,
                "name": obj.name,
                "office": (obj.contact_committee.office if kind == "界别" and obj.contact_committee else ARCHIVE_OFFICE),
                "filing": filing,
                "status": filing.get_status_display() if filing else "未提交",
                "overdue": not done and today > deadline,
            })
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return {"year": year, "deadline": deadline, "rows": rows, "counts": counts,
            "overdue": sum(row["overdue"] for row in rows), "today": today}


def default_year():
    return timezone.localdate().year


def parse_year(value):
    """A year from the URL: 2000 up to next year (Beijing time); otherwise this year."""
    if value and str(value).isdigit() and 2000 <= int(value) <= default_year() + 1:
        return int(value)
    return default_year()
