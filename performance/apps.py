from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "performance"
    verbose_name = _("履职档案")

    def ready(self):
        from . import signals, sources  # noqa: F401  (register the sources, then watch them)

        signals.watch_sources()
