from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "公开内容"

    def ready(self):
        from . import signals  # noqa: F401
        from .public_url import sync_site_after_migrate
        from .workflow import ensure_workflow_after_migrate

        post_migrate.connect(ensure_workflow_after_migrate, sender=self)
        post_migrate.connect(sync_site_after_migrate, sender=self)
