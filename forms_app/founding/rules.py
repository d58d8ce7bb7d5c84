"""Founding a 委员工作室 (seed 003, annex 1): who may apply, the six boxes of the 申请表, and
the naming that turns an approved application into a draft workstation page.

The 申请表 has six boxes, signed in order: 申请人签名, 专委会工作室意见, 委员联络室意见,
秘书长意见, 分管副主席意见, 主席会议意见. Each office may approve (the application moves to the
next box), return it for changes (it goes back to the applicant, who edits and signs again; review
then starts over at 专委会工作室 so that every opinion on the final form is about its final text)
or reject it. The 主席会议's approval names the station (统一命名并挂牌).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from content.drafts import draft_workstation_page
from content.models import StationKind, standing_lead_message, standing_lead_problem
from lianxin_site.db import locked_row
from lianxin_site.errors import DomainError
from people.services import account_of

from .models import ApplicationMember, FoundingYear, Stage, StageOpinion, WorkingRule, WorkstationApplication

Status = WorkstationApplication.Status
Decision = StageOpinion.Decision

# The permission that lets a role sign each office's box.
STAGE_PERMISSIONS = {
    Stage.COMMITTEE_OFFICE: "forms_app.review_as_committee_office",
    Stage.LIAISON_OFFICE: "forms_app.review_as_liaison_office",
    Stage.SECRETARY_GENERAL: "forms_app.review_as_secretary_general",
    Stage.VICE_CHAIR: "forms_app.review_as_vice_chair",
    Stage.CHAIRS_MEETING: "forms_app.decide_as_chairs_meeting",
}
OFFICE_STAGES = list(STAGE_PERMISSIONS)


class ApplicationError(DomainError):
    """An application or a box's signature refused now; the message is for the user."""


# Sent once the transaction that moved an application commits (never for one rolled back), with
# `application` (as it now stands), `decision` (the StageOpinion.Decision just recorded) and
# `stage` (the box signed). forms_app does not import notices: notices listens, to tell whoever
# must act next.
application_moved = Signal()


def _announce(application, decision, stage):
    transaction.on_commit(
        lambda: application_moved.send(
            sender=WorkstationApplication, application=application, decision=decision, stage=stage
        ),
        robust=True,
    )


# --- who applies


def may_apply(user):
    """Whether the account may apply: it has the right and belongs to a member."""
    account = account_of(user)
    return account.can("forms_app.add_workstationapplication") and account.member is not None


def applicant_member(user):
    """The Member a user applies as; PermissionDenied if the account is not a member's."""
    if not may_apply(user):
        raise PermissionDenied("只有关联了委员身份的账号可以申请建立委员工作室。")
    return account_of(user).member


def applicant_sector(user):
    """The sector a 界别组长 may apply in the name of, or None."""
    return account_of(user).sector


def signature_error(member, signature):
    """Why `signature` does not sign the 申请表 for `member` ("" if it does): the applicant signs
    by typing their own name, as it stands in the roster."""
    if (signature or "").strip() != member.name:
        return f"签名应是你的姓名“{member.name}”。"
    return ""


def lead_problem(station_kind, member):
    """Why `member` cannot lead a station of `station_kind` ("" if they can): a 常委工作站's 负责人
    is a 常委. The wizard's 负责人 step, submit_application and the 主席会议's approval all ask
    this, which is content.models.standing_lead_problem, the rule the page editor asks too."""
    return standing_lead_problem(station_kind, member)


def missing_rules(rules):
    """The names of the six working rules (实施方案 四（三）) that `rules` {value: text} leaves
    blank, in the 申请表's order."""
    return [str(label) for value, label in WorkingRule.choices if not (rules.get(value) or "").strip()]


def conditions(application_data):
    """The founding conditions (实施方案 四) as (label, met, detail), for the review page and the
    offices' 资格审查. `application_data` is a dict of the application's fields."""
    mode = application_data.get("mode")
    venue_ok = bool((application_data.get("address") or "").strip() and (application_data.get("venue") or "").strip())
    missing = missing_rules(application_data.get("rules") or {})
    lead = application_data.get("lead_member")
    rows = [
        (
            "固定的场地（或载体）",
            venue_ok,
            ("线上载体" if mode == "online" else "场地") + ("已填写" if venue_ok else "未填写"),
        ),
        ("完备的工作制度", not missing, "六项制度齐全" if not missing else "还缺：" + "、".join(missing)),
        (
            "负责人为本届委员",
            lead is not None,
            f"{lead.name}（委员证号 {lead.code}{'，常委' if lead.is_standing else ''}）" if lead else "未选择负责人",
        ),
    ]
    if application_data.get("station_kind") == StationKind.STANDING:
        problem = lead_problem(StationKind.STANDING, lead)
        rows.append(("常委工作站的负责人为常委", bool(lead) and not problem, problem or "负责人是常委"))
    return rows


