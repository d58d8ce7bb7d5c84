import functools
import operator

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import paginator
from django.db.models import Case, Count, F, IntegerField, Q, When, Window
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from wagtail import views as wagtail_views
from wagtail.models import Page

from .cjk import WORD, query_terms, snippet
from .models import StoryPage, WorkstationPage, WorkstationPostPage
from .serving import prepare_route, restricted_q

# The ?type= filter of the search page, in the order it is offered. Apps above content add their
# page types with register_search_type() from their AppConfig.ready() (content imports nothing above it).
SEARCH_TYPES = {"story": StoryPage, "workstation": WorkstationPage, "post": WorkstationPostPage}


def register_search_type(key, model):
    """Offer `model` (a CJKSearchMixin page with search_body_parts) in the site search as ?type=`key`."""
    SEARCH_TYPES[key] = model


def _shown_date():
    """The date a result shows, from whichever searchable type the page is that has one."""
    return Coalesce(
        *(
            f"{model._meta.model_name}__date"
            for model in SEARCH_TYPES.values()
            if any(field.name == "date" for field in model._meta.concrete_fields)
        )
    )


def _type_ids(model):
    """Content type ids of `model` and of the page types built on it: what .type(model) matches."""
    models = [m for m in apps.get_models() if issubclass(m, model)]
    return sorted(ct.pk for ct in ContentType.objects.get_for_models(*models).values())


def search_pages(query, types=None, *, counted=False, keys_only=False):
    """Live public pages of the given types matching a query, Chinese included, best first:
    pages with more of the query's words in their title, then stories, then the rest, each
    newest first (by the date the page shows).

    `keys_only` leaves on each row its id and type alone, for result_rows to load what each shows
    (a narrower row is also cheaper for the database to sort). `counted` puts on every row how
    many pages match in all (found_total) and of each search type (found_<key>): window counts
    over the whole match, so the page of results brings its counts in the same query instead of
    a per-type count and a paginator's COUNT, each repeating the full-text match.

    Ordering is by plain column expressions, not the backend's relevance score: relevance on
    SQLite runs one FTS match per candidate page, which takes seconds once a word appears on
    thousands of pages (benchmarks/public_pages.py)."""
    types = types or tuple(SEARCH_TYPES.values())
    terms = query_terms(query)
    if not terms:
        return Page.objects.none()
    title_hits = functools.reduce(
        operator.add,
        [
            Case(When(title__icontains=word, then=1), default=0, output_field=IntegerField())
            for word in dict.fromkeys(WORD.findall(query))
        ],
    )
    story_type = ContentType.objects.get_for_model(StoryPage).pk
    is_story = Case(When(content_type_id=story_type, then=1), default=0, output_field=IntegerField())
    shown_date = _shown_date()
    pages = (
        Page.objects.live()
        .exclude(restricted_q())  # .public() from the cached restricted paths: no query of its own
        .type(*types)
        .order_by(
            title_hits.desc(),
            is_story.desc(),
            shown_date.desc(nulls_last=True),
            F("first_published_at").desc(nulls_last=True),
            F("pk").desc(),
        )
    )
    if keys_only:
        pages = pages.only("id", "content_type_id")
    if counted:
        pages = pages.annotate(
            found_total=Window(Count("pk")),
            **{
                f"found_{key}": Window(Count("pk", filter=Q(content_type_id__in=_type_ids(model))))
                for key, model in SEARCH_TYPES.items()
            },
        )
    return pages.search(" ".join(terms), operator="and", order_by_relevance=False)


def type_counts(query):
    """({key: pages of that search type matching `query`}, all matching pages), in one GROUP BY."""
    by_type = search_pages(query).facet("content_type_id")
    counts = {key: sum(by_type.get(pk, 0) for pk in _type_ids(model)) for key, model in SEARCH_TYPES.items()}
    return counts, sum(by_type.values())


PER_PAGE = 10


