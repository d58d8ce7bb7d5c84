"""What serving a public page looks up on every request, kept in the shared cache.

Wagtail finds a page in five queries before it renders anything: the Site for the host, the
home page made specific, the section among its children, the section made specific, the page;
then two more for view restrictions (the page's ancestors, then their restrictions), and one
for each `.public()` list on the page (every restriction with its page). Almost none of that
changes between requests, so it is kept here, in two cache entries:

- the Site for each host and port, with its home page and the live sections under it (the
  specific pages, by slug), so /stories/<slug>/ fetches the story and nothing else on the way;
- the tree paths of the pages that carry a view restriction, so pages outside them skip the
  restriction queries and `.public()` filters without a query.

They live in the `default` cache (shared by every app server) for a minute at most, and are
forgotten, now and again when the transaction commits, whenever what it holds may change: a
Site saved or deleted, a view restriction saved or deleted, a page published, unpublished,
moved, deleted or made an alias. Anything it cannot answer falls back to Wagtail's own lookups.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from lianxin_site.cache import clear_public_cache

RESTRICTIONS_KEY = "lianxin:serving:restrictions"
SITES_KEY = "lianxin:serving:sites"
STATE_SECONDS = 60  # bounds a lookup that raced a change (read before it committed, stored after)


def _restricted_paths():
    """(paths of pages with a view restriction, the same plus aliases of those pages).

    Wagtail checks an alias against its original's restrictions, so a page is checked if it or
    an ancestor is restricted or is an alias (of an alias …) of a restricted page."""
    restricted = dict(PageViewRestriction.objects.values_list("page_id", "page__path"))
    checked = dict(restricted)
    while True:
        aliases = dict(
            Page.objects.filter(alias_of_id__in=list(checked)).exclude(pk__in=list(checked)).values_list("pk", "path")
        )
        if not aliases:
            break
        checked.update(aliases)
    return tuple(sorted(set(restricted.values()))), tuple(sorted(set(checked.values())))


def restrictions():
    """{"restricted": paths, "checked": paths} (see _restricted_paths), from the cache."""
    state = cache.get(RESTRICTIONS_KEY)
    if state is None:
        restricted, checked = _restricted_paths()
        state = {"restricted": restricted, "checked": checked}
        cache.set(RESTRICTIONS_KEY, state, STATE_SECONDS)
    return state


def forget_serving_state(**kwargs):
    """Drop the cached lookups now, and again once the transaction commits (a request that read
    the tables before the commit may have stored what it read meanwhile)."""
    cache.delete_many([RESTRICTIONS_KEY, SITES_KEY])
    transaction.on_commit(lambda: cache.delete_many([RESTRICTIONS_KEY, SITES_KEY]))


def restricted_q():
    """Pages inside a section with a view restriction (Wagtail's PageQuerySet.private_q), from
    the cached paths instead of a query for every restriction."""
    paths = restrictions()["restricted"]
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return q if paths else Q(pk__in=[])


def may_have_view_restrictions(page):
    """False when no restriction can apply to `page`: neither it nor an ancestor is restricted or
    an alias of a restricted page (a tree path is its ancestors' paths followed by its own step)."""
    return any(page.path.startswith(path) for path in restrictions()["checked"])


def _site_entry(request):
    """(Site with its specific home page, {slug: specific page} of the live sections under it).
    Their own fields are as fresh as the entry: it is forgotten whenever any page is published."""
    host = split_domain_port(request._get_raw_host())[0]
    key = f"{host}:{request.get_port()}"
    sites = cache.get(SITES_KEY) or {}
    entry = sites.get(key)
    if entry is None:
        site = Site._find_for_request(request)
        sections = {}
        if site is not None:
            site.root_page = site.root_page.specific  # the home page, ready to route and render
            sections = {page.slug: page for page in site.root_page.get_children().live().specific()}
        entry = sites[key] = (site, sections)
        cache.set(SITES_KEY, sites, STATE_SECONDS)
    return entry


def site_for_request(request):
    """Site.find_for_request from the cache: the same Site, without a query on each request."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = _site_entry(request)[0]
    return request._wagtail_site


def prepare_route(request, path):
    """Route `path` as Wagtail would, starting at the section instead of the site's home page,
    and leave the result where Page.route_for_request looks first. Paths outside a known section
    (the home page itself, other sites) are left to Wagtail."""
    site, sections = _site_entry(request)
    request._wagtail_site = site
    components = [component for component in path.split("/") if component]
    if site is None or not components or components[0] not in sections:
        return
    section = sections[components[0]]
    try:
        request._wagtail_route_for_request = section.route(request, components[1:])
    except Http404:
        request._wagtail_route_for_request = None


def _forget_on_alias(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.alias_of_id:
        forget_serving_state()


def _forget_on_page_delete(sender, **kwargs):
    if issubclass(sender, Page):
        forget_serving_state()


def _restrictions_changed(**kwargs):
    """A page that just became private may sit in the page cache: clear it with the lookups."""
    forget_serving_state()
    clear_public_cache()


page_published.connect(forget_serving_state, dispatch_uid="lianxin-serving-publish")
page_unpublished.connect(forget_serving_state, dispatch_uid="lianxin-serving-unpublish")
post_page_move.connect(forget_serving_state, dispatch_uid="lianxin-serving-move")
post_save.connect(forget_serving_state, sender=Site, dispatch_uid="lianxin-serving-site-save")
post_delete.connect(forget_serving_state, sender=Site, dispatch_uid="lianxin-serving-site-delete")
post_save.connect(_restrictions_changed, sender=PageViewRestriction, dispatch_uid="lianxin-serving-restriction-save")
post_delete.connect(_restrictions_changed, sender=PageViewRestriction, dispatch_uid="lianxin-serving-restriction-del")
post_save.connect(_forget_on_alias, dispatch_uid="lianxin-serving-alias")
post_delete.connect(_forget_on_page_delete, dispatch_uid="lianxin-serving-page-delete")
