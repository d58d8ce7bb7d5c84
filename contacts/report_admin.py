"""The admin pages that read 三联系: 落实情况 (the dashboard), 按月汇总 and the half-year report.

Each page reads only office_members(user) (a 专委会工作室 its scope; 委员联络室 and the leadership
the whole roster), builds its tables in contacts.reports and hands them out as HTML, xlsx (one
sheet per table) and, for the half-year report, a PDF. Writing and issuing the report are rules
(rules.save_analysis, rules.issue_report); an issued report is served from what was kept."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.dates import FIRST_YEAR, this_year, year_param
from lianxin_site.downloads import pdf_response, xlsx_response
from people.models import Sector, SpecialCommittee
from people.services import account_of
from results.admin import forbidden

from . import exports, pdf, reports, rules
from .models import HalfYear, HalfYearReport, half_bounds

MODELADMINS = []

DASHBOARD_REFUSAL = (
    "您的账号没有查看“三联系”落实情况的权限。专委会工作室、委员联络室和秘书长、分管副主席、主席会议可以查看。"
)
REPORT_REFUSAL = "您的账号没有查看“三联系”半年报告的权限。委员联络室和秘书长、分管副主席、主席会议可以查看。"


def allowed(test, refusal):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                return forbidden(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def years(chosen):
    return sorted({*range(this_year() + 1, max(FIRST_YEAR, this_year() - 5) - 1, -1), chosen}, reverse=True)


# (GET parameter, label, reference model, the member's field)
FILTERS = (
    ("committee", "专委会", SpecialCommittee, "committee_id"),
    ("sector", "界别", Sector, "sector_id"),
)


def _filters(request, scope):
    """[(name, label, choices, chosen pk or None)] and the member lookups they make. A reader
    without VIEW_ALL (a 专委会工作室) is offered only the 专委会 and 界别 its `scope` members have."""
    chosen, lookups = [], {}
    everyone = request.user.has_perm(rules.VIEW_ALL)
    for name, label, model, field in FILTERS:
        value = request.GET.get(name, "")
        offered = model.objects.all() if everyone else model.objects.filter(pk__in=scope.values(field))
        choices = list(offered.order_by("sort_order", "name").values_list("pk", "name"))
        pk = int(value) if value.isdecimal() and int(value) in dict(choices) else None
        if pk is not None:
            lookups[field] = pk
        chosen.append((name, label, choices, pk))
    return chosen, lookups


def _scope_note(user, count):
    if user.has_perm(rules.VIEW_ALL):
        return f"全体委员 {count} 人。"
    return f"只列出本工作室负责的委员（本专委会委员和所联系界别的委员），共 {count} 人。"


# --- 落实情况 ------------------------------------------------------------------------------------


def _dashboard(request):
    year = year_param(request.GET.get("year"))
    today = timezone.localdate()
    scope = rules.office_members(request.user)
    filters, lookups = _filters(request, scope)
    members = scope.filter(**lookups)
    everyone = request.user.has_perm(rules.VIEW_ALL) and not lookups
    if lookups:
        within = "所选范围内"
    elif request.user.has_perm(rules.VIEW_ALL):
        within = "名册中"
    else:
        within = "本工作室负责的委员中"
    as_of = reports.year_as_of(year, today)
    tables = reports.dashboard_tables(members, year, as_of, everyone, within=within)
    return year, filters, members, tables, as_of


@require_GET
@allowed(rules.may_read_dashboard, DASHBOARD_REFUSAL)
def dashboard(request):
    year, filters, members, tables, as_of = _dashboard(request)
    return render(
        request,
        "contacts/reports/dashboard.html",
        {
            "title": "落实情况",
            "year": year,
            "years": years(year),
            "filters": filters,
            "tables": tables,
            "reach": reports.as_of_text(year, as_of),
            "scope_note": _scope_note(request.user, members.count()),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@allowed(rules.may_read_dashboard, DASHBOARD_REFUSAL)
def dashboard_xlsx(request):
    year, _, _, tables, _ = _dashboard(request)
    return xlsx_response(exports.tables_xlsx(tables), f"三联系落实情况-{year}.xlsx")


# --- 按月汇总 --------------------------------------------------------------------------------------


def _monthly(request):
    """The year, the committee choice (VIEW_ALL only), the scope's name and its table."""
    user = request.user
    year = year_param(request.GET.get("year"))
    as_of = reports.year_as_of(year, timezone.localdate())
    committees = list(SpecialCommittee.objects.order_by("sort_order", "name"))
    choice = None
    if user.has_perm(rules.VIEW_ALL):
        value = request.GET.get("committee", "")
        choice = next((c for c in committees if value.isdecimal() and c.pk == int(value)), None)
        if choice:
            members, committee_ids, name = reports.committee_scope(choice), [choice.pk], _office_name(choice)
        else:
            members, committee_ids, name = rules.office_members(user), [c.pk for c in committees], "全体委员"
    else:
        own = account_of(user).committee
        members = rules.office_members(user)
        committee_ids = [own.pk] if own else []
        name = _office_name(own) if own else "本工作室负责的委员"
    table = reports.monthly_table(members, year, as_of, committee_ids)
    table.title = f"按月汇总（{name}）"
    return year, committees, choice, name, members, table


