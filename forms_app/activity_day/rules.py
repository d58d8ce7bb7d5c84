"""委员活动日 statistics (seed 001): the table's columns, the checks a reviewer applies, the
numbers the platform already knows, reporting and correcting until the deadline, and the roll-up.

Both table variants have the same sixteen numbers; only the first column's heading differs
(附件1: 负责联系指导的委员工作室数, 附件2: the stations of the bodies one level down, named by the
committee's level: 市州（含所属县市区）政协 for a province, 街道活动小组 for a district).
"""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from content.models import ActivityCategory
from lianxin_site.committee import LOWER_LEVELS, lower_level
from lianxin_site.db import locked
from lianxin_site.errors import DomainError
from lianxin_site.uploads import document_refusal
from people.services import account_of

from .attachments import too_many
from .models import ActivityReport, ReportingUnit, TableVariant

KIND_FIELDS = [
    ("kind_reading", ActivityCategory.READING),
    ("kind_research", ActivityCategory.RESEARCH),
    ("kind_suggestion", ActivityCategory.SUGGESTION),
    ("kind_visit", ActivityCategory.VISIT),
    ("kind_duty", ActivityCategory.DUTY),
    ("kind_charity", ActivityCategory.CHARITY),
    ("kind_sector", ActivityCategory.SECTOR),
    ("kind_other", ActivityCategory.OTHER),
]
LEADING_FIELDS = ["workstations", "stationed_members", "active_workstations", "collective_members", "own_members"]
TRAILING_FIELDS = ["opinions", "deeds", "uploads"]
COUNT_FIELDS = LEADING_FIELDS + [f for f, _ in KIND_FIELDS] + TRAILING_FIELDS
KIND_GROUP = "各类活动情况统计"


def title(variant):
    """The paper table's title, in the variant's words."""
    if variant == TableVariant.CPPCC:
        return f"{lower_level()}委员工作室开展委员活动日情况统计表"
    return "专门委员会相关委员工作室开展委员活动日情况统计表"


# Short names for messages and charts.
SHORT = {
    "workstations": "委员工作室数",
    "stationed_members": "入驻委员工作室的委员数",
    "active_workstations": "组织委员开展委员活动日的工作室数",
    "collective_members": "参加委员工作室集体活动的委员数",
    "own_members": "自行开展履职活动的委员数",
    **{field: str(category.label) for field, category in KIND_FIELDS},
    "opinions": "收集群众意见建议数",
    "deeds": "为民办实事数",
    "uploads": "上传“动态”栏目的工作室数",
}


def heading_variants(field):
    """Every heading a column may carry in a sheet sent back: either variant's, the roll-up's, and
    the 附件2 heading of any level (a unit may use the provincial paper form)."""
    names = {heading(field, variant) for variant in [*TableVariant.values, None]}
    if field == "workstations":
        names.update(f"{body}委员工作室数（家）" for body in LOWER_LEVELS.values())
    return names


def heading(field, variant):
    """The paper table's heading of a column, in the variant's words."""
    if field == "workstations" and variant == TableVariant.CPPCC:
        return f"{lower_level()}委员工作室数（家）"
    if field == "workstations" and variant == TableVariant.COMMITTEE:
        return "负责联系指导的委员工作室数（家）"
    if field == "workstations":  # a roll-up of both variants
        return "委员工作室数（家）"
    return str(ActivityReport._meta.get_field(field).verbose_name)


class StatsError(DomainError):
    """A report or an import refused now; the message is for the user."""


# --- the reviewer's checks