class CountedPaginator(paginator.Paginator):
    """A Paginator told how many results there are (counted with them): no COUNT query of its own."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


MAX_PAGE = 100_000  # far past any result list; an OFFSET beyond a 64-bit integer is a database error


def page_number(value):
    """The ?page= asked for: a whole number from 1 to MAX_PAGE (a longer one reads as MAX_PAGE),
    else 1. A page past the end shows the last page (results_page)."""
    text = str(value)
    if not text.isdecimal():
        return 1
    return MAX_PAGE if len(text) > 6 else min(max(int(text), 1), MAX_PAGE)


def results_page(query, chosen, number):
    """(counts by type, total, page `number` of the results, of type `chosen` if any), past the
    end the last page. All types: one query, the counts riding on the rows (search_pages(counted=
    True)); a page past the end or a type chosen adds the per-type counts (type_counts)."""
    if not chosen:
        results = search_pages(query, counted=True, keys_only=True)
        rows = list(results[(number - 1) * PER_PAGE : number * PER_PAGE])
        if rows or number == 1:
            counts = {key: getattr(rows[0], f"found_{key}") if rows else 0 for key in SEARCH_TYPES}
            total = rows[0].found_total if rows else 0
            return counts, total, paginator.Page(rows, number, CountedPaginator(results, PER_PAGE, total))
    counts, total = type_counts(query)
    results = search_pages(query, (SEARCH_TYPES[chosen],) if chosen else None, keys_only=True)
    pages = CountedPaginator(results, PER_PAGE, counts[chosen] if chosen else total)
    return counts, total, pages.page(min(number, pages.num_pages))


def result_rows(pages, query):
    """What each search result shows: its type, date, the 委员 or the 工作室 it belongs to, and
    a snippet with the match marked. Loaded a type at a time, so a page of results costs the
    same few queries however many results it has."""
    ids = {}
    for page in pages:
        ids.setdefault(page.specific_class, []).append(page.pk)
    loaded = {}
    if StoryPage in ids:
        loaded.update(
            (p.pk, p) for p in StoryPage.objects.filter(pk__in=ids[StoryPage]).select_related("member__sector")
        )
    if WorkstationPage in ids:
        stations = WorkstationPage.objects.filter(pk__in=ids[WorkstationPage]).select_related("lead_member")
        loaded.update((p.pk, p) for p in stations)
    if WorkstationPostPage in ids:
        posts = list(WorkstationPostPage.objects.filter(pk__in=ids[WorkstationPostPage]).with_workstation_id())
        parents = WorkstationPage.objects.only("title").in_bulk({p.workstation_id for p in posts})
        for post in posts:
            post.workstation = parents.get(post.workstation_id)
            loaded[post.pk] = post
    for model, pks in ids.items():
        if model not in (StoryPage, WorkstationPage, WorkstationPostPage):
            related = getattr(model, "search_select_related", ())
            loaded.update((p.pk, p) for p in model.objects.filter(pk__in=pks).select_related(*related))
    rows = []
    for page in pages:
        result = loaded.get(page.pk)
        if result is None:  # unpublished between the two queries
            continue
        rows.append(
            {
                "page": result,
                "type": result.type_label,
                "date": getattr(result, "date", None),
                "member": getattr(result, "member", None),
                "workstation": getattr(result, "workstation", None),
                "snippet": snippet(" ".join(result.search_body_parts()), query),
            }
        )
    return rows


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    chosen = request.GET.get("type", "")
    if chosen not in SEARCH_TYPES:
        chosen = ""
    if query_terms(query):
        counts, total, page_obj = results_page(query, chosen, page_number(request.GET.get("page", 1)))
    else:
        counts, total, page_obj = {}, 0, CountedPaginator([], PER_PAGE, 0).page(1)
    type_filter = [
        {
            "key": key,
            "label": model._meta.verbose_name,
            "count": counts.get(key, 0),
            "query": urlencode({"q": query, "type": key}),
        }
        for key, model in SEARCH_TYPES.items()
    ]
    return render(
        request,
        "content/search.html",
        {
            "query": query,
            "results": result_rows(page_obj.object_list, query),
            "page_obj": page_obj,
            "count": total,
            "chosen_type": chosen,
            "type_filter": type_filter,
            "all_query": urlencode({"q": query}),
            "filter_query": urlencode({"q": query, **({"type": chosen} if chosen else {})}),
        },
    )


def serve(request, path):
    """Wagtail's page view, with the site and the way to the page's section taken from the
    cache (content/serving.py): a story costs its section and itself, not five lookups."""
    prepare_route(request, path)
    return wagtail_views.serve(request, path)


def robots_txt(request):
    """Crawlers may read the public pages; the admin and the members' forms are not for them."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /forms/",
        "Disallow: /my/",
        "Disallow: /login/",
        "Disallow: /search/",
        "",
        f"Sitemap: {settings.PUBLIC_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the static file."""
    return redirect(static("favicon.ico"), permanent=True)
