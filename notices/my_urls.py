"""我的工作台 (/my/) and the account's 消息 and 提醒方式 (notices/my_views.py). /my/record/ is the
members' 履职档案 (performance/), mounted before this in lianxin_site/urls.py."""

from django.urls import path

from . import my_views

urlpatterns = [
    path("", my_views.my_home, name="my_home"),
    path("notices/", my_views.my_notices, name="my_notices"),
    path("notices/<int:pk>/", my_views.open_notice, name="my_notice_open"),
    path("notices/read-all/", my_views.read_all, name="my_notices_read_all"),
    path("notices/settings/", my_views.notice_settings, name="my_notice_settings"),
]