def as_count(value):
    """A whole number from a form or a spreadsheet cell (3, 3.0, " 3 "); anything else unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return value


def check_counts(counts):
    """{field: [messages]} for numbers a reviewer would send back; `None` key for the table.
    `counts` maps every COUNT_FIELDS name to what was entered (int, or anything from a sheet)."""
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    numbers = {}
    for field in COUNT_FIELDS:
        value = as_count(counts.get(field))
        if value is None or value == "":
            add(field, f"请填写{SHORT[field]}（没有请填 0）。")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            add(field, f"{SHORT[field]}应是不小于 0 的整数，现在是“{value}”。")
        else:
            numbers[field] = value
    if errors:
        return errors
    n = numbers
    if n["active_workstations"] > n["workstations"]:
        add(
            "active_workstations",
            f"组织活动的工作室数（{n['active_workstations']}）不能多于委员工作室数（{n['workstations']}）。",
        )
    for field, category in KIND_FIELDS:
        if n[field] > n["active_workstations"]:
            add(
                field,
                f"开展{category.label}的工作室数（{n[field]}）不能多于组织活动的工作室数（{n['active_workstations']}）。",
            )
    if n["uploads"] > n["workstations"]:
        add("uploads", f"上传“动态”栏目的工作室数（{n['uploads']}）不能多于委员工作室数（{n['workstations']}）。")
    if n["collective_members"] > n["stationed_members"]:
        add(
            "collective_members",
            f"参加集体活动的委员数（{n['collective_members']}）不能多于入驻委员工作室的委员数（{n['stationed_members']}）。",
        )
    if n["active_workstations"] == 0 and n["collective_members"] > 0:
        add("collective_members", "没有工作室组织活动时，参加集体活动的委员数应为 0。")
    kinds = sum(n[field] for field, _ in KIND_FIELDS)
    if n["active_workstations"] and kinds < n["active_workstations"]:
        add(
            None,
            f"各类活动的工作室数合计（{kinds}）少于组织活动的工作室数（{n['active_workstations']}）："
            "每个组织了活动的工作室至少开展了一类活动。",
        )
    return errors


# --- what the platform already knows


def linked_workstations(unit):
    """The unit's workstations: those whose 对口委室 is the unit's committee, and any listed on it."""
    from content.models import WorkstationPage

    scope = Q(pk__in=unit.workstations.values("pk"))
    if unit.committee_id:
        scope |= Q(committee_id=unit.committee_id)
    return WorkstationPage.objects.live().filter(scope).select_related("lead_member").order_by("path")


def _names(pages, limit=8):
    names = [page.title for page in pages]
    return "、".join(names[:limit]) + (f"等 {len(names)} 家" if len(names) > limit else f"（{len(names)} 家）")


@dataclass
class Proposal:
    value: int
    source: str


def proposals(day, unit):
    """{field: Proposal} for the numbers the platform can count: the unit's workstations, their
    members, and their 动态 posts dated on the activity day, by category."""
    from content.models import WorkstationPostPage

    stations = list(linked_workstations(unit).prefetch_related("members"))
    if not stations:
        return {"workstations": Proposal(0, f"平台上没有{unit.name}负责联系指导的委员工作室。")}
    members = {station.lead_member_id for station in stations}
    for station in stations:
        members.update(m.pk for m in station.members.all())
    by_id = {station.pk: station for station in stations}
    posts = (
        WorkstationPostPage.objects.live()
        .filter(date=day.date)
        .with_workstation_id()
        .filter(parent_workstation_id__in=list(by_id))
        .order_by("path")
    )
    posted, by_kind = {}, {}
    for post in posts:
        station = by_id[post.parent_workstation_id]
        posted.setdefault(station.pk, station)
        by_kind.setdefault(post.category, {}).setdefault(station.pk, (station, post))
    day_label = f"{day.date.month}月{day.date.day}日"
    result = {
        "workstations": Proposal(len(stations), f"平台上的委员工作室：{_names(stations)}"),
        "stationed_members": Proposal(len(members), "这些工作室页面上列出的负责人和参与委员（同一委员只算一次）"),
        "active_workstations": Proposal(
            len(posted),
            f"{day_label}有“动态”的工作室：{_names(posted.values())}"
            if posted
            else f"没有工作室发布{day_label}的“动态”",
        ),
        "uploads": _uploads_proposal(day, stations, day_label),
    }
    for field, category in KIND_FIELDS:
        found = by_kind.get(category, {})
        source = "；".join(f"{station.title}《{post.title}》" for station, post in found.values())
        result[field] = Proposal(
            len(found), f"{category.label}类“动态”：{source}" if found else f"没有{category.label}类“动态”"
        )
    return result


def _uploads_proposal(day, stations, day_label):
    """The stations that uploaded a 动态 tied to the day, on time or late (upload_dates)."""
    uploaded = upload_dates([day], [station.pk for station in stations])
    on_time, late = [], []
    for station in stations:
        status = upload_status(day, uploaded.get((day.pk, station.pk)))
        if status == UploadStatus.ON_TIME:
            on_time.append(station)
        elif status == UploadStatus.LATE:
            late.append(station)
    deadline = upload_deadline(day)
    due = f"{deadline.month}月{deadline.day}日"
    if not on_time and not late:
        return Proposal(0, f"没有工作室上传{day_label}活动的“动态”（上传截止 {due}）")
    source = f"已上传{day_label}活动“动态”的工作室：{_names(on_time + late)}"
    if late:
        source += f"，其中逾期 {len(late)} 家：{'、'.join(station.title for station in late)}（上传截止 {due}）"
    else:
        source += f"，均在 {due} 截止前上传"
    return Proposal(len(on_time) + len(late), source)


def reason_errors(counts, reasons, proposals):
    """{field: message} for each number that differs from the one the platform proposed and has
    no reason given: a reviewer needs to know why a unit's count is not the platform's."""
    errors = {}
    for field, proposal in proposals.items():
        if counts.get(field) is None:
            continue  # not a number: said next to the number itself, not as a differing one
        value = as_count(counts.get(field))
        if value != proposal.value and not (reasons.get(field) or "").strip():
            errors[field] = f"平台数据为 {proposal.value}，你填的是 {value}：请说明原因。"
    return errors


# --- who reports, and until when


def units_for(user):
    """The units this user reports for: listed as a reporter, or staffing the committee office."""
    account = account_of(user)
    if not account.can("forms_app.add_activityreport"):
        return ReportingUnit.objects.none()
    scope = Q(reporters=user)
    if account.committee:
        scope |= Q(committee=account.committee, variant=TableVariant.COMMITTEE)
    return ReportingUnit.objects.filter(scope).distinct()


def is_open(day, today=None):
    """Units may report and correct until the end of the deadline day (Beijing time)."""
    return (today or timezone.localdate()) <= day.deadline


def closed_message(day):
    """What a unit is told once the deadline has passed."""
    return f"{day.name}的统计表已于 {day.deadline:%Y年%m月%d日} 截止报送，不能再修改；如需更正，请联系委员联络室。"


SUMMARY_MAX = 5000


def summary_error(summary):
    """The refusal for a unit's 工作小结 as typed, or None: required, at most 5000 characters."""
    text = (summary or "").strip()
    if not text:
        return "「工作小结」：请填写本单位开展委员活动日的工作小结。"
    if len(text) > SUMMARY_MAX:
        return f"「工作小结」：不能超过 {SUMMARY_MAX} 字，现在有 {len(text)} 字。"
    return None


