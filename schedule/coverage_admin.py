"""年度活动安排 › 下乡进社区安排检查 (S002-11): for a plan year, each 专委会 and 界别 with the number of
下乡进社区 activities it holds (coverage.py says how they count), those with none flagged."""

from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_GET

from lianxin_site.dates import this_year, year_param
from results.admin import forbidden

from . import coverage
from .models import COMMUNITY_KINDS, ScheduleEntry

REFUSAL = "您的账号不能查看年度活动安排检查。"


def may_check(user):
    return user.has_perm("schedule.view_scheduleentry")


@require_GET
def community_check(request):
    if not may_check(request.user):
        return forbidden(request, REFUSAL)
    year = year_param(request.GET.get("year"))
    committees, sectors = coverage.community_coverage(request.user, year)
    years = set(ScheduleEntry.objects.order_by().values_list("year", flat=True).distinct())
    return TemplateResponse(
        request,
        "schedule/admin/community_check.html",
        {
            "year": year,
            "years": sorted(years | {this_year(), this_year() + 1}, reverse=True),
            "tables": [("专委会", "各专委会", committees), ("界别", "各界别组", sectors)],
            "missing": sum(row.missing for row in committees + sectors),
            "kinds": "、".join(str(kind.label) for kind in COMMUNITY_KINDS),
        },
    )


MODELADMINS = ()
MENU = (("下乡进社区安排检查", "schedule_community_check", "warning", may_check, 30),)
urls = [path("schedule/community/", community_check, name="schedule_community_check")]
