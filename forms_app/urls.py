from django.urls import path

from . import activity_day_views, founding_views, views

urlpatterns = [
    path("", views.forms_home, name="forms_home"),
    path("five-ones/", views.FiveOnesWizard.as_view(), name="five_ones_wizard"),
    path("five-ones/<int:pk>/", views.five_ones_detail, name="five_ones_detail"),
    path("five-ones/<int:pk>/pdf/", views.five_ones_pdf, name="five_ones_pdf"),
    path("five-ones/<int:pk>/attendance/", views.five_ones_attendance, name="five_ones_attendance"),
    path("workstation-application/", founding_views.WorkstationApplicationWizard.as_view(),
         name="workstation_application_wizard"),
    path("workstation-application/<int:pk>/", founding_views.application_detail, name="workstation_application_detail"),
    path("activity-day-stats/", activity_day_views.stats_home, name="activity_day_home"),
    path("activity-day-stats/<int:day_id>/<int:unit_id>/", activity_day_views.report_form, name="activity_day_report"),
    path("activity-day-stats/<int:day_id>/<int:unit_id>/pdf/", activity_day_views.report_pdf, name="activity_day_report_pdf"),
    path("activity-day-stats/<int:day_id>/<int:unit_id>/xlsx/", activity_day_views.report_xlsx,
         name="activity_day_report_xlsx"),
    path("workstation-application/<int:pk>/pdf/", founding_views.application_pdf, name="workstation_application_pdf"),
]
