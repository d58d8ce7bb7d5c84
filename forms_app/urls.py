from django.urls import path

from . import views
from .activity_day import views as activity_day
from .five_ones import views as five_ones
from .founding import views as founding

urlpatterns = [
    path("", views.forms_home, name="forms_home"),
    path("five-ones/", five_ones.FiveOnesWizard.as_view(), name="five_ones_wizard"),
    path("five-ones/<int:pk>/", five_ones.five_ones_detail, name="five_ones_detail"),
    path("five-ones/<int:pk>/pdf/", five_ones.five_ones_pdf, name="five_ones_pdf"),
    path("five-ones/<int:pk>/attendance/", five_ones.five_ones_attendance, name="five_ones_attendance"),
    path(
        "workstation-application/",
        founding.WorkstationApplicationWizard.as_view(),
        name="workstation_application_wizard",
    ),
    path("workstation-application/<int:pk>/", founding.application_detail, name="workstation_application_detail"),
    path("workstation-application/<int:pk>/pdf/", founding.application_pdf, name="workstation_application_pdf"),
    path("activity-day-stats/", activity_day.stats_home, name="activity_day_home"),
    path("activity-day-stats/<int:day_id>/<int:unit_id>/", activity_day.report_form, name="activity_day_report"),
    path("activity-day-stats/<int:day_id>/<int:unit_id>/pdf/", activity_day.report_pdf, name="activity_day_report_pdf"),
    path(
        "activity-day-stats/<int:day_id>/<int:unit_id>/xlsx/", activity_day.report_xlsx, name="activity_day_report_xlsx"
    ),
    path(
        "activity-day-stats/attachment/<int:attachment_id>/",
        activity_day.attachment_download,
        name="activity_day_attachment",
    ),
]
