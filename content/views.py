from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from wagtail.models import Page

from .cjk import query_terms
from .models import StoryPage, WorkstationPage, WorkstationPostPage

SEARCHABLE = (StoryPage, WorkstationPage, WorkstationPostPage)


def search_pages(query):
    """Live public stories, workstations and posts matching a query, Chinese included."""
    terms = query_terms(query)
    if not terms:
        return Page.objects.none()
    pages = Page.objects.live().public().type(*SEARCHABLE).order_by("-first_published_at")
    # Newest first. Relevance ranking on SQLite runs one FTS match per candidate page, which
    # takes seconds once a word appears on thousands of pages (benchmarks/public_pages.py).
    return pages.search(" ".join(terms), operator="and", order_by_relevance=False)


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = search_pages(query) if query else Page.objects.none()
    paginator = Paginator(results, 10)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(max(paginator.num_pages, 1))
    specific = [page.specific for page in page_obj.object_list]
    return render(
        request,
        "content/search.html",
        {
            "query": query,
            "results": specific,
            "page_obj": page_obj,
            "count": paginator.count,
            "filter_query": urlencode({"q": query}),
        },
    )
