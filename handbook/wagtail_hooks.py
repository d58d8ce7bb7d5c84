from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .admin import HandbookGroup, admin_urls
from .publish_admin import publish_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urls + publish_urls


modeladmin_register(HandbookGroup)
