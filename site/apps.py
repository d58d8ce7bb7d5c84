from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class LianxinSiteConfig(AppConfig):
    name = "lianxin_site"
    verbose_name = "站点"

    def ready(self):
        from . import checks, committee  # noqa: F401  (registers the system checks)
        from .admin_names import name_wagtail_rows_after_migrate

        # This app has no models, so Django sends it no post_migrate: follow Wagtail's, whose rows these are.
        post_migrate.connect(name_wagtail_rows_after_migrate, sender=apps.get_app_config("wagtailcore"))
