"""The 主席会议's monthly digest (S000-13: 主席会议 hears how the year's work stands): the year's
五个一备案表 by status (five_ones.deadline_board), the 工作室建立申请 waiting at each box, the 委员活动日
units that have not reported, and the 群众诉求件 past a step's time limit (intake.cases.overdue).

One notification (kind digest) per 主席会议 account and month; a SentReminder per (month, account)
makes a second run for the same month send nothing."""

import datetime
import re
from collections import Counter

from django.utils import timezone

from forms_app.activity_day import rules as activity_day
from forms_app.activity_day.models import ActivityDay
from forms_app.five_ones import rules as five_ones
from forms_app.founding import rules as founding
from forms_app.founding.models import WorkstationApplication
from intake import cases as intake_cases
from people.services import home_url

from . import recipients, services
from .events import STEP_WORDS, tell
from .models import Kind, SentReminder

MONTH_ERROR = "月份应写成 YYYY-MM，如 2026-11"


def parse_month(text):
    """ "2026-11" → date(2026, 11, 1); ValueError(MONTH_ERROR) otherwise."""
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError(MONTH_ERROR)
    return datetime.date(int(found.group(1)), int(found.group(2)), 1)


def digest_key(month):
    return f"digest:{month:%Y-%m}"


def _day(date):
    return f"{date.month}月{date.day}日"


def _counts(counter, order=None):
    keys = order or sorted(counter)
    return "，".join(f"{key} {counter[key]}" for key in keys if counter.get(key))


def filings_part(year, today):
    board = five_ones.deadline_board(year, today)
    order = ["未提交", *[str(label) for label in five_ones.Status.labels]]
    line = _counts(board["counts"], [key for key in order if key in board["counts"]]) or "无"
    overdue = f"；已过截止日期仍未报送 {board['overdue']} 个" if board["overdue"] else ""
    return f"一、{year} 年五个一活动备案表（报送截止 {_day(board['deadline'])}）：{line}{overdue}。"


def applications_part():
    open_ones = WorkstationApplication.objects.filter(
        status__in=[WorkstationApplication.Status.IN_REVIEW, WorkstationApplication.Status.RETURNED]
    )
    waiting = Counter(founding.waiting_label(application) for application in open_ones.order_by("stage", "status"))
    line = "，".join(f"{label} {n} 件" for label, n in waiting.items()) or "无在办申请"
    return f"二、委员工作室建立申请（在办，按所在环节）：{line}。"


def activity_days_part(year, today):
    lines = []
    for day in ActivityDay.objects.filter(date__year=year).order_by("date", "pk"):
        board = activity_day.roll_up(day, today)
        if board["missing"]:
            word = "逾期未报" if today > day.deadline else "未报"
            names = "、".join(unit.name for unit in board["missing"])
            lines.append(f"{day.name}（{_day(day.deadline)}截止）：{word} {len(board['missing'])} 个单位（{names}）")
    return "三、委员活动日统计表：" + ("；".join(lines) if lines else f"{year} 年各活动日均已报送") + "。"


def cases_part(now):
    late = Counter(f"待{STEP_WORDS[case.status]}" for case in intake_cases.overdue(now))
    total = sum(late.values())
    if not total:
        return "四、群众诉求件：没有逾期的诉求件。"
    order = [f"待{word}" for word in STEP_WORDS.values()]
    return f"四、群众诉求件：逾期 {total} 件（{_counts(late, order)}）。"


def digest_text(month, now=None):
    """(title, body) of the month's digest, as things stand at `now`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    title = f"{month:%Y}年{month.month}月主席会议月度报告"
    body = "\n".join(
        [
            f"截至 {today:%Y年%m月%d日}：",
            filings_part(month.year, today),
            applications_part(),
            activity_days_part(month.year, today),
            cases_part(now),
        ]
    )
    return title, body


def send_monthly_digest(month=None, now=None):
    """Send the month's digest to each 主席会议 account not yet sent it. Returns the rows written."""
    now = now or timezone.now()
    month = month or timezone.localdate(now).replace(day=1)
    key = digest_key(month)
    with services.once():
        sent = set(SentReminder.objects.filter(deadline_key=key).values_list("recipient_id", flat=True))
        users = [user for user in recipients.chairs_meeting() if user.pk not in sent]
        if not users:
            return []
        title, body = digest_text(month, now)
        SentReminder.objects.bulk_create(
            [SentReminder(deadline_key=key, deadline=month, recipient=user, days_before=0) for user in users],
            ignore_conflicts=True,
        )
        return tell(Kind.DIGEST, [(user, title, home_url(user), body) for user in users])
