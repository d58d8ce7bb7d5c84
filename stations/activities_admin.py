"""工作室运行 › 小组活动 and 街道小组半年报告 in the admin.

小组活动: the activities of the groups a user sees (the 专委会工作室 the groups it runs, 委员联络室 and
the leadership all), a year at a time, with attendance counts; writing happens on the front end
(/forms/street-group/activities/), where rules.may_write_group admits the offices too.

半年报告 (halfyear.py holds the rules): 委员联络室 writes the 工作小结, previews the draft (page, PDF,
xlsx) and issues it once the half is over; the leadership reads issued reports (a draft is refused
with a reason). The report names every group's absentees, so a 专委会工作室 reads its groups'
activities here, not the district-wide report. An issued report's PDF is the kept file.

URL names: street_group_activity_list, street_group_reports, street_group_report,
street_group_report_issue, street_group_report_pdf, street_group_report_xlsx."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lianxin_site.dates import this_year, year_param
from lianxin_site.downloads import pdf_response, xlsx_response
from results.admin import forbidden

from . import exports, halfyear, rules, street_activities
from .models import ActivityKind, HalfYear, StreetGroupReport

ACTIVITIES_REFUSAL = "只有委员联络室、负责街道活动小组的专委会工作室和区政协领导可以查看小组活动。"
REPORTS_REFUSAL = "您的账号不能查看街道活动小组半年报告（委员联络室和区政协领导可以查看）。"


def may_list_activities(user):
    return user.is_authenticated and (rules.sees_everything(user) or rules.office_committee(user) is not None)


def _guard(allowed, refusal):
    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                return forbidden(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


@require_GET
@_guard(may_list_activities, ACTIVITIES_REFUSAL)
def activity_list(request):
    year = year_param(request.GET.get("year"))
    groups = list(rules.street_groups_visible_to(request.user).order_by("sort_order", "name"))
    activities = street_activities.activities_visible_to(request.user).filter(date__year=year)
    group_id = request.GET.get("group", "")
    if group_id.isdigit():
        activities = activities.filter(group_id=int(group_id))
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        activities = activities.filter(kind=kind)
    activities = list(activities.select_related("group", "plan_item").order_by("-date", "-pk"))
    counts = street_activities.attendance_counts([a.pk for a in activities])
    writable = {g.pk for g in street_activities.writable_groups(request.user)}
    return TemplateResponse(
        request,
        "stations/activities/admin_list.html",
        {
            "title": f"小组活动 · {year}年",
            "year": year,
            "years": range(this_year(), this_year() - 5, -1),
            "groups": groups,
            "group_id": group_id,
            "kinds": ActivityKind.choices,
            "kind": kind,
            "rows": [(a, counts.get(a.pk, (0, 0, 0)), a.group_id in writable) for a in activities],
        },
    )


# ---------------------------------------------------------------------------
# 半年报告


def _half(year, half):
    if half not in HalfYear.values or not 2000 <= year <= 2100:
        raise Http404("没有这个半年。")
    return year, half


def _readable(request, year, half):
    """(report or None, refusal): a reader who may not write sees issued reports only."""
    report = StreetGroupReport.objects.filter(year=year, half=half).select_related("issued_by").first()
    if halfyear.may_write(request.user) or (report is not None and report.issued):
        return report, ""
    return report, f"{halfyear.report_name(year, half)}尚未出具：出具后才能查看。"


@require_GET
@_guard(halfyear.may_read, REPORTS_REFUSAL)
def report_index(request):
    today = timezone.localdate()
    issued = {(r.year, r.half): r for r in StreetGroupReport.objects.select_related("issued_by")}
    writer = halfyear.may_write(request.user)
    halves = []
    for year in range(today.year, today.year - 4, -1):
        for half in (HalfYear.SECOND, HalfYear.FIRST):
            if halfyear.half_bounds(year, half)[0] > today:
                continue
            report = issued.get((year, half))
            if writer or (report and report.issued):
                halves.append((year, int(half), halfyear.report_name(year, half), report))
    return TemplateResponse(
        request,
        "stations/admin/halfyear_index.html",
        {"title": "街道活动小组半年报告", "halves": halves, "writer": writer},
    )


@require_http_methods(["GET", "POST"])
@_guard(halfyear.may_read, REPORTS_REFUSAL)
def report_page(request, year, half):
    year, half = _half(year, half)
    report, refusal = _readable(request, year, half)
    if refusal:
        return forbidden(request, refusal)
    errors = []
    summary = report.summary if report else ""
    if request.method == "POST":
        summary = request.POST.get("summary", "")
        try:
            halfyear.save_summary(year, half, summary, request.user)
        except rules.StationError as exc:
            errors.append(str(exc))
        else:
            messages.success(request, "工作小结已保存。")
            return redirect("street_group_report", year=year, half=half)
    figures = halfyear.report_figures(report, year, half)
    issued = report is not None and report.issued
    end = halfyear.half_bounds(year, half)[1]
    return TemplateResponse(
        request,
        "stations/admin/halfyear.html",
        {
            "title": halfyear.report_name(year, half),
            "year": year,
            "half": half,
            "report": report,
            "issued": issued,
            "may_write": halfyear.may_write(request.user),
            "figures": figures,
            "kind_totals": list(zip(figures["kinds"], figures["totals"]["by_kind"], strict=True)),
            "summary": summary,
            "errors": errors,
            "half_over": timezone.localdate() > end,
            "end": end,
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@_guard(halfyear.may_write, "只有委员联络室可以出具街道活动小组半年报告。")
def report_issue(request, year, half):
    year, half = _half(year, half)
    if request.method == "POST":
        try:
            halfyear.issue_report(year, half, request.user)
        except rules.StationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{halfyear.report_name(year, half)}已出具。")
        return redirect("street_group_report", year=year, half=half)
    report = StreetGroupReport.objects.filter(year=year, half=half).first()
    return TemplateResponse(
        request,
        "stations/admin/halfyear_issue.html",
        {
            "title": f"出具{halfyear.report_name(year, half)}",
            "year": year,
            "half": half,
            "refusal": halfyear.issue_refusal(report, year, half),
        },
    )


@require_GET
@_guard(halfyear.may_read, REPORTS_REFUSAL)
def report_pdf(request, year, half):
    from . import pdf

    year, half = _half(year, half)
    report, refusal = _readable(request, year, half)
    if refusal:
        return forbidden(request, refusal)
    name = f"{halfyear.report_name(year, half)}.pdf"
    if report is not None and report.issued and report.pdf:
        with report.pdf.open("rb") as kept:
            return pdf_response(request, kept.read(), name)
    return pdf_response(request, pdf.halfyear_pdf(halfyear.report_figures(report, year, half)), name)


@require_GET
@_guard(halfyear.may_read, REPORTS_REFUSAL)
def report_xlsx(request, year, half):
    year, half = _half(year, half)
    report, refusal = _readable(request, year, half)
    if refusal:
        return forbidden(request, refusal)
    figures = halfyear.report_figures(report, year, half)
    return xlsx_response(exports.halfyear_xlsx(figures), f"{halfyear.report_name(year, half)}.xlsx")


urls = [
    path("stations/street-activities/", activity_list, name="street_group_activity_list"),
    path("stations/street-reports/", report_index, name="street_group_reports"),
    path("stations/street-reports/<int:year>/<int:half>/", report_page, name="street_group_report"),
    path("stations/street-reports/<int:year>/<int:half>/issue/", report_issue, name="street_group_report_issue"),
    path("stations/street-reports/<int:year>/<int:half>/report.pdf", report_pdf, name="street_group_report_pdf"),
    path("stations/street-reports/<int:year>/<int:half>/report.xlsx", report_xlsx, name="street_group_report_xlsx"),
]

MENU = [
    ("小组活动", "street_group_activity_list", "date", may_list_activities, 560),
    ("街道小组半年报告", "street_group_reports", "doc-full", halfyear.may_read, 570),
]
MODELADMINS = ()
