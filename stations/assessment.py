"""委员工作室考核 and 优秀委员工作室 (seed 003 annex 1 六(三): 各专委会工作室负责…日常管理、考核; seed
004 item 7): the rules, once.

A year's scheme (AssessmentScheme) lists its criteria. An automatic one counts something the
platform already knows, through stations/stats.py alone (all stations in one go): months with a
published 动态, a 年度计划, quarters with a 季度例会, 委员活动日 动态 uploaded 按时, 履职日志 entries;
it earns max × min(count, full_at) / full_at points, to one decimal. A manual one is scored by
the 专委会工作室 of the station's 对口委室 (委员联络室 may correct any). 委员联络室 sets the scheme up,
checks the totals, names the 优秀委员工作室 (the top N, or every station at or above a line, or
both) and publishes: the standings are then kept as AssessmentResult rows, and nothing about the
year's scores changes any more. The station page shows a 「2026年度优秀委员工作室」 badge from
those rows (templatetags/stations_tags.py).

Every write locks the scheme row and checks again under the lock whether the year is published:
of two 委员联络室 users publishing at once, one publishes and the other is told it was done."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from content.models import WorkstationPage
from forms_app.models import ActivityDay
from lianxin_site.cache import clear_public_cache
from lianxin_site.db import locked_row

from . import rules as station_rules
from . import stats
from .models import AssessmentResult, AssessmentScheme, Criterion, ManualScore, Measure

ONE_PLACE = Decimal("0.1")
VIEW = "stations.view_assessmentscheme"
SCORE = "stations.score_stations"
PUBLISH = "stations.publish_assessment"
DEFAULT_EXCELLENT_COUNT = 3

# The default scheme (100 points): the seed's 一站一计划、月月有活动 and its working rules (季度例会、
# 履职日志) counted from the records; its duties (五、工作职责) and 规范运作 (四(四)) scored by hand.
DEFAULT_CRITERIA = (
    ("一站一计划：制定年度工作计划", 10, Criterion.Method.AUTO, Measure.PLAN, 1),
    ("月月有活动：每月开展活动并发布动态", 25, Criterion.Method.AUTO, Measure.MONTHS, 12),
    ("季度例会：每季度召开一次", 15, Criterion.Method.AUTO, Measure.MEETINGS, 4),
    ("委员活动日动态按时上传", 10, Criterion.Method.AUTO, Measure.UPLOADS, None),  # full_at: the year's days
    ("履职日志：记录接待群众和履职情况", 10, Criterion.Method.AUTO, Measure.LOGS, 12),
    ("收集社情，反映民意", 10, Criterion.Method.MANUAL, "", 1),
    ("开展协商，服务民生", 10, Criterion.Method.MANUAL, "", 1),
    ("规范运作：标识牌、公示内容和工作制度", 10, Criterion.Method.MANUAL, "", 1),
)


class AssessmentError(station_rules.StationError):
    """A 考核 write refused; `errors` lists every message (each naming its field), str() joins them."""

    def __init__(self, errors):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("；".join(self.errors))


# --- who


def may_view(user):
    return user.is_authenticated and user.is_active and user.has_perm(VIEW)


def may_manage(user):
    """委员联络室: sets up the scheme and its criteria, names the 优秀委员工作室, publishes."""
    return user.is_authenticated and user.is_active and user.has_perm(PUBLISH)


def may_score(user):
    return user.is_authenticated and user.is_active and user.has_perm(SCORE)


def scoring_stations(user):
    """The live stations whose manual criteria this user scores: a 专委会工作室 those of its
    对口委室, 委员联络室 all (rules.stations_visible_to)."""
    if not may_score(user):
        return WorkstationPage.objects.none()
    return station_rules.stations_visible_to(user)


def published_text(scheme):
    when = timezone.localtime(scheme.published_at)
    return f"{scheme.year}年度考核结果已于 {when:%Y-%m-%d %H:%M} 发布"


def _locked_scheme(scheme):
    return locked_row(AssessmentScheme.objects.all(), pk=scheme.pk)


def _refuse_if_published(scheme, field_name):
    if scheme.published:
        raise AssessmentError(f"「{field_name}」：{published_text(scheme)}，不能再修改")


# --- the scheme


def activity_day_count(year):
    return ActivityDay.objects.filter(date__year=year).count()


@transaction.atomic
def create_default_scheme(user, year):
    """The year's scheme with DEFAULT_CRITERIA (top 3 named 优秀), at one click."""
    if not may_manage(user):
        raise AssessmentError("只有委员联络室可以建立考核办法。")
    exists = AssessmentError(f"「年度」：{year}年的考核办法已经建立")
    if AssessmentScheme.objects.filter(year=year).exists():
        raise exists
    try:
        with transaction.atomic():  # two clicks at once: the second meets the unique year
            return build_default_scheme(year)
    except IntegrityError:
        raise exists from None


