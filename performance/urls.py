"""The front end of the 履职档案, under /my/record/: 我的履职档案, 请假, 异议 and its PDF."""

from django.urls import path

from . import exports, views

urlpatterns = [
    path("", views.my_record, name="my_record"),
    path("leave/", views.request_leave, name="my_record_leave"),
    path("objection/", views.raise_objection, name="my_record_objection"),
    path("pdf/", exports.my_record_pdf, name="performance_my_record_pdf"),
]
