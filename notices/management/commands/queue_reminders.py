"""Daily (cron; bin/run runs it once at start): remind whoever has not acted 7, 3 and 1 days before
each deadline and on the day (NoticeSettings), never twice for one deadline, account and day."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from notices.reminders import queue_reminders


def parse_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"日期应写成 YYYY-MM-DD，如 2027-03-31（现为“{text}”）。") from error


class Command(BaseCommand):
    help = "找出截止日期前尚未办理的账号并发送提醒（同一天再次运行不会重复提醒）"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, help="按这一天计算（默认今天），YYYY-MM-DD")

    def handle(self, *args, date=None, **options):
        outcome = queue_reminders(date)
        self.stdout.write(
            f"{outcome.today:%Y-%m-%d}：{outcome.deadlines} 个截止事项，新发提醒 {outcome.sent} 条"
            f"（其中发邮件 {outcome.emailed} 条），已提醒过而跳过 {outcome.skipped} 条。"
        )
