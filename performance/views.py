"""/my/record/: 我的履职档案, a 委员's own page. The year's key figures, every entry grouped by
source with its score explained line by line (which rule of which 记分办法 version gave how many
points, and why not more), voided and corrected entries with the office's reason, the scheme in
force, the 冻结日期 and what came in after it; 请假 for what the member is invited to; 异议.

Whose record it is comes from rules.member_of(user) alone: there is no id in the URL, so nobody
reads another member's page. Every write is one call to performance/rules.py (request_leave,
raise_objection); its message is shown beside the box and keeps what was typed. The page reads
the same number of queries whatever the number of entries."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from forms_app.five_ones.models import FiveOnesFiling
from lianxin_site.dates import this_year, year_param
from lianxin_site.refusals import refused

from . import rules
from .forms import LeaveForm, ObjectionForm, YearForm
from .ledger import OFFICE, category_labels, source_labels
from .models import (
    DutyActivity,
    EntryChange,
    LeaveRequest,
    LedgerEntry,
    MemberScore,
    PerformanceYear,
    ScoreLine,
)
from .scoring import ABSENCE, CAPPED, scheme_in_force

NOT_A_MEMBER = "只有委员本人可以查看履职档案：这个账号没有对应的委员。如有疑问，请联系委员联络室。"


def _number(value):
    """6.00 → "6", 1.50 → "1.5", for the points as a member reads them."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_text(rule, labels):
    """“委员活动日 · 发言 · 出席 → 3 分”: what the rule matches (a blank 作用 or 出勤情况 matches any)."""
    parts = [labels.get(rule.category, rule.category), rule.get_role_display(), rule.get_status_display()]
    return f"{' · '.join(str(p) for p in parts if p)} → {_number(rule.points)} 分"


@dataclass
class Explained:
    """One score line as the member reads it."""

    points: object
    rule: str
    scheme: str
    note: str
    working: str  # how the points follow from the rule: × 数量, × 重要履职活动权重, the cap


def explain(line, entry, labels):
    scheme = line.scheme
    if line.note == ABSENCE:
        working = f"每次扣 {_number(scheme.absence_penalty)} 分" + (
            f" × {entry.quantity} 次" if entry.quantity > 1 else ""
        )
        return Explained(line.points, "无故缺席（未请假或请假未获批准）", str(scheme), line.note, working)
    if line.rule is None:
        return Explained(line.points, "", str(scheme), line.note, "")
    factors = []
    if entry.quantity > 1:
        factors.append(f"× {entry.quantity}")
    if entry.important:
        factors.append(f"× 重要履职活动权重 {_number(scheme.important_weight)}")
    working = ""
    if factors:
        full = line.rule.points * entry.quantity * (scheme.important_weight if entry.important else 1)
        working = f"{_number(line.rule.points)} {' '.join(factors)} = {_number(full)} 分"
    if line.note == CAPPED:
        working += ("；" if working else "") + f"本规则年度上限 {_number(line.rule.yearly_cap)} 分"
    return Explained(line.points, rule_text(line.rule, labels), str(scheme), line.note, working)


@dataclass
class EntryView:
    entry: LedgerEntry
    category: str
    lines: list = field(default_factory=list)
    void_why: str = ""
    correction_why: str = ""
    added_why: str = ""

    @property
    def points(self):
        return sum((line.points for line in self.lines), start=0)


def _last_why(changes, *actions):
    return next((change.why for change in reversed(changes) if change.action in actions), "")


def record_entries(member, year, labels):
    """The year's entries, each with its explained score lines and the office's reasons: three
    queries (entries, their corrections, the score lines with rule and scheme)."""
    entries = list(
        LedgerEntry.objects.filter(member=member, year=year)
        .order_by("date", "pk")
        .prefetch_related(Prefetch("changes", EntryChange.objects.order_by("at", "pk")))
    )
    lines = defaultdict(list)
    for line in ScoreLine.objects.filter(year=year, member=member).select_related("rule", "scheme").order_by("pk"):
        lines[line.entry_id].append(line)
    views = []
    for entry in entries:
        changes = list(entry.changes.all())
        views.append(
            EntryView(
                entry=entry,
                category=labels.get(entry.category, entry.category),
                lines=[explain(line, entry, labels) for line in lines[entry.pk]],
                void_why=_last_why(changes, EntryChange.Action.VOID) if entry.voided else "",
                correction_why=_last_why(changes, EntryChange.Action.CHANGE) if entry.overridden else "",
                added_why=_last_why(changes, EntryChange.Action.ADD) if entry.source == OFFICE else "",
            )
        )
    return views


