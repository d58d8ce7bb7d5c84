from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.models import Member
from people.roster_export import EXPORT_FORMATS, write_roster


class Command(BaseCommand):
    help = "把委员名册导出为 .xlsx 或 .csv 文件（按文件扩展名），格式与导入相同。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件路径，以 .xlsx 或 .csv 结尾")

    def handle(self, *args, file, **options):
        path = Path(file)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in EXPORT_FORMATS:
            raise CommandError("输出文件须以 .xlsx 或 .csv 结尾。")
        with path.open("wb") as out:
            write_roster(out, fmt)
        self.stdout.write(self.style.SUCCESS(f"已导出 {Member.objects.count()} 名委员到 {path}。"))
