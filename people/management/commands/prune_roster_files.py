from django.core.management.base import BaseCommand

from people.roster_files import prune_roster_files


class Command(BaseCommand):
    help = "删除名册导入留下的无用文件：无人处理的暂存上传，以及不会再用于确认导入的预览结果（建议每天运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="预览后多少天未确认即视为放弃（默认 7 天）")

    def handle(self, *args, days, **options):
        staged, plans = prune_roster_files(days)
        self.stdout.write(f"删除了 {staged} 个暂存的名册上传、{plans} 份不再需要的预览结果。")
