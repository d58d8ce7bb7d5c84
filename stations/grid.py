"""The 月度总览 (工作室运行 › 月度总览): every live station a user may see × the 12 months of a year,
一站一计划、月月有活动 (seed 003 annex 2 第六条), and the 专委会 coverage of seed 002 二(二)1
(各专工委设立委员工作室不少于1个，探索建立“常委工作站”).

Everything is counted by stations.stats (one query per measure, whatever the number of stations
or posts); this module only decides what each cell means, given `today` (Beijing date), so a
test can build a year and say which day it is."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from content.models import StationKind, WorkstationPage
from forms_app.activity_day.rules import UploadStatus
from people.models import SpecialCommittee

from . import stats


class CellState:
    """What a month of a station's year shows, in words as well as colour."""

    DONE = "done"  # published 动态 in the month, at least as many as planned
    SHORT = "short"  # planned but not (all) done, the month past or current: amber
    MISSED = "missed"  # a past month with nothing done: red
    OPEN = "open"  # the current month, nothing planned or done yet
    FUTURE = "future"  # a month still to come

    LABELS = {
        DONE: "已开展",
        SHORT: "未完成",
        MISSED: "无活动",
        OPEN: "进行中",
        FUTURE: "未到",
    }


def month_state(year, month, planned, done, today):
    """The state of one month: red (MISSED) for a past month with nothing done, amber (SHORT) for
    a past or current month planned but not done as planned, DONE otherwise once something was
    done; the current month without plan or activity is OPEN, a later one FUTURE."""
    when = (year, month)
    now = (today.year, today.month)
    if when > now:
        return CellState.DONE if done else CellState.FUTURE
    if done == 0 and when < now:
        return CellState.MISSED
    if planned > done:
        return CellState.SHORT
    return CellState.DONE if done else CellState.OPEN


def quarter_state(year, quarter, held, today):
    """已召开 (n), 未召开 for a quarter that has ended, 未到 for one not yet over."""
    if held:
        return f"已召开（{held}）" if held > 1 else "已召开"
    last_month = quarter * 3
    return "未召开" if (year, last_month) < (today.year, today.month) else "未到"


@dataclass
class Cell:
    month: int
    planned: int
    done: int
    state: str

    @property
    def label(self):
        return CellState.LABELS[self.state]


@dataclass
class Row:
    station: WorkstationPage
    has_plan: bool
    cells: list
    quarters: list  # [(quarter, held, label)]
    uploads: list  # [(activity day, 按时/逾期/未上传)]
    planned_total: int = 0
    done_total: int = 0
    active_months: int = 0
    missed_months: int = 0

    @property
    def upload_text(self):
        return "；".join(f"{day.name}：{status}" for day, status in self.uploads) or "本年没有委员活动日"


@dataclass
class Grid:
    year: int
    today: object
    rows: list = field(default_factory=list)
    months: list = field(default_factory=lambda: list(range(1, 13)))

    @property
    def month_totals(self):
        """Per month: stations with activity, 动态 published, items planned."""
        totals = []
        for index, month in enumerate(self.months):
            cells = [row.cells[index] for row in self.rows]
            totals.append(
                {
                    "month": month,
                    "active": sum(1 for c in cells if c.done),
                    "done": sum(c.done for c in cells),
                    "planned": sum(c.planned for c in cells),
                    "missed": sum(1 for c in cells if c.state == CellState.MISSED),
                }
            )
        return totals

    @property
    def done_total(self):
        return sum(row.done_total for row in self.rows)

    @property
    def quarter_totals(self):
        """Per quarter: how many stations held a 季度例会."""
        return [sum(1 for row in self.rows if row.quarters[q][1]) for q in range(4)]

    @property
    def without_plan(self):
        return [row.station for row in self.rows if not row.has_plan]

    @property
    def on_time(self):
        return sum(1 for row in self.rows for _day, status in row.uploads if status == UploadStatus.ON_TIME)


def build_grid(stations, year, today):
    """The grid of `stations` (a QuerySet) for `year` as of `today`: the same queries for 5 or 50
    stations (the stations, then one per measure in stats)."""
    stations = list(stations.select_related("committee", "lead_member").order_by("committee__sort_order", "title"))
    ids = [s.pk for s in stations]
    done = stats.done_months(ids, year)
    planned = stats.planned_months(ids, year)
    meetings = stats.meeting_quarters(ids, year)
    uploads = stats.upload_statuses(ids, year)
    grid = Grid(year=year, today=today)
    for station in stations:
        station_done, station_planned = done.get(station.pk, {}), planned.get(station.pk, {})
        cells = [Cell(m, station_planned.get(m, 0), station_done.get(m, 0), "") for m in grid.months]
        for cell in cells:
            cell.state = month_state(year, cell.month, cell.planned, cell.done, today)
        held = meetings.get(station.pk, {})
        grid.rows.append(
            Row(
                station=station,
                has_plan=station.pk in planned,
                cells=cells,
                quarters=[(q, held.get(q, 0), quarter_state(year, q, held.get(q, 0), today)) for q in range(1, 5)],
                uploads=uploads.get(station.pk, []),
                planned_total=sum(c.planned for c in cells),
                done_total=sum(c.done for c in cells),
                active_months=sum(1 for c in cells if c.done),
                missed_months=sum(1 for c in cells if c.state == CellState.MISSED),
            )
        )
    return grid


@dataclass
class Coverage:
    committee: SpecialCommittee
    stations: list

    @property
    def covered(self):
        return bool(self.stations)

    @property
    def standing(self):
        return sum(1 for s in self.stations if s.kind == StationKind.STANDING)


def committee_coverage(committees):
    """Each 专委会 of `committees` (a QuerySet) with its live stations, two queries: seed 002 asks
    each to set up at least one (各专工委设立委员工作室不少于1个)."""
    live = WorkstationPage.objects.live().only("pk", "title", "kind", "committee_id", "path", "depth").order_by("title")
    committees = committees.order_by("sort_order", "name").prefetch_related(
        Prefetch("workstations", queryset=live, to_attr="live_stations")
    )
    return [Coverage(c, list(c.live_stations)) for c in committees]
