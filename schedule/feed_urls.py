"""The iCal feeds (schedule/feeds.py): /calendar/all.ics, one per 活动主体, and each account's private
deadline feed. /calendar/ itself is the CalendarPage, served by Wagtail."""

from django.urls import path

from . import feeds

urlpatterns = [
    path("all.ics", feeds.all_feed, name="calendar_all"),
    # Before the body pattern: "my" is not a kind.
    path("my/", feeds.my_feed, name="calendar_my_feed"),
    path("my/<str:token>.ics", feeds.private_feed, name="calendar_private_feed"),
    # committee|sector|party|street/<id>.ics, or group/<fixed kind>.ics (feeds.py's docstring).
    path("<str:kind>/<str:key>.ics", feeds.body_feed, name="calendar_body"),
]