def attachment_errors(uploads, kept=0):
    """Refusals for files added to a report that keeps `kept` of its attachments: the count
    first (nothing read), then each file's size, then its type (see lianxin_site.uploads.document_refusal)."""

    uploads = list(uploads)
    message = too_many(kept, len(uploads))
    if message:
        return [message]
    return [message for upload in uploads if (message := document_refusal(upload))]


@transaction.atomic
def save_report(
    day,
    unit,
    user,
    counts,
    reasons=None,
    via_import=False,
    today=None,
    summary=None,
    attachments=(),
    remove=(),
):
    """Create the unit's report for the day, or correct it. A unit has one report per day: a
    second submission corrects the first. Units may do so until the deadline; the organiser's
    import (via_import) may still correct afterwards. Returns (report, created).

    A unit's own report needs its 工作小结 (summary); an import carries none and keeps what the
    unit wrote, if anything (a table imported without one shows 小结未报). `attachments` are new
    files (at most 5 kept in all, each checked before anything is written); `remove` the ids of
    the report's attachments to drop."""
    if not day.units.filter(pk=unit.pk).exists():
        raise StatsError(f"{unit.name}不在{day.name}的填报单位中。")
    if not via_import and not is_open(day, today):
        raise StatsError(closed_message(day))
    errors = check_counts(counts)
    if errors:
        raise StatsError("；".join(message for messages in errors.values() for message in messages))
    if not via_import or summary is not None:
        message = summary_error(summary)
        if message:
            raise StatsError(message)
    attachments, remove = list(attachments), {int(pk) for pk in remove}
    refused = attachment_errors(attachments)
    if refused:
        raise StatsError("；".join(refused))
    reasons = reasons or {}
    proposed = proposals(day, unit)
    if not via_import:  # an organiser's import carries no reasons: it is marked as imported
        unexplained = reason_errors(counts, reasons, proposed)
        if unexplained:
            raise StatsError("；".join(f"{SHORT[field]}：{message}" for field, message in unexplained.items()))
    sources = {}
    for field, proposal in proposed.items():
        entry = {"proposed": proposal.value, "source": proposal.source}
        if as_count(counts[field]) != proposal.value:
            entry["reason"] = (reasons.get(field) or "").strip() or "由表格导入"
        sources[field] = entry
    values = {field: as_count(counts[field]) for field in COUNT_FIELDS}
    values.update(sources=sources, filled_by=user, via_import=via_import, reported_on=(today or timezone.localdate()))
    if summary is not None:
        values["summary"] = summary.strip()
    report = locked(ActivityReport.objects.filter(day=day, unit=unit)).first()
    created = False
    if report is None:
        try:
            with transaction.atomic():
                report = ActivityReport.objects.create(day=day, unit=unit, **values)
                created = True
        except IntegrityError:  # the unit's colleague saved first: correct theirs
            report = locked(ActivityReport.objects.filter(day=day, unit=unit)).get()
    if not created:
        # Counted under the lock: two colleagues adding files at once cannot pass 5 between them.
        kept = report.attachments.exclude(pk__in=remove).count()
        refused = attachment_errors(attachments, kept=kept)
        if refused:
            raise StatsError("；".join(refused))
        for field, value in values.items():
            setattr(report, field, value)
        report.corrections += 1
        report.save()
        _remove_attachments(report, remove)
    _add_attachments(report, user, attachments)
    return report, created


