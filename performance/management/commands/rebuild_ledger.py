from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from performance.ledger import SOURCES, sync_ledger
from performance.rules import PerformanceError
from performance.scoring import compute_scores, scheme_in_force


class Command(BaseCommand):
    help = "按来源重建一个年度的履职档案（新增、更新、删除），再按现行记分办法重新计分。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年度（默认今年）")
        parser.add_argument("--source", choices=sorted(SOURCES), help="只重建这一个来源")

    def handle(self, *args, year, source, **options):
        year = year or timezone.localdate().year
        try:
            done = sync_ledger(year, source)
            counts = "，".join(f"{name} {count} 条" for name, count in done.items()) or "没有变化"
            self.stdout.write(f"{year} 年度履职档案：{counts}。")
            if scheme_in_force(year) is None:
                self.stdout.write(f"{year} 年度还没有发布记分办法，未计分。")
                return
            scheme = compute_scores(year)
        except PerformanceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已按{scheme}重新计分。")
