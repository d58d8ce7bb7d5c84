"""Headless delivery (Wagtail API v2) for TV, newspaper, WeChat and the committee website.

/api/v2/pages/?type=content.StoryPage&fields=*&sector=<id>&party=<id>
/api/v2/pages/?type=content.WorkstationPostPage&fields=*&workstation=<id>
Members are serialised by content.models.public_member: never the phone or 委员证号.
"""

import hashlib

from django.db.models import Subquery, Value
from django.db.models.functions import Concat
from rest_framework.filters import BaseFilterBackend
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from lianxin_site.cache import computed_once_per_publish

from .cjk import query_terms
from .images import public_images
from .models import StoryPage, WorkstationPage, WorkstationPostPage


def _id(request, name):
    value = request.GET.get(name)
    if value is None:
        return None
    if not value.isdecimal():
        raise BadRequestError(f"{name} 应为数字 id")
    return int(value)


class ContentFilter(BaseFilterBackend):
    """?sector= and ?party= (the story's member, or the workstation's lead member and
    basis), ?workstation= (a post's workstation)."""

    def filter_queryset(self, request, queryset, view):
        sector, party, workstation = (_id(request, n) for n in ("sector", "party", "workstation"))
        if sector is None and party is None and workstation is None:
            return queryset
        model = queryset.model
        if workstation is not None:
            if model is not WorkstationPostPage:
                raise BadRequestError("workstation 过滤只用于 type=content.WorkstationPostPage")
            queryset = queryset.filter(**station_subtree(workstation))
        if model is StoryPage:
            if sector is not None:
                queryset = queryset.filter(member__sector_id=sector)
            if party is not None:
                queryset = queryset.filter(member__party_id=party)
        elif model is WorkstationPage:
            if sector is not None:
                queryset = queryset.filter(sector_id=sector) | queryset.filter(lead_member__sector_id=sector)
            if party is not None:
                queryset = queryset.filter(lead_member__party_id=party)
        elif sector is not None or party is not None:
            raise BadRequestError("sector / party 过滤只用于 type=content.StoryPage 或 content.WorkstationPage")
        return queryset


def station_subtree(station_id):
    """The filter for the posts of a station: the tree range of its children (a 动态 sits right
    under its 委员工作室, and nothing else does), the station's path read in the same query.

    The list's default order is the tree path, so the range is both the filter and the order: the
    database reads the page's 20 posts from the path index and stops. Filtered on the post's
    `station` link instead, SQLite took the (station, date) index, read every post of the station
    and sorted them by path (5,000 posts a station: 5 ms of a 20 ms list)."""
    station_path = Page.objects.filter(pk=station_id).order_by().values("path")[:1]
    return {
        "path__gt": Subquery(station_path),
        "path__lte": Concat(Subquery(station_path), Value("Z" * Page.steplen)),
    }


class CJKSearchFilter(SearchFilter):
    """?search= matched the way the site's search box matches Chinese (content/cjk.py)."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        terms = query_terms(request.GET["search"])
        if not terms:
            return queryset.none()
        if "order" not in request.GET:
            queryset = queryset.order_by("-first_published_at")  # as the search page does
        try:
            return get_search_backend().search(" ".join(terms), queryset, operator="and", order_by_relevance=False)
        except (FilterFieldError, OrderByFieldError) as exc:
            raise BadRequestError(f"搜索时不能按 {exc.field_name} 过滤或排序") from exc


class PublishedCountPagination(WagtailPagination):
    """Wagtail's limit/offset pages, with meta.total_count counted once per publish for each
    query (the same filters, search and order on the same host) instead of a count over every
    matching page on each request: the public lists change only when pages are published,
    unpublished or moved, which clears the public cache (content/signals.py)."""

    PAGING = {"offset", "limit", "fields", "format"}

    def paginate_queryset(self, queryset, request, view=None):
        query = sorted((name, value) for name, value in request.GET.lists() if name not in self.PAGING)
        digest = hashlib.sha256(repr((request.get_host(), query)).encode()).hexdigest()
        count = computed_once_per_publish(f"lianxin:api-count:{digest}", queryset.count)
        return super().paginate_queryset(KnownCount(queryset, count), request, view)


class KnownCount:
    """A queryset (or search results) whose count is already known: all Wagtail's pagination asks
    of it is count() and a slice."""

    def __init__(self, queryset, count):
        self.queryset, self.known = queryset, count

    def count(self):
        return self.known

    def __getitem__(self, key):
        return self.queryset[key]


class ContentPagesAPIViewSet(PagesAPIViewSet):
    pagination_class = PublishedCountPagination
    filter_backends = [
        ContentFilter,
        *(CJKSearchFilter if f is SearchFilter else f for f in PagesAPIViewSet.filter_backends),
    ]

    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(["sector", "party", "workstation"])

    def get_queryset(self):
        model = single_type(self.request)
        if model in LIST_PREFETCH:
            # The public pages of that type, filtered on the type's own query: Wagtail's own
            # `type.objects.filter(pk__in=<every public page of the site>)` builds that whole set on
            # each request, so a list of 20 grows with every page of the site.
            queryset = get_public_pages_queryset(self.request, model=model)
        else:
            queryset = super().get_queryset()
        prefetch = LIST_PREFETCH.get(queryset.model)
        return prefetch(queryset.select_related("locale")) if prefetch else queryset


def single_type(request):
    """The page model of ?type= when it names exactly one, else None (Wagtail then answers)."""
    try:
        models = page_models_from_string(request.GET.get("type") or "")
    except (LookupError, ValueError):
        return None
    return models[0] if len(models) == 1 else None


# What each type's fields read, loaded once per list rather than once per item.
LIST_PREFETCH = {
    StoryPage: lambda qs: qs.with_card_data().prefetch_related("tags"),
    WorkstationPage: lambda qs: qs.select_related(
        "lead_member__sector", "lead_member__party", "lead_member__committee", "lead_member__photo", "sign_photo"
    ).prefetch_related(
        "lead_member__photo__renditions",
        "sign_photo__renditions",
        "photos__image__renditions",
        "plan_items",
        "members__sector",
        "members__party",
        "members__committee",
        "members__photo__renditions",
    ),
    WorkstationPostPage: lambda qs: (
        qs.with_workstation_id()
        .select_related("cover")
        .prefetch_related("cover__renditions", "pictures__image__renditions")
    ),
}


class PublicImagesAPIViewSet(ImagesAPIViewSet):
    """Only the images live public pages show (content/images.py): not the portraits of members
    without a public page, nor the pictures of drafts."""

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=public_images().values("pk"))


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ContentPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
