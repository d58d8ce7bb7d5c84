"""The front end of the 履职档案, under /my/record/: 我的履职档案, 请假 and 异议."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_record, name="my_record"),
    path("leave/", views.request_leave, name="my_record_leave"),
    path("objection/", views.raise_objection, name="my_record_objection"),
]