def by_source(views):
    """[(source label, [EntryView], subtotal)] in the order the sources are registered."""
    grouped = defaultdict(list)
    for view in views:
        grouped[view.entry.source].append(view)
    labels = source_labels()
    order = [*labels, *sorted(set(grouped) - set(labels))]
    return [
        (labels.get(key, key), grouped[key], sum((v.points for v in grouped[key]), start=0))
        for key in order
        if grouped[key]
    ]


def percentage(rate):
    return "—" if rate is None else f"{rate * 100:.1f}%"


def leave_items(member, bound=None, now=None):
    """What the member may still ask leave for, each with its request (if any) and a form;
    `bound` is a LeaveForm that failed, shown with its error and text even if its activity is
    no longer open (too late)."""
    activities, filings = rules.leave_open_for(member, now)
    asked = {}
    if activities or filings:
        mine = rules.leave_requests_of(member).filter(Q(activity__in=activities) | Q(filing__in=filings))
        for leave in mine:
            asked[f"activity:{leave.activity_id}" if leave.activity_id else f"filing:{leave.filing_id}"] = leave
    items = [_item(a, f"activity:{a.pk}", asked) for a in activities] + [
        _item(f, f"filing:{f.pk}", asked) for f in filings
    ]
    items.sort(key=lambda item: item["closes"])
    if bound is not None:
        key = bound.data.get("target")
        item = next((item for item in items if item["key"] == key), None)
        if item is None:
            item = _item(bound.target_object, key, {})
            items.insert(0, item)
        item["form"], item["request"] = bound, None
    return items


def _item(target, key, asked):
    request = asked.get(key)
    show_form = request is None or request.decision == LeaveRequest.Decision.REFUSED
    if isinstance(target, DutyActivity):
        kind, title, when = "履职活动", target.name, timezone.localtime(target.start)
    else:
        group = target.sector.name if target.sector_id else target.party.name
        kind, title, when = "五个一活动", f"{group}五个一活动：{target.theme}", target.activity_date
    return {
        "key": key,
        "kind": kind,
        "title": title,
        "when": when,
        "closes": rules.leave_closes(target),
        "decider": rules.leave_decider_name(target),
        "request": request,
        "form": LeaveForm(initial={"target": key}, auto_id=leave_auto_id(key)) if show_form else None,
    }


def leave_auto_id(key):
    """Each activity's form has its own ids (the page holds several 请假理由 boxes)."""
    return "leave-" + key.replace(":", "-") + "-%s"


def _leave_label(leave):
    if leave.activity_id:
        return leave.activity.name, timezone.localtime(leave.activity.start)
    filing = leave.filing
    group = filing.sector.name if filing.sector_id else filing.party.name
    return f"{group}五个一活动：{filing.theme}", filing.activity_date


