"""/forms/activity-day-stats/: a reporting unit fills (and corrects, until the deadline) its
委员活动日情况统计表, with the numbers the platform already knows proposed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from lianxin_site.downloads import pdf_response, xlsx_response

from . import rules
from .forms import ReportForm
from .models import ActivityDay, ReportAttachment
from .pdf import unit_pdf_bytes
from .sheets import unit_xlsx


@login_required
def stats_home(request):
    """The activity days the user's units report for, with each unit's status."""
    units = list(rules.units_for(request.user))
    if not units:
        messages.info(request, "你的账号不是任何委员活动日填报单位的填报人。")
        return redirect("forms_home")
    reports = {(r.day_id, r.unit_id): r for r in rules.reports_visible_to(request.user)}
    days = []
    for day in ActivityDay.objects.filter(units__in=units).distinct().order_by("-date").prefetch_related("units"):
        day_units = [u for u in units if u in day.units.all()]
        days.append(
            {
                "day": day,
                "open": rules.is_open(day),
                "units": [(unit, reports.get((day.pk, unit.pk))) for unit in day_units],
            }
        )
    return render(request, "forms_app/activity_day/home.html", {"days": days})


@login_required
@require_http_methods(["GET", "POST"])
def report_form(request, day_id, unit_id):
    day = get_object_or_404(ActivityDay, pk=day_id)
    unit = rules.require_unit(request.user, day, unit_id)
    report = day.reports.filter(unit=unit).first()
    proposals = rules.proposals(day, unit)
    is_open = rules.is_open(day)
    if request.method == "POST" and not is_open:
        messages.error(request, rules.closed_message(day))
    if request.method == "POST" and is_open:
        form = ReportForm(request.POST, request.FILES, unit=unit, proposals=proposals, report=report)
        if form.is_valid():
            try:
                report, created = rules.save_report(
                    day,
                    unit,
                    request.user,
                    form.cleaned_data,
                    form.reasons(),
                    summary=form.cleaned_data["summary"],
                    attachments=form.cleaned_data["attachments"],
                    remove=form.cleaned_data["remove_attachments"],
                )
            except rules.StatsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"{unit.name}的统计表已{'报送' if created else '更正'}。截止日期前还可以更正。"
                )
                return redirect("activity_day_report", day_id=day.pk, unit_id=unit.pk)
    else:
        initial = {}
        if report:
            initial = {field: getattr(report, field) for field in rules.COUNT_FIELDS}
            initial.update({f"reason_{f}": entry.get("reason", "") for f, entry in report.sources.items()})
            initial["summary"] = report.summary
        else:
            initial = {field: proposal.value for field, proposal in proposals.items()}
        form = ReportForm(initial=initial, unit=unit, proposals=proposals, report=report)
    if not is_open:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "forms_app/activity_day/form.html",
        {
            "day": day,
            "unit": unit,
            "report": report,
            "attachments": list(report.attachments.all()) if report else [],
            "form": form,
            "is_open": is_open,
            "files_sent": bool(request.FILES.getlist("attachments")),
            "title": rules.title(unit.variant),
        },
    )


@login_required
def report_pdf(request, day_id, unit_id):
    day = get_object_or_404(ActivityDay, pk=day_id)
    unit = _unit_for_reading(request, day, unit_id)
    report = day.reports.filter(unit=unit).first()
    return pdf_response(request, unit_pdf_bytes(day, unit, report), f"{day.name}-{unit.name}-统计表.pdf")


@login_required
def report_xlsx(request, day_id, unit_id):
    """The unit's table in the paper layout: filled if reported, blank otherwise."""
    day = get_object_or_404(ActivityDay, pk=day_id)
    unit = _unit_for_reading(request, day, unit_id)
    return xlsx_response(
        unit_xlsx(day, unit, day.reports.filter(unit=unit).first()), f"{day.name}-{unit.name}-统计表.xlsx"
    )


@never_cache
@login_required
def attachment_download(request, attachment_id):
    """A 工作小结 attachment, from private storage, for the unit's reporters and the organiser
    (rules.reports_visible_to); anyone else gets 404, as if it did not exist."""
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(report__in=rules.reports_visible_to(request.user)), pk=attachment_id
    )
    if not attachment.file.storage.exists(attachment.file.name):
        raise Http404("附件文件已不存在。")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


def _unit_for_reading(request, day, unit_id):
    if request.user.has_perm("forms_app.roll_up_activity_day"):
        return get_object_or_404(day.units, pk=unit_id)
    return rules.require_unit(request.user, day, unit_id)
