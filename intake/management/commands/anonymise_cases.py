"""`manage.py anonymise_cases [--dry-run]`: clear citizens' personal data past the 保存期限.

Run daily (bin/ or cron; the schedule issue brings the worker that runs it): see
intake/retention.py for what is cleared and when."""

from django.core.management.base import BaseCommand

from intake import retention


class Command(BaseCommand):
    help = (
        "清除超过保存期限（办理时限设置中的“个人信息保存期限”，默认 730 天）的群众个人信息："
        "办结已满期限的诉求件，以及过期的接待日预约、来访登记、活动报名；删除 7 天前的提交地址记录。"
        "每天运行一次（由 bin/ 或 cron 定时执行）。--dry-run 只统计，不作修改。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计将清除多少，不作任何修改。")

    def handle(self, *args, dry_run=False, **options):
        counts = retention.anonymise(dry_run=dry_run)
        self.stdout.write(retention.describe(counts, dry_run=dry_run))
