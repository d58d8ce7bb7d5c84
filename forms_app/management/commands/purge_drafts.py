from django.core.management.base import BaseCommand

from forms_app.wizard import purge_drafts


class Command(BaseCommand):
    help = "删除长期无人修改的表格草稿，以及不再属于任何草稿的待提交附件（建议每天运行一次）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=365, help="草稿多少天无人修改后删除（默认 365 天：跨年度的表格草稿已无用）"
        )

    def handle(self, *args, days, **options):
        drafts, files = purge_drafts(days)
        self.stdout.write(f"删除了 {drafts} 份草稿、{files} 个草稿附件。")
