from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "performance"
    verbose_name = _("履职档案")

    def ready(self):
        # imports: SignInImport, the kept 签到表 uploads; sources: register them, then watch them.
        from . import imports, signals, sources  # noqa: F401

        signals.watch_sources()
