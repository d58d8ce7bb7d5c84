from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from content import views as content_views
from content.api import api_router
from lianxin_site import accounts

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("search/", content_views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", content_views.robots_txt, name="robots_txt"),
    path("favicon.ico", content_views.favicon, name="favicon"),
    path("forms/contacts/", include("contacts.urls")),
    path("forms/station/", include("stations.urls")),
    path("forms/street-group/", include("stations.street_urls")),
    path("forms/cases/", include("intake.case_urls")),
    path("forms/visits/", include("intake.visit_urls")),
    path("forms/", include("forms_app.urls")),
    # Citizens, without an account: never cached (intake/public.py).
    path("mailbox/", include("intake.mailbox_urls")),
    path("reception/", include("intake.reception_urls")),
    path("events/", include("intake.event_urls")),
    path("captcha/", include("captcha.urls")),
    path("results/", include("results.urls")),
    path("my/record/", include("performance.urls")),
    path("my/reflections/", include("handbook.urls")),
    # 我的工作台 and the account's 消息 (notices/); the iCal feeds (schedule/); the page of the same
    # address (/calendar/) is the CalendarPage, served by Wagtail below.
    path("my/", include("notices.my_urls")),
    path("calendar/", include("schedule.feed_urls")),
    # The front end's own way in: members, 界别组长 and reporting units are not admin users.
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
if settings.SERVE_MEDIA:  # dev and tests; in production the web server serves /media/
    import posixpath

    from django.http import Http404
    from django.views.static import serve

    def serve_media(request, path):
        """documents/ is left out, as nginx leaves it out: documents go through Wagtail's checked
        view. Asked of the path as serve() will resolve it (./documents, //documents, %2e)."""
        if posixpath.normpath(path).lstrip("/").startswith("documents/"):
            raise Http404
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]

# Wagtail's own addresses, then its pages through content.views.serve (the route from the cache).
urlpatterns += [pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"]
urlpatterns += [re_path(wagtail_urls.serve_pattern, content_views.serve, name="wagtail_serve")]
