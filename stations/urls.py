"""The 召集人's front end, /forms/station/: 发动态, 计划, 我的提交 (convener_views), 季度例会 and
履职日志 (records_views)."""

from . import convener_views, records_views

urlpatterns = convener_views.urlpatterns + records_views.urlpatterns
