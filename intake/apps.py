from django.apps import AppConfig


class IntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = "群众诉求"

    def ready(self):
        from . import signals  # noqa: F401  (区政协办公室's page permissions on the event index)