def build_default_scheme(year):
    """The scheme row and its DEFAULT_CRITERIA (the writer behind create_default_scheme and the demo)."""
    scheme = AssessmentScheme.objects.create(year=year, excellent_count=DEFAULT_EXCELLENT_COUNT)
    days = max(1, activity_day_count(year))
    Criterion.objects.bulk_create(
        Criterion(
            scheme=scheme,
            name=name,
            max_points=max_points,
            method=method,
            measure=measure,
            full_at=full_at if full_at is not None else days,
            sort_order=index * 10,
        )
        for index, (name, max_points, method, measure, full_at) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    return scheme


def check_criterion(name, max_points, method, measure, full_at):
    """[message] for one criterion as typed."""
    errors = []
    if not (name or "").strip():
        errors.append("「考核项目」：请填写名称")
    if max_points is None or not 1 <= max_points <= 100:
        errors.append("「满分」：应为 1 到 100 的整数")
    if method not in Criterion.Method.values:
        errors.append("「计分方式」：应为自动计分或人工评分")
    if method == Criterion.Method.AUTO:
        if measure not in Measure.values:
            errors.append(f"「自动计分依据」：自动计分的“{name}”请选择依据")
        if full_at is None or full_at < 1:
            errors.append(f"「满分所需数量」：“{name}”应至少为 1")
    return errors


@transaction.atomic
def save_criteria(user, scheme, rows):
    """Replace the scheme's criteria with `rows` [{pk or None, name, max_points, method, measure,
    full_at, sort_order, delete}]: all or nothing, refused once the year is published, and a
    manual criterion's 满分 never below a score already given."""
    if not may_manage(user):
        raise AssessmentError("只有委员联络室可以修改考核办法。")
    scheme = _locked_scheme(scheme)
    _refuse_if_published(scheme, "考核项目")
    existing = {c.pk: c for c in scheme.criteria.all()}
    top_scores = {}
    for score in ManualScore.objects.filter(criterion__scheme=scheme).only("criterion_id", "points"):
        top_scores[score.criterion_id] = max(score.points, top_scores.get(score.criterion_id, score.points))
    errors = []
    kept = [row for row in rows if not row.get("delete")]
    for row in kept:
        errors += check_criterion(row["name"], row["max_points"], row["method"], row["measure"], row["full_at"])
        if row.get("pk") and row["pk"] not in existing:
            errors.append("「考核项目」：这一项已被删除，请刷新页面后再修改")
        top = top_scores.get(row.get("pk"), Decimal(0))
        if row["max_points"] and row["method"] == Criterion.Method.MANUAL and top > row["max_points"]:
            errors.append(f"「满分」：“{row['name']}”已有工作室得 {top} 分，满分不能低于它")
    if not kept:
        errors.append("「考核项目」：至少要有一项")
    if errors:
        raise AssessmentError(errors)
    for row in rows:
        if row.get("delete"):
            if row.get("pk") in existing:
                existing[row["pk"]].delete()
            continue
        criterion = existing.get(row.get("pk")) or Criterion(scheme=scheme)
        criterion.name = row["name"].strip()
        criterion.max_points = row["max_points"]
        criterion.method = row["method"]
        criterion.measure = row["measure"] if row["method"] == Criterion.Method.AUTO else ""
        criterion.full_at = row["full_at"] if row["method"] == Criterion.Method.AUTO else 1
        criterion.sort_order = row.get("sort_order") or 0
        criterion.save()
        if criterion.method == Criterion.Method.AUTO:
            ManualScore.objects.filter(criterion=criterion).delete()
    return scheme


@transaction.atomic
def save_settings(user, scheme, excellent_count, excellent_threshold):
    """How the 优秀委员工作室 are named: the top `excellent_count`, every station at or above
    `excellent_threshold`, or both (a station must meet both)."""
    if not may_manage(user):
        raise AssessmentError("只有委员联络室可以评定优秀委员工作室。")
    scheme = _locked_scheme(scheme)
    _refuse_if_published(scheme, "优秀名额")
    errors = []
    if excellent_count is None and excellent_threshold is None:
        errors.append("「优秀名额」：请填写前 N 名或分数线（至少一项）")
    if excellent_count is not None and excellent_count < 1:
        errors.append("「优秀名额（前 N 名）」：应至少为 1")
    if excellent_threshold is not None and excellent_threshold < 0:
        errors.append("「优秀分数线」：不能为负数")
    full = sum(c.max_points for c in scheme.criteria.all())
    if excellent_threshold is not None and excellent_threshold > full:
        errors.append(f"「优秀分数线」：不能超过总分 {full} 分")
    if errors:
        raise AssessmentError(errors)
    scheme.excellent_count = excellent_count
    scheme.excellent_threshold = excellent_threshold
    scheme.save(update_fields=["excellent_count", "excellent_threshold"])
    return scheme


# --- counting


def points_for(criterion, count):
    """max × min(count, full_at) / full_at, to one decimal."""
    full_at = max(1, criterion.full_at)
    earned = Decimal(criterion.max_points) * Decimal(min(count, full_at)) / Decimal(full_at)
    return earned.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def auto_counts(measures, station_ids, year):
    """{measure: {station id: count}} for the measures asked, each from stats.py in one go."""
    station_ids = list(station_ids)
    found = {}
    if Measure.MONTHS in measures:
        done = stats.done_months(station_ids, year)
        found[Measure.MONTHS] = {sid: sum(1 for n in done.get(sid, {}).values() if n) for sid in station_ids}
    if Measure.PLAN in measures:
        planned = stats.planned_months(station_ids, year)
        found[Measure.PLAN] = {sid: 1 if planned.get(sid) else 0 for sid in station_ids}
    if Measure.MEETINGS in measures:
        quarters = stats.meeting_quarters(station_ids, year)
        found[Measure.MEETINGS] = {sid: sum(1 for n in quarters.get(sid, {}).values() if n) for sid in station_ids}
    if Measure.UPLOADS in measures:
        found[Measure.UPLOADS] = stats.on_time_counts(station_ids, year)
    if Measure.LOGS in measures:
        found[Measure.LOGS] = stats.log_counts(station_ids, year)
    return found


@dataclass
class Standing:
    """One station's line in the standings: points per criterion id (None: not yet scored)."""

    station_id: int
    title: str
    committee: str
    points: dict
    counts: dict = field(default_factory=dict)
    total: Decimal = Decimal(0)
    rank: int = 0
    excellent: bool = False
    missing: list = field(default_factory=list)

    def cells(self, criteria):
        """[(criterion, points or None, count or None)] in the criteria's order."""
        return [(c, self.points.get(c.pk), self.counts.get(c.pk)) for c in criteria]


def criteria_of(scheme):
    return list(scheme.criteria.order_by("sort_order", "pk"))


def live_stations():
    return WorkstationPage.objects.live()


def _station_rows(stations):
    return list(stations.order_by("title").values_list("pk", "title", "committee__name"))


def standings(scheme, stations, criteria=None):
    """The live standings of `stations` (a WorkstationPage QuerySet) under `scheme`: auto points
    from stats, manual from ManualScore, totals, ranks (equal totals share a rank) and who is
    优秀. A fixed number of queries, whatever the number of stations."""
    criteria = criteria_of(scheme) if criteria is None else criteria
    rows = _station_rows(stations)
    ids = [pk for pk, _title, _committee in rows]
    counts = auto_counts({c.measure for c in criteria if c.method == Criterion.Method.AUTO}, ids, scheme.year)
    manual = {
        (s.criterion_id, s.station_id): s.points
        for s in ManualScore.objects.filter(criterion__scheme=scheme, station_id__in=ids).only(
            "criterion_id", "station_id", "points"
        )
    }
    result = []
    for pk, title, committee in rows:
        line = Standing(station_id=pk, title=title, committee=committee or "", points={})
        for criterion in criteria:
            if criterion.method == Criterion.Method.AUTO:
                count = counts[criterion.measure].get(pk, 0)
                line.counts[criterion.pk] = count
                line.points[criterion.pk] = points_for(criterion, count)
            else:
                line.points[criterion.pk] = manual.get((criterion.pk, pk))
                if line.points[criterion.pk] is None:
                    line.missing.append(criterion.name)
        line.total = sum((p for p in line.points.values() if p is not None), Decimal(0))
        result.append(line)
    return rank(result, scheme)


def rank(lines, scheme):
    """Sort by total (then title), give equal totals one rank (1, 2, 2, 4) and name the 优秀:
    rank within excellent_count and total at or above excellent_threshold (whichever are set), and
    more than nothing: a year with no points yet names nobody, however the ranks tie."""
    lines.sort(key=lambda line: (-line.total, line.title))
    previous, position = None, 0
    for index, line in enumerate(lines, start=1):
        if line.total != previous:
            position, previous = index, line.total
        line.rank = position
        named = scheme.excellent_count is not None or scheme.excellent_threshold is not None
        line.excellent = (
            named
            and line.total > 0
            and (scheme.excellent_count is None or line.rank <= scheme.excellent_count)
            and (scheme.excellent_threshold is None or line.total >= scheme.excellent_threshold)
        )
    return lines


def kept_standings(scheme, station_ids=None):
    """The standings as published (AssessmentResult rows), optionally only `station_ids`."""
    results = scheme.results.select_related("station__committee").order_by("rank", "station_title")
    if station_ids is not None:
        results = results.filter(station_id__in=list(station_ids))
    lines = []
    for result in results:
        points = {int(k): (Decimal(v) if v is not None else None) for k, v in result.points.items()}
        committee = result.station.committee.name if result.station.committee_id else ""
        lines.append(
            Standing(
                station_id=result.station_id,
                title=result.station_title,
                committee=committee,
                points=points,
                total=result.total,
                rank=result.rank,
                excellent=result.excellent,
            )
        )
    return lines


def standings_for(user, scheme, criteria=None):
    """What `user` reads of the year: the kept standings once published, else the live ones,
    over the stations rules.stations_visible_to gives them."""
    visible = station_rules.stations_visible_to(user)
    if scheme.published:
        everything = station_rules.sees_everything(user)
        return kept_standings(scheme, None if everything else visible.values_list("pk", flat=True))
    if station_rules.sees_everything(user):
        return standings(scheme, visible, criteria)
    # A committee office sees its stations' lines, ranked among all (the rank is the district's).
    mine = set(visible.values_list("pk", flat=True))
    return [line for line in standings(scheme, live_stations(), criteria) if line.station_id in mine]


# --- scoring


def parse_points(text):
    """A score as typed: Decimal, None for blank, or a message."""
    text = str(text if text is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "「得分」：请填写数字，如 8.5"
    if not value.is_finite():
        return "「得分」：请填写数字，如 8.5"
    return value


def score_error(criterion, value):
    """The message for a score out of bounds, or ""."""
    if value < 0:
        return "「得分」：不能为负数"
    if value > criterion.max_points:
        return f"「得分」：不能超过满分 {criterion.max_points} 分"
    if value != value.quantize(ONE_PLACE):
        return "「得分」：最多保留一位小数"
    return ""


@transaction.atomic
def save_scores(user, scheme, entries):
    """Write manual scores: `entries` {(criterion id, station id): typed text or Decimal or None}
    (blank removes a score). All or nothing; refused for a published year, for an automatic or
    another year's criterion, and for a station outside the user's scope (another committee's).
    Returns the number of scores changed."""
    if not may_score(user):
        raise AssessmentError("只有专委会工作室和委员联络室可以评分。")
    scheme = _locked_scheme(scheme)
    _refuse_if_published(scheme, "得分")
    criteria = {c.pk: c for c in scheme.criteria.filter(method=Criterion.Method.MANUAL)}
    wanted_stations = {station_id for _criterion_id, station_id in entries}
    allowed = dict(scoring_stations(user).filter(pk__in=wanted_stations).values_list("pk", "title"))
    titles = dict(WorkstationPage.objects.filter(pk__in=wanted_stations).values_list("pk", "title"))
    errors, values = [], {}
    for (criterion_id, station_id), typed in entries.items():
        criterion = criteria.get(criterion_id)
        title = titles.get(station_id, "这个工作室")
        if criterion is None:
            errors.append("「考核项目」：只有本年度的人工评分项目可以评分")
            continue
        if station_id not in allowed:
            errors.append(f"{title}「得分」：不是本专委会对口的委员工作室，不能评分")
            continue
        value = typed if isinstance(typed, Decimal) or typed is None else parse_points(typed)
        if isinstance(value, str):
            errors.append(f"{title} · {criterion.name}{value}")
            continue
        if value is not None and (problem := score_error(criterion, value)):
            errors.append(f"{title} · {criterion.name}{problem}")
            continue
        values[(criterion_id, station_id)] = value
    if errors:
        raise AssessmentError(errors)
    current = {
        (s.criterion_id, s.station_id): s
        for s in ManualScore.objects.filter(criterion_id__in=criteria, station_id__in=wanted_stations)
    }
    changed = 0
    for (criterion_id, station_id), value in values.items():
        score = current.get((criterion_id, station_id))
        if value is None:
            if score is not None:
                score.delete()
                changed += 1
        elif score is None:
            ManualScore.objects.create(criterion_id=criterion_id, station_id=station_id, points=value, scored_by=user)
            changed += 1
        elif score.points != value:
            score.points, score.scored_by = value, user
            score.save(update_fields=["points", "scored_by", "scored_at"])
            changed += 1
    return changed


# --- publishing


@transaction.atomic
def publish(user, scheme, now=None):
    """Keep every live station's standing as an AssessmentResult and mark the year published.
    Refused once published (the other of two users gets who did it), without a way of naming
    the 优秀, or while a manual criterion is unscored for some station."""
    if not may_manage(user):
        raise AssessmentError("只有委员联络室可以发布考核结果。")
    scheme = _locked_scheme(scheme)
    if scheme.published:
        by = scheme.published_by
        who = (by.get_full_name() or by.get_username()) if by else ""
        raise AssessmentError(f"{published_text(scheme)}{f'（{who}）' if who else ''}，无需再次发布。")
    if scheme.excellent_count is None and scheme.excellent_threshold is None:
        raise AssessmentError("「优秀名额」：请先填写前 N 名或分数线，再发布")
    criteria = criteria_of(scheme)
    if not criteria:
        raise AssessmentError("「考核项目」：考核办法还没有考核项目")
    lines = standings(scheme, live_stations(), criteria)
    unscored = [f"{line.title}（{'、'.join(line.missing)}）" for line in lines if line.missing]
    if unscored:
        more = f"等 {len(unscored)} 个工作室" if len(unscored) > 5 else ""
        raise AssessmentError(f"「得分」：还有人工评分项目未评分：{'；'.join(unscored[:5])}{more}。评分完成后再发布。")
    AssessmentResult.objects.filter(scheme=scheme).delete()
    AssessmentResult.objects.bulk_create(
        AssessmentResult(
            scheme=scheme,
            station_id=line.station_id,
            station_title=line.title,
            total=line.total,
            rank=line.rank,
            excellent=line.excellent,
            points={str(pk): (str(p) if p is not None else None) for pk, p in line.points.items()},
        )
        for line in lines
    )
    scheme.published_at = now or timezone.now()
    scheme.published_by = user
    scheme.save(update_fields=["published_at", "published_by"])
    # The badge is on public station pages: anonymous visitors' cached copies go.
    transaction.on_commit(clear_public_cache)
    return scheme


def excellent_years(station_id):
    """The years a station was named 优秀委员工作室 in a published 考核, newest first (one query)."""
    return list(
        AssessmentResult.objects.filter(station_id=station_id, excellent=True, scheme__published_at__isnull=False)
        .order_by("-scheme__year")
        .values_list("scheme__year", flat=True)
    )