def application_conditions(application):
    """conditions() of a filed application, for the detail page and the offices' 资格审查."""
    return conditions(
        {
            "mode": application.mode,
            "address": application.address,
            "venue": application.venue,
            "rules": application.rules,
            "lead_member": application.lead_member,
            "station_kind": application.station_kind,
        }
    )


# --- who sees and acts


def _stage_scope(user):
    """Q of the applications whose office boxes this user may sign or read."""
    scope = Q(pk__in=[])
    account = account_of(user)
    for stage, permission in STAGE_PERMISSIONS.items():
        if not user.has_perm(permission):
            continue
        if stage == Stage.COMMITTEE_OFFICE:
            if account.committee:
                scope |= Q(committee=account.committee)
        elif stage == Stage.LIAISON_OFFICE:
            scope |= Q(pk__isnull=False)  # 委员联络室 plans the stations' layout: it sees them all
        else:
            scope |= Q(furthest_stage__gte=stage)
    return scope


def applications_visible_to(user):
    """Applicants see their own applications. 委员联络室 sees all; the 专委会工作室 those of its
    own committee; 秘书长, 分管副主席 and 主席会议 those that have reached their box."""
    applications = WorkstationApplication.objects.select_related("committee", "lead_member", "applicant")
    if not user.is_authenticated:
        return applications.none()
    if user.is_superuser:
        return applications
    return applications.filter(Q(applicant=user) | _stage_scope(user))


def can_sign(user, application, stage=None):
    """Whether the user may sign the box the application is waiting at (or `stage`)."""
    stage = stage or application.waiting_at
    if (
        stage is None
        or stage == Stage.APPLICANT
        or application.status != Status.IN_REVIEW
        or application.stage != stage
    ):
        return False
    if not user.has_perm(STAGE_PERMISSIONS[stage]):
        return False
    if stage == Stage.COMMITTEE_OFFICE and not user.is_superuser:
        committee = account_of(user).committee
        return bool(committee and committee.pk == application.committee_id)
    return True


def applications_to_sign(user):
    """can_sign() for a whole list at once (待我处理 and the admin's 待我签署 filter): the applications
    in review waiting at a box this user may sign. tests/test_notices_desk.py checks it against can_sign."""
    scope = Q(pk__in=[])
    for stage, permission in STAGE_PERMISSIONS.items():
        if not user.has_perm(permission):
            continue
        if stage == Stage.COMMITTEE_OFFICE and not user.is_superuser:
            committee = account_of(user).committee
            if committee:
                scope |= Q(stage=stage, committee=committee)
        else:
            scope |= Q(stage=stage)
    return WorkstationApplication.objects.filter(scope, status=Status.IN_REVIEW)


def _locked(pk):
    return locked_row(WorkstationApplication.objects, pk=pk)


@transaction.atomic
def sign(application_id, user, stage, decision, text="", signed_on=None, approved_name=""):
    """An office signs its box. `stage` is the box the user saw when deciding: if someone else
    signed it meanwhile, this fails instead of signing twice (the row is locked, so two people at
    once cannot both win)."""
    application = _locked(application_id)
    stage = Stage(int(stage))
    if application.status != Status.IN_REVIEW or application.stage != stage:
        latest = application.opinions.order_by("-at", "-pk").first()
        by = (
            f"，{latest.signer_name}已于 {latest.signed_on:%Y-%m-%d} 签署“{latest.get_decision_display()}”"
            if latest
            else ""
        )
        raise ApplicationError(f"“{stage.label}”已经处理过了{by}。请刷新页面查看当前环节。")
    if not can_sign(user, application, stage):
        raise ApplicationError(f"你不能签署“{stage.label}”。")
    if decision not in (Decision.APPROVE, Decision.RETURN, Decision.REJECT):
        raise ApplicationError("请选择同意、退回修改或不同意。")
    text = (text or "").strip()
    if not text:
        raise ApplicationError(
            "退回时请写明需要修改的内容，方便申请人修改。" if decision == Decision.RETURN else f"请填写{stage.label}。"
        )
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise ApplicationError("签署日期不能晚于今天。")
    if signed_on < timezone.localtime(application.waiting_since).date():
        raise ApplicationError("签署日期不能早于申请到达本环节的日期。")
    approved_name = (approved_name or "").strip()
    if stage == Stage.CHAIRS_MEETING and decision == Decision.APPROVE and not approved_name:
        raise ApplicationError("主席会议批准时请确定工作室的统一命名。")
    if decision == Decision.APPROVE:
        # The roster may have changed since the applicant signed (a 常委 no longer one).
        problem = standing_lead_message(application.station_kind, application.lead_member)
        if problem:
            raise ApplicationError(problem)

    StageOpinion.objects.create(
        application=application,
        stage=stage,
        decision=decision,
        text=text,
        signer=user,
        signer_name=account_of(user).name,
        signed_on=signed_on,
    )
    now = timezone.now()
    if decision == Decision.RETURN:
        application.status, application.stage = Status.RETURNED, Stage.APPLICANT
    elif decision == Decision.REJECT:
        application.status = Status.REJECTED
    elif stage == Stage.CHAIRS_MEETING:
        application.status = Status.APPROVED
        application.approved_name = approved_name
        application.workstation_page = create_workstation_page(application)
    else:
        application.stage = stage + 1
        application.furthest_stage = max(application.furthest_stage, application.stage)
    application.waiting_since = now
    application.save()
    _announce(application, decision, stage)
    return application


