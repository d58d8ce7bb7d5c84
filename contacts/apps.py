from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contacts"
    verbose_name = _("三联系")

    def ready(self):
        # The 履职档案 ledger's 三联系 source. performance (listed before contacts) connected its
        # watchers already; connecting again adds this source's (each has its dispatch_uid).
        from performance import signals

        from . import ledger  # noqa: F401

        signals.watch_sources()
