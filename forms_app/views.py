"""The forms an account may use and what it has filed, whichever of the three it is (界别组长, 委员,
填报单位): shown on 我的工作台 (/my/, notices/my_views.py). /forms/, the old address printed on
paper and in bookmarks, now leads there."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from contacts import rules as contacts
from handbook import publish as handbook_publish
from handbook import rules as handbook
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
    """/forms/ → 我的工作台, where the forms now are."""
    return redirect("my_home")


def forms_context(user):
    """What templates/forms_app/_forms.html shows: this year's filing or where to start, the other
    forms the account may fill, and what it has filed."""
    year = this_year()
    this_year_filing = None
    can_file = five_ones.is_filer(user)
    if can_file:
        this_year_filing = five_ones.existing_filing(year, *five_ones.filer_of(user))
        can_file = five_ones.may_file(this_year_filing)
    return {
        "filings": five_ones.filings_visible_to(user).order_by("-year")[:10],
        "can_file": can_file,
        "this_year": this_year_filing,
        "year": year,
        "can_apply": founding.may_apply(user),
        "can_report_stats": activity_day.units_for(user).exists(),
        "can_register_results": results.may_register(user),
        "has_record": performance.member_of(user) is not None,
        "has_contacts": contacts.member_of(user) is not None,
        "writes_reflections": handbook.member_of(user) is not None,
        "handbooks": handbook_publish.published_for(user),
        "convened_station": stations.convener_station(user),
        "street_group": stations.liaison_group(user),
        "applications": WorkstationApplication.objects.filter(applicant=user).select_related("committee"),
    }
