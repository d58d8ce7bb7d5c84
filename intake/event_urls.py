"""/events/: the sign-up for a 请群众走进政协 event, its receipt, and the result lookup."""

from django.urls import path

from . import event_views

urlpatterns = [
    path("result/", event_views.event_result, name="event_result"),
    path("<str:event_id>/signup/", event_views.event_signup, name="event_signup"),
    path("<str:event_id>/signup/done/", event_views.event_signup_done, name="event_signup_done"),
]
