from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = "通知与提醒"

    def ready(self):
        from . import events  # noqa: F401  (tell whoever must act next: notices/events.py)
