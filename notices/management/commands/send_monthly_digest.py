"""manage.py send_monthly_digest [--month YYYY-MM]: the 主席会议's monthly digest (S000-13), from
cron once a month. A second run for the same month sends nothing."""

from django.core.management.base import BaseCommand, CommandError

from notices.digest import parse_month, send_monthly_digest


class Command(BaseCommand):
    help = "向主席会议发送月度报告（备案表、工作室申请、委员活动日未报、诉求件逾期）；同一月份重复运行不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="报告月份，写成 YYYY-MM；默认本月。")

    def handle(self, *args, month=None, **options):
        try:
            month = parse_month(month) if month else None
        except ValueError as error:
            raise CommandError(str(error)) from error
        rows = send_monthly_digest(month)
        self.stdout.write(
            f"已发送月度报告 {len(rows)} 份。"
            if rows
            else "没有需要发送的接收人：该月的月度报告已经发送过，或没有主席会议账号。"
        )
