from django.apps import AppConfig


class LianxinSiteConfig(AppConfig):
    name = "lianxin_site"
    verbose_name = "站点"

    def ready(self):
        from . import checks, committee  # noqa: F401  (registers the system checks)
