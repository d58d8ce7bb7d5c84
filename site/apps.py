from django.apps import AppConfig


class LianxinSiteConfig(AppConfig):
    name = "lianxin_site"
    verbose_name = "站点"