# --- applying and reapplying


@transaction.atomic
def submit_application(user, data, participants, application=None):
    """Sign and submit a new application, or resubmit a returned one (its opinions are kept).

    `data`: the application's own fields; `participants`: [dict(member, employer_title,
    specialties, contact)] in order. Returns the application.
    """
    member = applicant_member(user)
    if data.get("kind") == WorkstationApplication.Kind.SECTOR and applicant_sector(user) is None:
        raise ApplicationError("只有界别组长可以以界别名义申请。")
    problem = signature_error(member, data.get("signature"))
    if problem:
        raise ApplicationError(problem)
    problem = standing_lead_message(data.get("station_kind", StationKind.STATION), data.get("lead_member"))
    if problem:
        raise ApplicationError(problem)
    problems = [f"{label}：{detail}" for label, met, detail in conditions(data) if not met]
    if problems:
        raise ApplicationError("还不符合建立条件——" + "；".join(problems) + "。")
    now = timezone.now()
    if application is not None:
        application = _locked(application.pk)
        if application.applicant_id != user.pk:
            raise PermissionDenied("只能修改自己的申请。")
        if application.status != Status.RETURNED:
            raise ApplicationError("这份申请正在审批或已经办结，不能再修改。")
        decision = Decision.RESUBMIT
    else:
        # After the year's 申请截止日期: accepted, and marked 逾期报名 (a returned application
        # resubmitted keeps the mark of its first submission).
        application = WorkstationApplication(applicant=user, submitted_at=now, late=is_late(timezone.localdate()))
        decision = Decision.SUBMIT
    for field, value in data.items():
        setattr(application, field, value)
    application.applying_sector = (
        applicant_sector(user) if application.kind == WorkstationApplication.Kind.SECTOR else None
    )
    application.status = Status.IN_REVIEW
    application.stage = Stage.COMMITTEE_OFFICE
    application.waiting_since = now
    application.save()
    application.participants.all().delete()
    ApplicationMember.objects.bulk_create(
        ApplicationMember(application=application, position=i, **row) for i, row in enumerate(participants)
    )
    StageOpinion.objects.create(
        application=application,
        stage=Stage.APPLICANT,
        decision=decision,
        text="",
        signer=user,
        signer_name=application.signature,
        signed_on=application.signed_on,
    )
    _announce(application, decision, Stage.APPLICANT)
    return application


# --- the paper form's boxes


def boxes(application):
    """The six boxes of the 申请表 as [(stage, opinion or None)]: for each box, its latest act
    since the applicant's last signature, or None where review has not reached it yet."""
    opinions = list(application.opinions.all())
    last_signature = max((i for i, o in enumerate(opinions) if o.stage == Stage.APPLICANT), default=-1)
    current = {}
    for opinion in opinions[max(last_signature, 0) :]:
        current[opinion.stage] = opinion
    return [(stage, current.get(stage)) for stage in Stage]


def waiting_label(application):
    """Who holds the application now, in the offices' words ("" once it is decided)."""
    if application.status == Status.RETURNED:
        return "申请人修改"
    return str(application.waiting_at.label) if application.waiting_at else ""


def waited(application, now=None):
    """How long the application has waited with whoever holds it, in days (None once decided)."""
    if application.status not in (Status.IN_REVIEW, Status.RETURNED):
        return None
    now = now or timezone.now()
    return (now - application.waiting_since) // datetime.timedelta(days=1)


