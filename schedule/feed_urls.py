"""The iCal feeds (schedule/feeds.py): /calendar/all.ics, one per 活动主体, and each account's private
deadline feed."""

urlpatterns = []