def _remove_attachments(report, ids):
    gone = list(report.attachments.filter(pk__in=ids))
    for attachment in gone:
        attachment.delete()
        # the file goes once the removal is committed, so a rollback keeps both row and file
        transaction.on_commit(lambda file=attachment.file: file.delete(save=False))


def _add_attachments(report, user, uploads):
    import uuid
    from pathlib import PurePosixPath

    from .models import ReportAttachment

    saved = []
    try:
        for upload in uploads:
            attachment = ReportAttachment(
                report=report, original_name=upload.name[-255:], size=upload.size, uploaded_by=user
            )
            suffix = PurePosixPath(upload.name.lower()).suffix
            attachment.file.save(f"{uuid.uuid4().hex}{suffix}", upload, save=False)
            saved.append(attachment.file)
            attachment.save()
    except Exception:
        for file in saved:
            file.delete(save=False)
        raise


def reports_visible_to(user):
    reports = ActivityReport.objects.select_related("day", "unit")
    if user.has_perm("forms_app.roll_up_activity_day"):
        return reports
    return reports.filter(unit__in=units_for(user))


def require_unit(user, day, unit_id):
    unit = units_for(user).filter(pk=unit_id).first()
    if unit is None or not day.units.filter(pk=unit.pk).exists():
        raise PermissionDenied("你不是这个填报单位的填报人。")
    return unit


# --- the roll-up


def roll_up(day, today=None):
    """Every unit of the day with its report (or None), the totals, and who has not reported."""
    today = today or timezone.localdate()
    reports = {r.unit_id: r for r in day.reports.select_related("unit").prefetch_related("attachments")}
    units = list(day.units.all())
    uploads, upload_totals = station_uploads(day, units)
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        if report is None:
            status = "逾期未报" if today > day.deadline else "未报"
        elif report.corrections:
            status = "已报（有更正）"
        else:
            status = "已报"
        rows.append(
            {
                "unit": unit,
                "report": report,
                "status": status,
                "summary": summary_of(report),
                "stations": uploads[unit.pk],
                "upload_counts": _count_statuses(entry.status for entry in uploads[unit.pk]),
            }
        )
    filed = [row["report"] for row in rows if row["report"]]
    totals = {field: sum(getattr(r, field) for r in filed) for field in COUNT_FIELDS}
    statuses = dict(Counter(row["status"] for row in rows))
    return {
        "day": day,
        "rows": rows,
        "totals": totals,
        "missing": [row["unit"] for row in rows if row["report"] is None],
        "statuses": statuses,
        "kinds": [(str(category.label), totals[field]) for field, category in KIND_FIELDS],
        "variants": sorted({row["unit"].variant for row in rows}),
        "upload_totals": upload_totals,
        "no_summary": [row["unit"] for row in rows if row["report"] and not row["report"].summary],
    }


