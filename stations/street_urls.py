"""The 街道小组联络员's front end, /forms/street-group/: 一街一策 (street_views), activities,
attendance and 签到表 (activity_views)."""

from . import activity_views, street_views

urlpatterns = street_views.urlpatterns + activity_views.urlpatterns
