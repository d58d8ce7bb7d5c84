"""Lists in the 履职档案 admin: the 履职排名 (MemberScore by total, with rank and filters) and the
参加活动较少 list (rules.is_low_participation under the scheme in force), each scoped by
rules.records_visible_to; the 零成果 list is the 履职成果 registry's, linked from here.

Both read the scores in a fixed number of queries, whatever the number of members.

REPORT_MENU: [(label, url name, icon, allowed(user), order)] for the 履职档案 admin menu."""

from functools import wraps

from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from lianxin_site.dates import year_param
from people.models import Party, Sector, SpecialCommittee, StreetGroup
from results.admin import forbidden

from . import rules
from .admin import record_url, years
from .models import MemberScore
from .scoring import scheme_in_force

REFUSAL = "您的账号没有查看履职排名的权限。如需查看，请联系系统管理员调整角色。"

# (GET parameter, label, reference model, the member's field)
FILTERS = (
    ("sector", "界别", Sector, "member__sector_id"),
    ("party", "党派", Party, "member__party_id"),
    ("committee", "专委会", SpecialCommittee, "member__committee_id"),
    ("group", "街道活动小组", StreetGroup, "member__street_group_id"),
)


def allowed(test):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                return forbidden(request, REFUSAL)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _filters(request):
    """[(name, label, choices, chosen pk or None)] and the lookups they make."""
    chosen, lookups = [], {}
    for name, label, model, field in FILTERS:
        value = request.GET.get(name, "")
        pk = int(value) if value.isdecimal() else None
        choices = list(model.objects.order_by("pk").values_list("pk", "name"))
        if pk is not None and pk in dict(choices):
            lookups[field] = pk
        else:
            pk = None
        chosen.append((name, label, choices, pk))
    return chosen, lookups


def scores_in_scope(user, year, lookups):
    """The year's MemberScores of the members the user may read, highest total first."""
    return (
        MemberScore.objects.filter(year=year, member__in=rules.records_visible_to(user), **lookups)
        .select_related("member__sector", "member__party", "member__committee", "member__street_group", "scheme")
        .order_by("-total", "member__code")
    )


def _rate_text(score):
    rate = score.rate
    return "—" if rate is None else f"{rate:.0%}"


def _context(request, title):
    year = year_param(request.GET.get("year"))
    filters, lookups = _filters(request)
    scores = list(scores_in_scope(request.user, year, lookups))
    scheme = scheme_in_force(year)
    return (
        year,
        scheme,
        scores,
        {
            "title": title,
            "year": year,
            "years": years(),
            "filters": filters,
            "scheme": scheme,
            "computed": scores[0].computed_at if scores else None,
            "scope_note": "" if request.user.has_perm(rules.VIEW_ALL) else "只列出您有权查看的委员。",
            "zero_url": f"{reverse('results_zero')}?mode=none&year={year}",
            "query": request.GET.urlencode(),
        },
    )


def _row(rank, score, year):
    return {
        "rank": rank,
        "score": score,
        "member": score.member,
        "rate": _rate_text(score),
        "url": record_url(score.member, year),
    }


@require_GET
@allowed(rules.may_read_rankings)
def ranking(request):
    year, scheme, scores, context = _context(request, "履职排名")
    context["rows"] = [_row(rank, score, year) for rank, score in rules.ranked(scores)]
    context["low_count"] = sum(1 for s in scores if scheme and rules.is_low_participation(s, scheme))
    return render(request, "performance/admin/ranking.html", context)


@require_GET
@allowed(rules.may_read_rankings)
def low_participation(request):
    year, scheme, scores, context = _context(request, "参加活动较少的委员")
    low = [s for s in scores if scheme and rules.is_low_participation(s, scheme)]
    low.sort(key=lambda s: (s.rate, s.member.code))
    context["rows"] = [_row(None, score, year) for score in low]
    context["threshold"] = f"{scheme.low_participation_rate:.0%}" if scheme else ""
    return render(request, "performance/admin/low_participation.html", context)


report_urls = [
    path("performance/ranking/", ranking, name="performance_ranking"),
    path("performance/low-participation/", low_participation, name="performance_low_participation"),
]

REPORT_MENU = [
    ("履职排名", "performance_ranking", "list-ol", rules.may_read_rankings, 200),
    ("参加活动较少", "performance_low_participation", "warning", rules.may_read_rankings, 210),
]
