"""The 五个一活动 filing's domain rules (seed 000, 工作要求 2):

界别组长 → the 专委会工作室 that contacts the sector (receives, then forwards) → 专委会工作六室
(archives). 党派负责人 hand theirs straight to 专委会工作六室. Any office holding a filing may
return it with a reason; the leader's resubmission keeps the history.
"""

import datetime
from collections import Counter, defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from content.drafts import draft_story
from lianxin_site.db import locked
from lianxin_site.errors import DomainError
from people.models import Member, Party, Sector
from people.services import account_of
from results import rules as results
from results.models import AuthorKind, Kind, Source
from results.models import Status as ResultStatus

from .models import Attendance, FilingEvent, FilingYear, FiveOnesFiling, Reflection, ResultKind

Status = FiveOnesFiling.Status
Action = FilingEvent.Action
ARCHIVE_OFFICE = "专委会工作六室"


class RouteError(DomainError):
    """A filing or a route action refused now; the message is for the user."""


class ResultLinkError(RouteError):
    """The step 提交一篇履职成果 cannot be filed as it stands: the chosen entry is gone, or the new
    one breaks a registry rule. The wizard shows that step again."""


# --- who files, and for whom


def is_filer(user):
    """Whether the account files 五个一 forms: a 界别组长 (党派负责人) with a sector or party."""
    account = account_of(user)
    return account.can("forms_app.add_fiveonesfiling") and bool(account.sector or account.party)


def filer_of(user):
    """The (sector, party) a 界别组长 files for; PermissionDenied if they file for none."""
    if not is_filer(user):
        raise PermissionDenied("只有界别组长（党派负责人）可以填报五个一活动备案表。")
    account = account_of(user)
    return account.sector, account.party


def files_for(user, filing):
    """Whether the user is the 界别组长 of the filing's own sector or party."""
    if not is_filer(user):
        return False
    account = account_of(user)
    return bool(
        (filing.sector_id and account.sector and filing.sector_id == account.sector.pk)
        or (filing.party_id and account.party and filing.party_id == account.party.pk)
    )


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
    """The id of the committee whose office the user staffs, if they receive filings."""
    account = account_of(user)
    if account.committee and account.can("forms_app.receive_filing"):
        return account.committee.pk
    return None


def filings_visible_to(user):
    filings = FiveOnesFiling.objects.select_related("sector__contact_committee", "party", "result")
    if not user.is_authenticated:
        return filings.none()
    if user.is_superuser:
        return filings
    scope = Q(pk__in=[])
    if is_filer(user):
        account = account_of(user)
        if account.sector:
            scope |= Q(sector=account.sector)
        if account.party:
            scope |= Q(party=account.party)
    committee = _office_committee(user)
    if committee:
        scope |= Q(sector__contact_committee_id=committee)
    if user.has_perm("forms_app.archive_filing"):
        scope |= Q(party__isnull=False) | Q(sector__contact_committee__isnull=True) | Q(events__action=Action.FORWARD)
    return filings.filter(scope).distinct()