def _office_name(committee):
    return f"{committee.office}（{committee.name}）" if committee.office else committee.name


@require_GET
@allowed(rules.may_read_dashboard, DASHBOARD_REFUSAL)
def monthly(request):
    year, committees, choice, name, members, table = _monthly(request)
    return render(
        request,
        "contacts/reports/monthly.html",
        {
            "title": "按月汇总",
            "year": year,
            "years": years(year),
            "committees": committees if request.user.has_perm(rules.VIEW_ALL) else None,
            "choice": choice,
            "scope_name": name,
            "subtitle": f"{name} · {year}年",
            "tables": [table],
            "scope_note": _scope_note(request.user, members.count())
            if not choice
            else f"{name}负责的委员 {members.count()} 人。",
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@allowed(rules.may_read_dashboard, DASHBOARD_REFUSAL)
def monthly_xlsx(request):
    year, _, _, name, _, table = _monthly(request)
    return xlsx_response(exports.tables_xlsx([table]), f"三联系按月汇总-{name}-{year}.xlsx")


# --- 半年报告 --------------------------------------------------------------------------------------


def _half(year, half):
    if half not in HalfYear.values or not FIRST_YEAR <= year <= this_year() + 1:
        raise Http404("没有这个半年。")
    return year, half


@require_GET
@allowed(rules.may_read_reports, REPORT_REFUSAL)
def report_index(request):
    """Pick a year and a half; the reports written so far."""
    if "half" in request.GET:
        year = year_param(request.GET.get("year"))
        half = request.GET.get("half", "")
        if half in ("1", "2"):
            return redirect("contacts_report", year=year, half=int(half))
    year = year_param(request.GET.get("year"))
    return render(
        request,
        "contacts/reports/report_index.html",
        {
            "title": "半年报告",
            "year": year,
            "years": years(year),
            "halves": HalfYear.choices,
            "reports": HalfYearReport.objects.select_related("issued_by").order_by("-year", "-half"),
            "may_issue": rules.may_issue_reports(request.user),
        },
    )


def _live_figures(year, half, analysis):
    figures = reports.half_year_figures(year, half, timezone.localdate())
    figures["analysis"] = analysis
    return figures


@require_http_methods(["GET", "POST"])
@allowed(rules.may_read_reports, REPORT_REFUSAL)
def report(request, year, half):
    year, half = _half(year, half)
    found = HalfYearReport.objects.filter(year=year, half=half).select_related("issued_by").first()
    may_issue = rules.may_issue_reports(request.user)
    analysis = found.analysis if found else ""
    errors = []
    if request.method == "POST":
        analysis = request.POST.get("analysis", "")
        try:
            found = rules.save_analysis(year, half, analysis, request.user)
        except rules.Refused as refused:
            return forbidden(request, str(refused))
        except rules.ContactError as error:
            errors = [m for messages_ in error.errors.values() for m in messages_]
        else:
            messages.success(request, "情况分析已保存为草稿。")
            return redirect("contacts_report", year=year, half=half)
    issued = found is not None and found.issued
    if issued:
        figures = found.snapshot
    elif may_issue:
        figures = _live_figures(year, half, analysis)
    else:
        figures = None  # the leadership reads issued reports only
    start, end = HalfYearReport(year=year, half=half).bounds()
    return render(
        request,
        "contacts/reports/report.html",
        {
            "title": reports.report_title(year, half),
            "year": year,
            "half": half,
            "report": found,
            "issued": issued,
            "figures": figures,
            "tables": reports.tables_of(figures) if figures else [],
            "analysis": analysis,
            "errors": errors,
            "may_issue": may_issue,
            "half_over": timezone.localdate() > end,
            "end": end,
        },
    )


@require_http_methods(["GET", "POST"])
@allowed(rules.may_issue_reports, "只有委员联络室可以出具“三联系”半年报告。")
def report_issue(request, year, half):
    """GET: what issuing does, and a 确认出具 button (or why it cannot be issued yet); POST: 出具."""
    year, half = _half(year, half)
    if request.method == "GET":
        start, end = half_bounds(year, half)
        return render(
            request,
            "contacts/reports/issue_confirm.html",
            {
                "title": f"出具{reports.report_title(year, half)}",
                "year": year,
                "half": half,
                "half_label": HalfYear(half).label,
                "start": start,
                "end": end,
                "refusal": rules.issue_refusal(year, half),
            },
        )
    try:
        rules.issue_report(year, half, request.user)
    except rules.ContactError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{reports.report_title(year, half)}已出具，这半年的联系记录已锁定。")
    return redirect("contacts_report", year=year, half=half)


def _readable(request, year, half):
    """The issued report, or (for 委员联络室) the draft's live figures; None when neither."""
    found = HalfYearReport.objects.filter(year=year, half=half).first()
    if found and found.issued:
        return found, found.snapshot
    if rules.may_issue_reports(request.user):
        return found, _live_figures(year, half, found.analysis if found else "")
    return found, None


@require_GET
@allowed(rules.may_read_reports, REPORT_REFUSAL)
def report_pdf(request, year, half):
    year, half = _half(year, half)
    found, figures = _readable(request, year, half)
    if figures is None:
        return forbidden(request, "这半年的报告尚未出具。")
    filename = f"{reports.report_title(year, half)}.pdf"
    if found and found.issued:
        if not found.pdf or not found.pdf.storage.exists(found.pdf.name):
            raise Http404("报告 PDF 已不存在。")
        with found.pdf.open("rb") as kept:
            return pdf_response(request, kept.read(), filename)
    return pdf_response(request, pdf.half_year_pdf(figures), f"{reports.report_title(year, half)}（草稿）.pdf")


@require_GET
@allowed(rules.may_read_reports, REPORT_REFUSAL)
def report_xlsx(request, year, half):
    year, half = _half(year, half)
    found, figures = _readable(request, year, half)
    if figures is None:
        return forbidden(request, "这半年的报告尚未出具。")
    analysis = reports.Table("analysis", "情况分析", ["情况分析"], [[figures.get("analysis", "")]])
    draft = "" if found and found.issued else "（草稿）"
    return xlsx_response(
        exports.tables_xlsx([analysis, *reports.tables_of(figures)]),
        f"{reports.report_title(year, half)}{draft}.xlsx",
    )


urls = [
    path("contacts/dashboard/", dashboard, name="contacts_dashboard"),
    path("contacts/dashboard/xlsx/", dashboard_xlsx, name="contacts_dashboard_xlsx"),
    path("contacts/monthly/", monthly, name="contacts_monthly"),
    path("contacts/monthly/xlsx/", monthly_xlsx, name="contacts_monthly_xlsx"),
    path("contacts/reports/", report_index, name="contacts_reports"),
    path("contacts/reports/<int:year>/<int:half>/", report, name="contacts_report"),
    path("contacts/reports/<int:year>/<int:half>/issue/", report_issue, name="contacts_report_issue"),
    path("contacts/reports/<int:year>/<int:half>/pdf/", report_pdf, name="contacts_report_pdf"),
    path("contacts/reports/<int:year>/<int:half>/xlsx/", report_xlsx, name="contacts_report_xlsx"),
]

MENU = [  # (label, url name, icon, allowed(user), order)
    ("落实情况", "contacts_dashboard", "tasks", rules.may_read_dashboard, 400),
    ("按月汇总", "contacts_monthly", "table", rules.may_read_dashboard, 410),
    ("半年报告", "contacts_reports", "doc-full", rules.may_read_reports, 420),
]
