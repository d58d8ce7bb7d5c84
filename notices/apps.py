from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = "通知与提醒"

    def ready(self):
        from content.api import LIST_PREFETCH
        from content.views import register_search_type

        from . import events, review, signals  # noqa: F401  (receivers: who is told what; 活动通知 drafts)
        from .models import NoticePage

        # 通知公告 are found by the site search and listed by the API like stories.
        register_search_type("notice", NoticePage)
        LIST_PREFETCH[NoticePage] = lambda qs: qs.select_related("party")
        # 内容审核 tells reviewers through notify(), after commit, never by mail from the request.
        review.connect()
