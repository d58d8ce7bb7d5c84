"""我的工作台 (/my/) and the account's 消息 and 提醒方式 (notices/my_views.py)."""

urlpatterns = []
