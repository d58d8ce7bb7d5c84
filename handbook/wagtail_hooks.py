from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .admin import HandbookGroup, admin_urls
from .handbook_admin import arrange_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urls


hooks.register("register_admin_urls", lambda: arrange_urls)  # the 编排 page and 预览 PDF
modeladmin_register(HandbookGroup)
