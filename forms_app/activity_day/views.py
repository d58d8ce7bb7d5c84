"""/forms/activity-day-stats/: a reporting unit fills (and corrects, until the deadline) its
委员活动日情况统计表, with the numbers the platform already knows proposed."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from lianxin_site.spreadsheet import xlsx_response

from . import activity_day as stats
from .activity_day_sheets import unit_xlsx
from .models import ActivityDay
from .pdf import render_pdf


class ReportForm(forms.Form):
    """The table's sixteen numbers, grouped as the paper groups them; a reason beside each number
    the platform proposed, needed only when the number differs from it."""

    GROUPS = [
        ("工作室与委员", stats.LEADING_FIELDS),
        (stats.KIND_GROUP, [field for field, _ in stats.KIND_FIELDS]),
        ("成效", stats.TRAILING_FIELDS),
    ]

    def __init__(self, *args, unit=None, proposals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = proposals or {}
        for field in stats.COUNT_FIELDS:
            message = f"{stats.SHORT[field]}应是不小于 0 的整数。"
            self.fields[field] = forms.IntegerField(
                label=stats.heading(field, unit.variant), min_value=0,
                error_messages={"required": f"请填写{stats.SHORT[field]}（没有请填 0）。", "invalid": message,
                                "min_value": message},
                widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            )
            if field in self.proposals:
                self.fields[f"reason_{field}"] = forms.CharField(
                    label="与平台数据不同的原因", required=False, max_length=300,
                )

    def groups(self):
        return [
            (title, [(self[field], self[f"reason_{field}"] if field in self.proposals else None,
                      self.proposals.get(field)) for field in fields])
            for title, fields in self.GROUPS
        ]

    def clean(self):
        data = super().clean()
        if any(field not in data for field in stats.COUNT_FIELDS):
            return data
        for field, messages_ in stats.check_counts(data).items():
            for message in messages_:
                self.add_error(field, message)
        for field, proposal in self.proposals.items():
            if data.get(field) != proposal.value and not (data.get(f"reason_{field}") or "").strip():
                self.add_error(f"reason_{field}", f"平台数据为 {proposal.value}，你填的是 {data[field]}：请说明原因。")
        return data

    def reasons(self):
        return {field: self.cleaned_data.get(f"reason_{field}", "") for field in self.proposals}


@login_required
def stats_home(request):
    """The activity days the user's units report for, with each unit's status."""
    units = list(stats.units_for(request.user))
    if not units:
        messages.info(request, "你的账号不是任何委员活动日填报单位的填报人。")
        return redirect("forms_home")
    reports = {(r.day_id, r.unit_id): r for r in stats.reports_visible_to(request.user)}
    days = []
    for day in ActivityDay.objects.filter(units__in=units).distinct().order_by("-date").prefetch_related("units"):
        day_units = [u for u in units if u in day.units.all()]
        days.append({"day": day, "open": stats.is_open(day),
                     "units": [(unit, reports.get((day.pk, unit.pk))) for unit in day_units]})
    return render(request, "forms_app/activity_day/home.html", {"days": days})


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, day_id, unit_id):
    day = get_object_or_404(ActivityDay, pk=day_id)
    unit = stats.require_unit(request.user, day, unit_id)
    report = day.reports.filter(unit=unit).first()
    proposals = stats.proposals(day, unit)
    is_open = stats.is_open(day)
    if request.method == "POST" and not is_open:
        messages.error(request, f"{day.name}的统计表已于 {day.deadline:%Y年%m月%d日} 截止报送，不能再修改；如需更正，请联系委员联络室。")
    if request.method == "POST" and is_open:
        form = ReportForm(request.POST, unit=unit, proposals=proposals)
        if form.is_valid():
            try:
                report, created = stats.save_report(
                    day, unit, request.user, form.cleaned_data, form.reasons()
                )
            except stats.StatsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{unit.name}的统计表已{'报送' if created else '更正'}。截止日期前还可以更正。")
                return redirect("activity_day_report", day_id=day.pk, unit_id=unit.pk)
    else:
        initial = {}
        if report:
            initial = {field: getattr(report, field) for field in stats.COUNT_FIELDS}
            initial.update({f"reason_{f}": entry.get("reason", "") for f, entry in report.sources.items()})
        else:
            initial = {field: proposal.value for field, proposal in proposals.items()}
        form = ReportForm(initial=initial, unit=unit, proposals=proposals)
    if not is_open:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "forms_app/activity_day/form.html", {
        "day": day, "unit": unit, "report": report, "form": form, "is_open": is_open,
        "title": stats.TITLES[unit.variant],
    })


def unit_pdf_bytes(day, unit, report):
    return render_pdf("forms_app/activity_day/pdf_unit.html", {
        "day": day, "unit": unit, "report": report, "title": stats.TITLES[unit.variant],
        "columns": table_columns(unit.variant),
        "pdf_rows": [{"values": [getattr(report, f) for f in stats.COUNT_FIELDS] if report else [""] * len(stats.COUNT_FIELDS)}],
    })


def table_columns(variant):
    """The table's header for templates: (leading headings, kind headings, trailing headings)."""
    return {
        "leading": [stats.heading(f, variant) for f in stats.LEADING_FIELDS],
        "kinds": [stats.heading(f, variant) for f, _ in stats.KIND_FIELDS],
        "trailing": [stats.heading(f, variant) for f in stats.TRAILING_FIELDS],
        "group": stats.KIND_GROUP,
    }


@login_required
def report_pdf(request, day_id, unit_id):
    day = get_object_or_404(ActivityDay, pk=day_id)
    unit = _unit_for_reading(request, day, unit_id)
    report = day.reports.filter(unit=unit).first()
    response = HttpResponse(unit_pdf_bytes(day, unit, report), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("download") == "1", f"{day.name}-{unit.name}-统计表.pdf")
    return response


@login_required
def report_xlsx(request, day_id, unit_id):
    """The unit's table in the paper layout: filled if reported, blank otherwise."""
    day = get_object_or_404(ActivityDay, pk=day_id)
    unit = _unit_for_reading(request, day, unit_id)
    return xlsx_response(unit_xlsx(day, unit, day.reports.filter(unit=unit).first()), f"{day.name}-{unit.name}-统计表.xlsx")


def _unit_for_reading(request, day, unit_id):
    if request.user.has_perm("forms_app.roll_up_activity_day"):
        return get_object_or_404(day.units, pk=unit_id)
    return stats.require_unit(request.user, day, unit_id)