def waited_words(application, now=None):
    """The wait as the offices read it: "不到 1 天", "3 天", or "—" once decided. The admin list, the
    application page and the 待我处理 panel all say it this way."""
    days = waited(application, now)
    if days is None:
        return "—"
    return "不到 1 天" if days == 0 else f"{days} 天"


# --- naming


def create_workstation_page(application):
    """统一命名: a draft workstation page built from the application, for the editors to complete
    (sign photo, duties, workflow, reception days) and publish."""
    page = draft_workstation_page(
        title=application.approved_name,
        slug=f"workstation-{application.pk}",
        members=[row.member for row in application.participants.select_related("member")],
        rules=application.rule_items(),
        address=application.address,
        mode=application.mode,
        basis=application.basis,
        sector=application.sector,
        street_group=application.street_group,
        committee=application.committee,
        lead_member=application.lead_member,
        specialties=application.lead_specialties,
        kind=application.station_kind,
    )
    if page is None:
        raise ApplicationError("网站还没有“委员工作室”栏目，请编辑先建立栏目页面，再批准命名。")
    return page


# --- the year's window (seed 003 annex 2 第四条: 4月底前报名, 6月底前命名和挂牌)


def is_late(submitted_on):
    """Whether an application submitted on `submitted_on` (Beijing date) is 逾期报名: after its
    year's 申请截止日期."""
    return submitted_on > FoundingYear.for_year(submitted_on.year).apply_by


def approval_date(application):
    """The date the 主席会议 signed its approval (命名), or None."""
    opinion = (
        application.opinions.filter(stage=Stage.CHAIRS_MEETING, decision=Decision.APPROVE)
        .order_by("-at", "-pk")
        .first()
    )
    return opinion.signed_on if opinion else None


def may_record_plaque(user):
    """委员联络室 records the 挂牌日期 of a named station."""
    return user.is_active and user.has_perm("forms_app.review_as_liaison_office")


PLAQUE = "「挂牌日期」："


@transaction.atomic
def record_plaque(application_id, user, plaque_date, today=None):
    """委员联络室 records when an approved station was 挂牌: not before the 主席会议's approval,
    not in the future. Locks the application; returns it."""
    if not may_record_plaque(user):
        raise ApplicationError("只有委员联络室可以登记挂牌日期。")
    application = _locked(application_id)
    today = today or timezone.localdate()
    if application.status != Status.APPROVED:
        raise ApplicationError(PLAQUE + "只有已批准命名的工作室才能登记挂牌日期。")
    if plaque_date is None:
        raise ApplicationError(PLAQUE + "请填写挂牌日期。")
    if plaque_date > today:
        raise ApplicationError(PLAQUE + f"不能晚于今天（{today:%Y-%m-%d}）。")
    approved_on = approval_date(application)
    if approved_on and plaque_date < approved_on:
        raise ApplicationError(PLAQUE + f"不能早于主席会议批准命名的日期（{approved_on:%Y-%m-%d}）。")
    application.plaque_date = plaque_date
    application.save(update_fields=["plaque_date"])
    return application


PROGRESS_PERMISSIONS = (
    "forms_app.review_as_liaison_office",
    "forms_app.review_as_secretary_general",
    "forms_app.review_as_vice_chair",
    "forms_app.decide_as_chairs_meeting",
)


def may_read_progress(user):
    """委员联络室 and the leadership (秘书长、分管副主席、主席会议) read the 进度 board."""
    return user.is_active and any(user.has_perm(p) for p in PROGRESS_PERMISSIONS)


def progress(year, today):
    """The 进度 board of a year's window, from the applications first submitted in the year
    (Beijing time): {"window", "late", "overdue", "unplaqued"} where
    - late: submitted after 申请截止日期 (逾期报名);
    - overdue: still in review (or returned to the applicant) after 挂牌截止日期;
    - unplaqued: named by the 主席会议 but no 挂牌日期 recorded.
    One query for the applications, one for the window."""
    window = FoundingYear.for_year(year)
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    applications = list(
        WorkstationApplication.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .select_related("committee", "lead_member")
        .order_by("submitted_at", "pk")
    )
    return {
        "window": window,
        "late": [a for a in applications if a.late],
        "overdue": (
            [a for a in applications if a.status in (Status.IN_REVIEW, Status.RETURNED)]
            if today > window.plaque_by
            else []
        ),
        "unplaqued": [a for a in applications if a.status == Status.APPROVED and a.plaque_date is None],
        "total": len(applications),
    }
