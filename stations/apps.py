from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stations"
    verbose_name = _("工作室运行")

    def ready(self):
        # The convener groups follow Profile.workstation (signals), and the 履职档案 ledger's
        # street-group source (ledger); performance connected its watchers already, connecting
        # again adds this source's (each has its dispatch_uid).
        from performance import signals as performance_signals

        from . import ledger, signals  # noqa: F401

        performance_signals.watch_sources()
