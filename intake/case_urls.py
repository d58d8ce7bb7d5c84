"""/forms/cases/: assignees handle their cases; 界别组长 enter their sector's opinions."""

from django.urls import path

from . import case_views

urlpatterns = [
    path("", case_views.cases_home, name="cases_home"),
    path("new/", case_views.case_new, name="case_new"),
    path("<str:number>/", case_views.case_detail, name="case_detail"),
]
