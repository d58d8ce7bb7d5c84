"""系统管理员's side of mail (issue 18 Bad input: a failed SMTP send is retried 3 times, then listed
here): the mails left 发送失败 with why, and 重新发送, which starts their count of attempts again
and hands them back to the worker; and the reminder settings (提醒天数, 申请表等待天数).

Only notices.view_failed_delivery reads or resends (people/roles.py gives it to 系统管理员); only
notices.change_noticesettings changes the settings. Others get the admin's 403 page."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from lianxin_site.admin_helpers import AllowedMenuItem
from results.admin import forbidden

from . import tasks
from .models import REMINDER_DAYS_ERROR, EmailState, NoticeSettings, Notification

NO_FAILED = "只有系统管理员可以查看和重新发送发送失败的邮件。"
NO_SETTINGS = "只有系统管理员可以修改提醒设置。"


def may_see_failed(user):
    return user.is_active and user.has_perm("notices.view_failed_delivery")


def may_change_settings(user):
    return user.is_active and user.has_perm("notices.change_noticesettings")


def failed_rows():
    return Notification.objects.filter(email_state=EmailState.FAILED).select_related("recipient")


def _chosen_ids(values):
    """The row ids ticked in the form; anything not a whole number is ignored."""
    return [int(value) for value in values if str(value).isdecimal() and len(str(value)) < 19]


@require_http_methods(["GET", "POST"])
def failed_deliveries(request):
    if not may_see_failed(request.user):
        return forbidden(request, NO_FAILED)
    if request.method == "POST":
        ids = (
            list(failed_rows().values_list("pk", flat=True))
            if "all" in request.POST
            else _chosen_ids(request.POST.getlist("ids"))
        )
        if not ids:
            messages.error(request, "请先勾选要重新发送的邮件。")
        else:
            count = tasks.resend(ids)
            messages.success(request, f"已重新发送 {count} 封邮件，后台任务将依次投递。")
        return redirect("notices_failed_deliveries")
    page = Paginator(failed_rows().order_by("-created", "-pk"), 50).get_page(request.GET.get("p"))
    return render(request, "notices/admin/failed.html", {"title": "发送失败的邮件", "page": page})


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NoticeSettings
        fields = ["reminder_days", "box_wait_days"]
        error_messages = {"reminder_days": {"required": REMINDER_DAYS_ERROR}}

    def clean_box_wait_days(self):
        value = self.cleaned_data["box_wait_days"]
        if not value:
            raise forms.ValidationError("等待天数应为正整数，如 10。")
        return value


@require_http_methods(["GET", "POST"])
def notice_settings(request):
    if not may_change_settings(request.user):
        return forbidden(request, NO_SETTINGS)
    form = SettingsForm(request.POST or None, instance=NoticeSettings.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "提醒设置已保存，从下一次提醒起按新的天数计算。")
        return redirect("notices_settings")
    return render(request, "notices/admin/settings.html", {"title": "提醒设置", "form": form})


urls = [
    path("notices/failed/", failed_deliveries, name="notices_failed_deliveries"),
    path("notices/settings/", notice_settings, name="notices_settings"),
]


def menu_items():
    """For the 设置 menu, each shown to whom may use it."""
    return [
        AllowedMenuItem("发送失败的邮件", reverse("notices_failed_deliveries"), "warning", may_see_failed, 900),
        AllowedMenuItem("提醒设置", reverse("notices_settings"), "time", may_change_settings, 901),
    ]
