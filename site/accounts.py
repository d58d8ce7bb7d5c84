"""The front end's way in: its login page sends each account to where its work is (staff to the
admin, everyone else to 我的工作台, people.services.home_url), and a front-end account that finds
itself in the admin is taken to 我的工作台 instead of a refusal."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect

from people.services import home_url

ADMIN_PREFIX = "/admin/"
ADMIN_IS_FOR_STAFF = "管理后台供机关各室和编辑使用；你的待办事项、消息和表格都在“我的工作台”。"
ADMIN_OPEN_TO_ALL = ("/admin/login/", "/admin/logout/", "/admin/password_reset/")


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return self.get_redirect_url() or home_url(self.request.user)


class FrontEndAccountsMiddleware:
    """Members, 界别组长 and reporting units work in the front end. When one of them opens the
    admin (its address is the one most people know), send them to 我的工作台 with a word of
    why, instead of Wagtail's bare "no permission"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        user = request.user
        if (
            path.startswith(ADMIN_PREFIX)
            and not path.startswith(ADMIN_OPEN_TO_ALL)
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            messages.info(request, ADMIN_IS_FOR_STAFF)
            return redirect(home_url(user))
        return self.get_response(request)