def record_context(member, year, leave_form=None, objection_form=None, entry_pk=None):
    labels = category_labels()
    views = record_entries(member, year, labels)
    counted = [v for v in views if not v.entry.voided]
    score = MemberScore.objects.filter(year=year, member=member).select_related("scheme").first()
    scheme = scheme_in_force(year)
    scheme_rules = list(scheme.rules.all()) if scheme else []
    record_year = PerformanceYear.objects.filter(year=year).first()
    frozen = record_year is not None and record_year.is_frozen()
    years = set(LedgerEntry.objects.filter(member=member).order_by("year").values_list("year", flat=True).distinct())
    years = sorted(years | {this_year(), year}, reverse=True)
    if objection_form is None:
        entry_choice = entry_pk if any(str(v.entry.pk) == str(entry_pk) for v in counted) else None
        objection_form = ObjectionForm(initial={"year": year, "entry": entry_choice}, entries=[v.entry for v in views])
    requests = list(rules.in_year(rules.leave_requests_of(member), year))
    for leave in requests:
        leave.label, leave.when = _leave_label(leave)
    return {
        "member": member,
        "year": year,
        "year_form": YearForm(initial={"year": year}, years=years),
        "score": score,
        "rate": percentage(score.rate) if score else "—",
        "stale": score is not None and any(v.entry.updated_at > score.computed_at for v in views),
        "scheme": scheme,
        "scheme_rules": [(rule, labels.get(rule.category, rule.category)) for rule in scheme_rules],
        "low_rate": percentage(scheme.low_participation_rate) if scheme else "",
        "shortlist_rate": percentage(scheme.shortlist_min_rate) if scheme else "",
        "groups": by_source(counted),
        "voided": [v for v in views if v.entry.voided],
        "entry_count": len(counted),
        "record_year": record_year,
        "frozen": frozen,
        "frozen_message": rules.frozen_message(year) if frozen else "",
        "pending": rules.pending_changes_of(member, year) if frozen else [],
        "leave_items": leave_items(member, bound=leave_form),
        "leave_requests": requests,
        "objections": list(rules.objections_of(member, year)),
        "objection_form": objection_form,
    }


def _member_or_refusal(request):
    member = rules.member_of(request.user)
    return member, (None if member is not None else refused(request, NOT_A_MEMBER))


@login_required
def my_record(request):
    member, refusal = _member_or_refusal(request)
    if refusal:
        return refusal
    year = year_param(request.GET.get("year"))
    context = record_context(member, year, entry_pk=request.GET.get("entry"))
    return render(request, "performance/front/record.html", context)


def _back(year, anchor):
    return redirect(f"{reverse('my_record')}?year={year}#{anchor}")


def _leave_target(form):
    kind, pk = form.target_parts()
    model = DutyActivity if kind == "activity" else FiveOnesFiling
    related = ("organiser",) if kind == "activity" else ("sector__contact_committee", "party")
    return get_object_or_404(model.objects.select_related(*related), pk=pk)


@login_required
@require_POST
def request_leave(request):
    member, refusal = _member_or_refusal(request)
    if refusal:
        return refusal
    form = LeaveForm(request.POST, auto_id=leave_auto_id(request.POST.get("target", "")))
    if not form.is_valid() and "target" in form.errors:
        raise Http404("没有这项活动。")
    form.target_object = _leave_target(form) if "target" in form.cleaned_data else None
    year = year_param(request.POST.get("year"))
    if form.is_valid():
        try:
            leave = rules.request_leave(member, form.target_object, form.cleaned_data["reason"])
        except rules.PerformanceError as exc:
            form.add_error("reason", str(exc))
        else:
            decider = rules.leave_decider_name(form.target_object)
            messages.success(request, f"请假申请已提交，等待{decider}审批。")
            return _back(year, f"leave-request-{leave.pk}")
    return render(request, "performance/front/record.html", record_context(member, year, leave_form=form))


@login_required
@require_POST
def raise_objection(request):
    member, refusal = _member_or_refusal(request)
    if refusal:
        return refusal
    year = year_param(request.POST.get("year"))
    entries = list(LedgerEntry.objects.filter(member=member, year=year).order_by("date", "pk"))
    form = ObjectionForm(request.POST, entries=entries)
    if form.is_valid():
        entry = next((e for e in entries if e.pk == form.cleaned_data["entry"]), None)
        try:
            objection = rules.raise_objection(member, year, form.cleaned_data["text"], entry)
        except rules.Refused as exc:
            return refused(request, str(exc))
        except rules.PerformanceError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, "异议已提交，委员联络室核实后会在这里答复。")
            return _back(year, f"objection-{objection.pk}")
    return render(request, "performance/front/record.html", record_context(member, year, objection_form=form))
