"""The 活动通知 of a 委员活动日 (seed 001 四.3 "制定工作方案，下发活动通知", S001-12), drafted for the
editors as soon as the office saves the day: an unpublished 公告栏 NoticePage under 通知公告,
submitted to 内容审核, which a 审核员 publishes (or returns) like any page.

The theme, name and units are typed by the office, so every piece of them goes through
content.drafts.paragraphs() or format_html(): markup typed into a theme shows as text."""

from django.db import transaction
from django.utils.html import format_html, format_html_join
from wagtail.models import Page

from content.drafts import paragraphs
from lianxin_site.committee import committee_name

from .models import NoticeColumn, NoticeIndexPage, NoticePage


def _day_text(date):
    return f"{date.year}年{date.month}月{date.day}日"


def activity_notice_title(day):
    return f"关于开展{day.name}的通知"[: NoticePage._meta.get_field("title").max_length]


def activity_notice_body(day):
    """The notice's rich text from the day: theme, date, the two deadlines and the units, escaped."""
    lines = [
        "各专委会、各委员工作室、各街道活动小组：",
        f"{committee_name()}定于{_day_text(day.date)}开展{day.name}，活动主题为“{day.theme}”。"
        "请各委员工作室围绕主题组织委员开展活动。",
    ]
    if day.upload_deadline:
        lines.append(f"请于{_day_text(day.upload_deadline)}前将活动文字和图片上传线上委员工作室“动态”栏目。")
    lines.append(f"请各填报单位于{_day_text(day.deadline)}前报送《委员活动日情况统计表》和工作小结。")
    body = paragraphs("\n".join(lines))
    units = list(day.units.order_by("sort_order", "name").values_list("name", flat=True))
    if units:
        body += str(format_html("<p>{}</p>", "填报单位："))
        body += str(format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((name,) for name in units))))
    return body


def activity_notice_lead(day):
    return f"{_day_text(day.date)}，{day.name}：{day.theme}"[: NoticePage._meta.get_field("lead").max_length]


def _untouched(notice):
    """A draft nobody has edited or published yet: only the platform has saved revisions of it."""
    return notice.first_published_at is None and not notice.revisions.exclude(user=None).exists()


@transaction.atomic
def draft_activity_notice(day):
    """The day's 活动通知: drafted and submitted to 内容审核 the first time, and kept in step with
    the day (its units are saved just after the day itself) while no editor has touched it.
    One notice per day however often the day is saved. None when the site has no 通知公告 section.

    The day's row is locked, so two saves of the same day at once still draft one notice."""
    from forms_app.activity_day.models import ActivityDay

    ActivityDay.objects.select_for_update().filter(pk=day.pk).first()
    notice = NoticePage.objects.filter(activity_day=day).first()
    if notice is not None:
        if _untouched(notice):
            page = notice.get_latest_revision_as_object()
            page.title = page.draft_title = activity_notice_title(day)
            page.lead = activity_notice_lead(day)
            page.body = activity_notice_body(day)
            page.save_revision()
        return notice
    index = NoticeIndexPage.objects.first()
    if index is None:
        return None
    Page.objects.select_for_update().filter(pk=index.pk).first()
    notice = NoticePage(
        title=activity_notice_title(day),
        slug=f"activity-day-{day.pk}",
        column=NoticeColumn.BOARD,
        lead=activity_notice_lead(day),
        body=activity_notice_body(day),
        activity_day=day,
        live=False,
    )
    index.add_child(instance=notice)
    notice.save_revision(log_action=True)
    workflow = notice.get_workflow()
    if workflow is not None:
        workflow.start(notice, None)
    return notice