def allowed_actions(user, filing):
    """The route actions this user may take on this filing now."""
    actions = []
    is_office = (
        _office_committee(user) is not None
        and not goes_straight_to_archive(filing)
        and (filing.sector.contact_committee_id == _office_committee(user))
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


# allowed_actions() for a whole list at once (待我处理 counts, the admin's 待我处理 filter): the same
# three cases, as filters. tests/test_notices_desk.py checks the two agree for every status and office.
STRAIGHT_TO_ARCHIVE = Q(party__isnull=False) | Q(sector__contact_committee__isnull=True)
AWAITING = {Action.RECEIVE: "待接收", Action.FORWARD: "待转交", Action.ARCHIVE: "待存档"}


def filings_awaiting(user, action):
    """The filings on which `user` may take `action` (接收, 转交 or 存档) now, as one QuerySet."""
    filings = FiveOnesFiling.objects.all()
    committee = _office_committee(user)
    if action in (Action.RECEIVE, Action.FORWARD):
        if committee is None:
            return filings.none()
        status = Status.SUBMITTED if action == Action.RECEIVE else Status.RECEIVED
        return filings.filter(party__isnull=True, sector__contact_committee_id=committee, status=status)
    if action == Action.ARCHIVE and user.has_perm("forms_app.archive_filing"):
        return filings.filter(Q(status=Status.FORWARDED) | (Q(status=Status.SUBMITTED) & STRAIGHT_TO_ARCHIVE))
    return filings.none()


def holding_office(filing):
    """The office that holds the filing at its current status."""
    if filing.status == Status.FORWARDED or goes_straight_to_archive(filing):
        return ARCHIVE_OFFICE
    return route_office(filing)


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
    filing = locked(FiveOnesFiling.objects.select_related("sector__contact_committee")).get(pk=filing_id)
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


# --- the dates on the form


def filled_on_range(year, today=None):
    """(first, last) 填表日期 of the year's filing. The form is filled on the day it is filled:
    never later than today. A leader may prepare next year's filing in advance, so the date
    may fall in the year before; a late filing of a past year is filled after that year."""
    return datetime.date(year - 1, 1, 1), today or timezone.localdate()


def filled_on_error(year, value, today=None):
    """Why `value` cannot be the 填表日期 of the year's filing, or ""."""
    first, last = filled_on_range(year, today)
    if value > last:
        return f"填表日期不能晚于今天（{last:%Y-%m-%d}）。"
    if value < first:
        return f"填表日期不能早于 {first.year} 年 1 月 1 日：{year} 年的备案表最早在上一年开始准备。"
    return ""


def activity_date_range(year):
    """(first, last) 活动日期: the year's grassroots activity takes place in that year; a
    filing prepared in advance names the planned date."""
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def activity_date_error(year, value):
    """Why `value` cannot be the 活动日期 of the year's filing, or ""."""
    first, last = activity_date_range(year)
    if not first <= value <= last:
        return f"活动日期应在 {year} 年内。"
    return ""


# --- 提交一篇履职成果: the link to the 履职成果 registry

# The 备案表 asks for 「提案、社情民意或大会发言」 (seed 000): its three kinds are the registry's kinds of
# the same name and value. 调研报告 and 微建议 do not count for the 五个一 and are not offered.
REGISTRY_KIND = {
    ResultKind.PROPOSAL: Kind.PROPOSAL,
    ResultKind.OPINION: Kind.OPINION,
    ResultKind.SPEECH: Kind.SPEECH,
}
FILING_KIND = {kind: filing_kind for filing_kind, kind in REGISTRY_KIND.items()}
NEW_RESULT = "new"
UNLINKED = "未关联成果登记"


def offered_results(year, sector, party):
    """The entries the step offers: the year's 提案、社情民意信息 and 大会发言 of the sector or party
    (in its name, or by one of its members), as results.rules.results_for_filer finds them."""
    return results.results_for_filer(year, sector, party, kinds=list(REGISTRY_KIND.values())).prefetch_related(
        "author_rows__member"
    )


def registers_results(year, today=None):
    """Whether the step links or registers an entry: from the start of the filing's year. A filing
    prepared before its year names a planned result only (nothing can be submitted in a year that
    has not begun), and stays 「未关联成果登记」."""
    return (today or timezone.localdate()).year >= year


def new_entry_errors(year, kind, title, submitted_on, occasion):
    """{registry field: [message]} for the entry the step would register (results.rules)."""
    data = {"year": year, "kind": REGISTRY_KIND[kind], "title": title, "submitted_on": submitted_on}
    return results.heading_errors({**data, "occasion": occasion})


def link_result(user, year, sector, party, data, choice):
    """The registry entry the filing names (inside submit_filing's transaction). `choice` is
    {"entry": pk or NEW_RESULT, "submitted_on", "occasion"}: an offered entry, locked and checked
    again, whose kind, title and summary are copied into `data`; or a new entry in the sector's
    (party's) name, 待确认, from the kind, title and summary in `data`."""
    if choice["entry"] == NEW_RESULT:
        entry = {
            "year": year,
            "kind": REGISTRY_KIND[data["result_kind"]],
            "title": data["result_title"],
            "summary": data["result_summary"],
            "submitted_on": choice["submitted_on"],
            "occasion": choice.get("occasion", ""),
            "author_kind": AuthorKind.SECTOR if sector else AuthorKind.PARTY,
            "sector": sector,
            "party": party,
        }
        try:
            return results.save_entry(user, entry, [], Source.FRONT)
        except results.ResultInvalid as exc:
            raise ResultLinkError(f"成果登记未通过：{exc}") from exc
    result = locked(offered_results(year, sector, party).filter(pk=choice["entry"])).first()
    if result is None:
        raise ResultLinkError("所选的履职成果刚刚被撤回或退回，已不在可选之列，请重新选择或登记一篇新的成果。")
    data.update(result_kind=FILING_KIND[result.kind], result_title=result.title, result_summary=result.summary)
    return result


def registry_mark(filing):
    """How the filing's result stands in the registry, for its page, PDF and the year's export."""
    if filing.result_id is None:
        return UNLINKED
    return f"已关联成果登记（{filing.result.get_status_display()}）"


def result_confirmed(filing):
    """The 报送进度 board's 成果已确认: 是 or 否 for a filing linked to an entry, — otherwise."""
    if filing is None or filing.result_id is None:
        return "—"
    return "是" if filing.result.status == ResultStatus.CONFIRMED else "否"


# --- filing and refiling


def existing_filing(year, sector, party):
    return FiveOnesFiling.objects.filter(year=year, sector=sector, party=party).first()


def may_file(filing):
    """Whether a sector's (party's) year may be filed: nothing filed yet, or the filing was
    returned for changes. Once filed and not returned, it is filed once and for all."""
    return filing is None or filing.status == Status.RETURNED


def already_filed(filing):
    """Why a filing that may_file() refuses cannot be filed again, for the user."""
    return f"{filing.filer_name} {filing.year} 年的备案表已经提交，不能重复填报。"


@transaction.atomic
def submit_filing(user, year, sector, party, data, participants, reflections, result=None):
    """Create the year's filing, or resubmit a returned one (its history is kept).

    `data`: the filing's own fields; `reflections`: [(member, text)]; `result`: the step
    提交一篇履职成果's choice for link_result(), or None for a filing that names its result
    without the registry. Returns the filing.
    """
    # The first filing of a year has no row to lock yet: lock its sector (party) instead, so
    # that two submissions for one filer take turns and the second sees the first's filing.
    filer = sector or party
    locked(type(filer).objects.filter(pk=filer.pk)).get()
    filing = locked(FiveOnesFiling.objects.filter(year=year, sector=sector, party=party)).first()
    if not may_file(filing):
        raise RouteError(already_filed(filing))
    action = Action.RESUBMIT if filing else Action.SUBMIT
    filing = filing or FiveOnesFiling(year=year, sector=sector, party=party)
    data = dict(data)
    filing.result = link_result(user, year, sector, party, data, result) if result else None
    for field, value in data.items():
        setattr(filing, field, value)
    filing.status = Status.SUBMITTED
    filing.submitted_by = user
    filing.submitted_at = timezone.now()
    filing.save()
    filing.participants.set(participants)
    file_reflections(filing, user, reflections)
    FilingEvent.objects.create(filing=filing, action=action, status=filing.status, actor=user, office=filing.filer_name)
    if filing.showcase_story_id is None:
        filing.showcase_story = draft_story_for(filing)
        filing.save(update_fields=["showcase_story"])
    return filing


def file_reflections(filing, user, reflections):
    """Put the filing's 提交一批履职心语 ([(member, text)]) in the year's pool. A resubmission keeps
    each entry it still holds word for word, with the editors' mark on it; the entries it no
    longer holds are withdrawn (withdraw_reflections)."""
    standing = defaultdict(list)
    for reflection in filing.reflections.current():
        standing[(reflection.member_id, reflection.text)].append(reflection)
    new = []
    for member, text in reflections:
        if standing.get((member.pk, text)):
            standing[(member.pk, text)].pop(0)
            continue
        new.append(
            Reflection(
                filing=filing,
                member=member,
                text=text,
                year=filing.year,
                source=Reflection.Source.FILING,
                submitted_by=user,
                submitted_at=filing.submitted_at,
            )
        )
    withdraw_reflections([r for dropped in standing.values() for r in dropped])
    Reflection.objects.bulk_create(new)


def withdraw_reflections(reflections):
    """Take entries out of the pool. One no editor has marked yet, and no handbook holds, goes for
    good; any other is kept as 撤回 (withdrawn_at), so that the editors see what became of their
    choice and a handbook holding it refuses to publish."""
    # Asked of the rows as they are now, not as read: an editor may have marked one meanwhile, or
    # marked it back to 待选 after placing it in a handbook (handbook_items: handbook.HandbookItem).
    pks = [r.pk for r in reflections]
    Reflection.objects.filter(pk__in=pks, mark=Reflection.Mark.PENDING, handbook_items__isnull=True).delete()
    Reflection.objects.filter(pk__in=pks).update(withdrawn_at=timezone.now())


def draft_story_for(filing):
    """展示一名委员履职风采 becomes a draft 委员风采 story for the editors to finish."""
    member = filing.showcase_member
    return draft_story(
        member=member,
        title=f"{member.name}：{filing.theme}",
        slug=f"five-ones-{filing.year}-{filing.pk}",
        text=filing.showcase_reason,
    )


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
    filings = FiveOnesFiling.objects.filter(year=year).select_related("result")
    by_sector = {f.sector_id: f for f in filings if f.sector_id}
    by_party = {f.party_id: f for f in filings if f.party_id}
    rows = []
    for kind, objects, found in (
        ("界别", Sector.objects.select_related("contact_committee"), by_sector),
        ("党派", Party.objects.all(), by_party),
    ):
        for obj in objects:
            filing = found.get(obj.pk)
            done = not may_file(filing)
            rows.append(
                {
                    "kind": kind,
                    "name": obj.name,
                    "office": (
                        obj.contact_committee.office if kind == "界别" and obj.contact_committee else ARCHIVE_OFFICE
                    ),
                    "filing": filing,
                    "status": filing.get_status_display() if filing else "未提交",
                    "overdue": not done and today > deadline,
                    "result_confirmed": result_confirmed(filing),
                }
            )
    counts = dict(Counter(row["status"] for row in rows))
    return {
        "year": year,
        "deadline": deadline,
        "rows": rows,
        "counts": counts,
        "overdue": sum(row["overdue"] for row in rows),
        "today": today,
    }
