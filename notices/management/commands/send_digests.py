"""Daily (cron): each account that chose 每日汇总一封 gets one mail with every notification since its
last digest; the worker sends them."""

from django.core.management.base import BaseCommand

from notices.tasks import queue_digests


class Command(BaseCommand):
    help = "发送每日消息汇总邮件（每个账号一封，由后台任务发送）"

    def handle(self, *args, **options):
        accounts = queue_digests()
        self.stdout.write(f"已排队：{accounts} 个账号的每日汇总邮件。")
