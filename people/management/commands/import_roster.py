import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from people.roster import RosterFileError, import_roster


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 文件导入委员名册（以委员证号识别委员；任何一行有错则全部不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件路径（.xlsx 或 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        progress = tqdm(
            desc="检查" if dry_run else "导入",
            unit="行",
            file=sys.stderr,
            delay=0.5,
            disable=options["verbosity"] == 0,
        )
        try:
            report = import_roster(path.read_bytes(), path.name, dry_run=dry_run, progress=progress)
        except RosterFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()

        if report.errors:
            self.stdout.write(f"共 {report.total} 行，发现错误 {len(report.errors)} 处：")
            for message in report.errors:
                self.stderr.write(message)
            raise CommandError("名册有错误，没有写入任何数据。请改正上面列出的问题后重新导入。")
        verb = "将" if dry_run else "已"
        self.stdout.write(
            f"共 {report.total} 行：{verb}新增 {report.created} 人，{verb}更新 {report.updated} 人，"
            f"{report.unchanged} 人无变化，错误 0 处。"
        )
        if dry_run:
            self.stdout.write("（试运行：没有写入数据库。）")
        else:
            self.stdout.write(self.style.SUCCESS("名册导入完成。"))
