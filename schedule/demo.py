"""Demo content for the year's plan: seed 002's 年度“双走进”活动安排 for the current year, read by the
same import as an office's upload (sheets.import_schedule, as 委员联络室), and a sector's 委员活动日
held in two batches with a member of another sector invited (services.save_entry)."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from lianxin_site.dates import this_year
from lianxin_site.spreadsheet import table_xlsx
from people.models import Member, Sector

from . import services, sheets
from .models import BodyKind, EntryBody, EntryKind, ScheduleEntry

# Seed 002, 附：区政协2017年度“双走进”活动安排, as its table reads (a blank 月份 continues the row
# above); "{next}" is the year after the plan's, as the 2017 plan ends with "2018年1月".
SEED_002_PLAN = (
    ("2-3月", "“走访企业家委员”活动", "区政协领导、专工委负责人"),
    ("3-4月", "“大走访”活动", "区政协领导、专工委负责人"),
    ("3-6月", "开通“锡山政协”微信公众号", "区政协办公室"),
    ("4月", "走访乡镇工委主任", "区政协领导、专委会负责人"),
    ("4-5月", "委员“走访群众”活动", "全体政协委员"),
    ("4-10月", "政协委员之家、委员工作室建设", "各工作委员会"),
    ("5月", "委员活动日（委员进社区服务活动1）", "各专工委、各党派、各界别组"),
    ("5-8月", "基层调研活动", "各专工委、各党派"),
    ("", "邀请界别群众代表参与政协主题协商活动", "区政协办公室、相关专工委"),
    ("", "邀请群众代表参加主席视察和专题调研活动", "区政协办公室、相关专工委"),
    ("5-9月", "委员“走进提案承办单位”活动", "提案委；各提案立案交办的政协委员"),
    ("7月", "邀请界别群众列席区政协常委会", "区政协办公室"),
    ("8月", "“政协领导联系常委”走访活动", "区政协办公室、相关专工委"),
    ("9月", "界别活动周（委员进社区服务活动2）", "各界别组"),
    ("10月", "邀请界别群众列席区政协常委会", "区政协办公室"),
    ("", "邀请委员和群众代表列席政情通报会", "区政协办公室、相关专工委"),
    ("11月", "委员之家、委员工作室建设情况交流活动", "提案委、各工委会"),
    ("11-12月", "邀请界别群众代表参与政协部门评议活动", "区政协办公室、相关专工委"),
    ("", "邀请界别群众代表参加提案线索征集座谈会", "提案委、各界别组"),
    ("{next}年1月", "邀请界别群众代表列席区政协全体会议", "区政协办公室"),
)

# A sector's own 委员活动日 in two batches (S000-4), inviting a member of another sector (S000-5).
BATCHED_SECTOR = "教育界"
BATCHED_CONTENT = "教育界委员活动日：送教进社区"
INVITED_SECTOR = "医药卫生界"


def planner():
    """Who plans the demo year: 委员联络室's demo account, else a superuser."""
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(username="liaison").first() or users.filter(is_superuser=True).order_by("pk").first()


def seed_002_sheet(year):
    rows = [(months.format(next=year + 1), content, bodies) for months, content, bodies in SEED_002_PLAN]
    columns = [(header, lambda row, i=i: row[i]) for i, header in enumerate(sheets.HEADERS)]
    return table_xlsx("年度活动安排", columns, rows)


def seed_schedule():
    """Idempotent: the import matches its rows to the entries already planned, and the batched
    activity is looked up by its 活动内容."""
    seed_calendar_page()
    user = planner()
    if user is None or not Sector.objects.exists():
        return
    year = this_year()
    report = sheets.import_schedule(seed_002_sheet(year), user, year, dry_run=False)
    if report.errors:
        raise RuntimeError("演示年度活动安排导入失败：" + "；".join(report.errors))
    seed_batched_activity(user, year)


@transaction.atomic
def seed_batched_activity(user, year):
    sector = Sector.objects.filter(name=BATCHED_SECTOR).first()
    if sector is None or ScheduleEntry.objects.filter(year=year, content=BATCHED_CONTENT).exists():
        return
    guest = Member.objects.filter(sector__name=INVITED_SECTOR).order_by("code").first()
    first = services.save_entry(
        user,
        {
            "year": year,
            "first_month": datetime.date(year, 6, 1),
            "last_month": datetime.date(year, 6, 1),
            "content": BATCHED_CONTENT,
            "kind": EntryKind.ACTIVITY_DAY,
            "place": "东华门社区活动中心",
        },
        [EntryBody(kind=BodyKind.SECTOR, sector=sector)],
        [guest] if guest else [],
    )
    second = services.batch_start(first)
    second.update(
        first_month=second["first_month"].replace(month=7),
        last_month=second["last_month"].replace(month=7),
        batch_of=first,
        place="景山社区活动中心",
    )
    services.save_entry(user, second, [EntryBody(kind=BodyKind.SECTOR, sector=sector)], [guest] if guest else [])


def seed_calendar_page():
    """The published 年度活动安排 page under 首页 (slug "calendar", so it sits beside its feeds at
    /calendar/). Idempotent."""
    from content.models import HomePage

    from .models import CalendarPage

    if CalendarPage.objects.exists():
        return CalendarPage.objects.first()
    home = HomePage.objects.first()
    if home is None:
        return None
    page = CalendarPage(
        title="年度活动安排",
        slug="calendar",
        intro="<p>区政协全年“双走进”及各项履职活动安排，按月份列出，可按活动主体筛选，并可订阅到手机日历。</p>",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
