"""Work the worker (jobs/) does for the site's pages: rebuilding the search index (Wagtail's
`update_index`), which reads every page and takes minutes on a large site. A superuser starts it
from 设置 › 重建搜索索引 (content/search_admin.py) and watches its page."""

import io

from django.core.management import call_command

from jobs.registry import job_kind


@job_kind("search_rebuild", label="重建搜索索引")
def rebuild_search_index(job, progress):
    from wagtail.models import Page

    progress.reset(total=1)
    progress.note("正在重建搜索索引")
    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
    progress.update(1)
    pages = Page.objects.filter(depth__gt=1).count()
    return {"message": f"搜索索引已重建，共 {pages:,} 个页面。"}
