from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "委员名册"

    def ready(self):
        from . import roster_export  # noqa: F401  (registers the "roster_export" job kind in every process)
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
