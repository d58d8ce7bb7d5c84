"""/mailbox/: the 委员信箱 (write, receipt, status). Mounted in lianxin_site/urls.py."""

from django.urls import path

from . import mailbox_views

urlpatterns = [
    path("", mailbox_views.mailbox, name="mailbox"),
    path("receipt/", mailbox_views.receipt, name="mailbox_receipt"),
    path("status/", mailbox_views.status, name="mailbox_status"),
]
