from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .admin import HandbookGroup, admin_urls
from .paper_admin import paper_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urls + paper_urls


modeladmin_register(HandbookGroup)
