from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .admin import HandbookGroup, admin_urls
from .handbook_admin import arrange_urls
from .paper_admin import paper_urls
from .protection import refuse_bulk_action, refuse_page_delete
from .publish_admin import publish_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    # The pool, 录入/导入纸质投稿, the 编排 page and 预览 PDF, then 发布 and 修订再版.
    return admin_urls + paper_urls + arrange_urls + publish_urls


modeladmin_register(HandbookGroup)


# A published handbook's PDF and the stories it picked stay as published (protection.py).
hooks.register("before_bulk_action", refuse_bulk_action)
hooks.register("before_delete_page", refuse_page_delete)