NO_SUMMARY = "小结未报"


def summary_of(report):
    """A report's 工作小结 as the roll-up shows it: the text, 小结未报 for a table imported without
    one, None for a unit that has not reported."""
    if report is None:
        return None
    return report.summary or NO_SUMMARY


@dataclass
class StationUpload:
    station: object
    uploaded_on: object  # the Beijing date, or None
    status: str


def station_uploads(day, units):
    """({unit id: [StationUpload for each of its stations]}, {按时/逾期/未上传: number of stations}).
    A station linked to two units is listed under both and counted once in the totals."""
    stations = {unit.pk: list(linked_workstations(unit)) for unit in units}
    ids = {station.pk for listed in stations.values() for station in listed}
    uploaded = upload_dates([day], ids) if ids else {}
    by_unit, statuses = {}, {}
    for unit_id, listed in stations.items():
        entries = []
        for station in listed:
            date = uploaded.get((day.pk, station.pk))
            entries.append(StationUpload(station, date, upload_status(day, date)))
            statuses[station.pk] = entries[-1].status
        by_unit[unit_id] = entries
    return by_unit, _count_statuses(statuses.values())


def _count_statuses(statuses):
    """{按时: n, 逾期: n, 未上传: n}, in that order (a plain dict: templates read its .items)."""
    counted = Counter(statuses)
    return {status: counted.get(status, 0) for status in UPLOAD_STATUSES}


# --- 动态 uploads for an activity day (seed 001 四.3: 活动当天或截止日期前上传“动态”栏目)


class UploadStatus:
    ON_TIME = "按时"
    LATE = "逾期"
    NONE = "未上传"


UPLOAD_STATUSES = [UploadStatus.ON_TIME, UploadStatus.LATE, UploadStatus.NONE]


def upload_deadline(day):
    """The day by which a station's 动态 is due: the day's upload deadline, else its reporting deadline."""
    return day.upload_deadline or day.deadline


def upload_dates(days, station_ids=None):
    """{(activity day id, station id): the Beijing date its first 动态 for that day was uploaded}.

    A post is uploaded on the day it was first submitted for review (内容审核), or, if it never
    was, the day it was first published; a draft never submitted is not uploaded. One query,
    whatever the number of days, stations and posts."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, OuterRef, Subquery
    from django.db.models.functions import Cast, Coalesce
    from wagtail.models import Page, WorkflowState

    from content.models import WorkstationPostPage

    first_submitted = (
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    posts = (
        WorkstationPostPage.objects.filter(activity_day__in=days)
        .with_workstation_id()
        .annotate(uploaded_at=Coalesce(Subquery(first_submitted), "first_published_at"))
        .filter(uploaded_at__isnull=False)
    )
    if station_ids is not None:
        posts = posts.filter(parent_workstation_id__in=list(station_ids))
    found = {}
    for day_id, station_id, uploaded_at in posts.values_list("activity_day_id", "parent_workstation_id", "uploaded_at"):
        date = timezone.localtime(uploaded_at).date()
        key = (day_id, station_id)
        if key not in found or date < found[key]:
            found[key] = date
    return found


def upload_status(day, uploaded_on):
    """按时 when uploaded by the deadline (the deadline day itself included), 逾期 after, 未上传 if never."""
    if uploaded_on is None:
        return UploadStatus.NONE
    return UploadStatus.ON_TIME if uploaded_on <= upload_deadline(day) else UploadStatus.LATE
