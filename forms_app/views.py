"""/forms/: the front-end home of the paper forms. It shows each account the forms it can fill
and what it has filed, whichever of the three it is (界别组长, 委员, 填报单位)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from contacts import rules as contacts
from lianxin_site.dates import this_year
from performance import rules as performance
from results import rules as results
from stations import rules as stations

from .activity_day import rules as activity_day
from .five_ones import rules as five_ones
from .founding import rules as founding
from .models import WorkstationApplication


@login_required
def forms_home(request):
    """The account's entry page: this year's filing, or where to start."""
    user = request.user
    year = this_year()
    this_year_filing = None
    can_file = five_ones.is_filer(user)
    if can_file:
        this_year_filing = five_ones.existing_filing(year, *five_ones.filer_of(user))
        can_file = five_ones.may_file(this_year_filing)
    return render(
        request,
        "forms_app/home.html",
        {
            "filings": five_ones.filings_visible_to(user).order_by("-year")[:10],
            "can_file": can_file,
            "this_year": this_year_filing,
            "year": year,
            "can_apply": founding.may_apply(user),
            "can_report_stats": activity_day.units_for(user).exists(),
            "can_register_results": results.may_register(user),
            "has_record": performance.member_of(user) is not None,
            "has_contacts": contacts.member_of(user) is not None,
            "convened_station": stations.convener_station(user),
            "street_group": stations.liaison_group(user),
            "applications": WorkstationApplication.objects.filter(applicant=user).select_related("committee"),
        },
    )
