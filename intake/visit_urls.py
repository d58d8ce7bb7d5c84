"""/forms/visits/: 来访登记 by the members on duty at a 接待日 and the 联系点联络员."""

from django.urls import path

from . import visit_views

urlpatterns = [
    path("", visit_views.visits_home, name="visits_home"),
    path("day/<int:day_id>/new/", visit_views.visit_day_new, name="visit_day_new"),
    path("point/<int:point_id>/new/", visit_views.visit_point_new, name="visit_point_new"),
    path("<int:pk>/convert/", visit_views.visit_convert, name="visit_convert"),
]
