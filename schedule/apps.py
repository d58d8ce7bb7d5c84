from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedule"
    verbose_name = "年度活动安排"

    def ready(self):
        from . import signals  # noqa: F401  (clears the cached calendar page and feeds)
