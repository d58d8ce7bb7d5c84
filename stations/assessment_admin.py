"""工作室运行 › 考核 in the admin: the year's 考核 board, its criteria, the scoring grid, naming the
优秀委员工作室, publishing, and the ranking as xlsx and PDF.

- 委员联络室 (assessment.may_manage) sets the scheme up (the default at one click, then 修改考核项目),
  sees every station's auto and manual points and totals, sets 优秀名额/分数线 and publishes;
- a 专委会工作室 scores the manual criteria of its 对口委室's stations (评分) and reads their lines;
- the leadership reads the board and the files.
Each view is thin: it fetches through assessment's selectors and calls one of its writers, whose
refusal (in Chinese, naming the field) is shown as a message or beside the grid."""

from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from forms_app.pdf import render_pdf
from lianxin_site.dates import FIRST_YEAR, this_year, year_param
from lianxin_site.downloads import pdf_response, xlsx_response
from lianxin_site.spreadsheet import table_xlsx
from results.admin import forbidden

from . import assessment
from . import rules as station_rules
from .models import AssessmentScheme, Criterion, Measure

VIEW_REFUSAL = "您的账号没有查看委员工作室考核的权限。专委会工作室、委员联络室和秘书长、分管副主席、主席会议可以查看。"
MANAGE_REFUSAL = "只有委员联络室可以设置考核办法、评定和发布优秀委员工作室。"
SCORE_REFUSAL = "只有专委会工作室（为对口委室的委员工作室）和委员联络室可以评分。"


def allowed(test, refusal):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                return forbidden(request, refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def board_url(year):
    return f"{reverse('station_assessment')}?year={year}"


def scheme_or_404(year):
    scheme = AssessmentScheme.objects.filter(year=year).first()
    if scheme is None:
        raise Http404("这一年还没有考核办法。")
    return scheme


def year_of(value):
    text = str(value)
    if not text.isdecimal() or not FIRST_YEAR <= int(text) <= this_year() + 1:
        raise Http404
    return int(text)


def refuse(request, error):
    for text in error.errors:
        messages.error(request, text)


# --- the board


@require_GET
@allowed(assessment.may_view, VIEW_REFUSAL)
def board(request):
    year = year_param(request.GET.get("year"))
    scheme = AssessmentScheme.objects.filter(year=year).select_related("published_by").first()
    years = sorted({*AssessmentScheme.objects.values_list("year", flat=True), this_year(), year}, reverse=True)
    context = {"title": "考核", "year": year, "years": years, "scheme": scheme}
    user = request.user
    if scheme is not None:
        criteria = assessment.criteria_of(scheme)
        lines = assessment.standings_for(user, scheme, criteria)
        context.update(
            criteria=criteria,
            rows_html=rows_html(lines, criteria),
            line_count=len(lines),
            total_max=sum(c.max_points for c in criteria),
            excellent=[line.title for line in lines if line.excellent],
            unscored=sum(1 for line in lines if line.missing),
            may_manage=assessment.may_manage(user),
            may_score=assessment.may_score(user) and not scheme.published,
            everything=station_rules.sees_everything(user),
            settings_form=SettingsForm(
                initial={
                    "excellent_count": scheme.excellent_count,
                    "excellent_threshold": scheme.excellent_threshold,
                }
            ),
            published_text=assessment.published_text(scheme) if scheme.published else "",
        )
    else:
        context["may_manage"] = assessment.may_manage(user)
    return render(request, "stations/admin/assessment.html", context)


def _cell(criterion, points, count):
    text = "未评" if points is None else str(points)
    extra = format_html('<br><span class="count">{}/{}</span>', count, criterion.full_at) if count is not None else ""
    return format_html('<td class="num{}">{}{}</td>', " missing" if points is None else "", text, extra)


def rows_html(lines, criteria):
    """The standings' table rows, escaped, built here rather than by nested template loops: a
    50-station board renders in a third of the time."""
    star = mark_safe('<span class="star">★ 优秀委员工作室</span>')  # a constant, no user text
    return format_html_join(
        "\n",
        '<tr class="{}" data-station="{}"><td class="num">{}</td><td>{}</td><td>{}</td>{}'
        '<td class="num"><strong>{}</strong></td><td>{}</td></tr>',
        (
            (
                "excellent" if line.excellent else "",
                line.station_id,
                line.rank,
                line.title,
                line.committee or "—",
                format_html_join("", "{}", ((_cell(*cell),) for cell in line.cells(criteria))),
                line.total,
                star if line.excellent else "",
            )
            for line in lines
        ),
    )


@require_POST
@allowed(assessment.may_manage, MANAGE_REFUSAL)
def create_default(request):
    year = year_param(request.POST.get("year"))
    try:
        assessment.create_default_scheme(request.user, year)
    except assessment.AssessmentError as exc:
        refuse(request, exc)
    else:
        messages.success(request, f"已按默认考核办法建立{year}年度考核，可以修改考核项目和满分。")
    return redirect(board_url(year))


class SettingsForm(forms.Form):
    excellent_count = forms.IntegerField(
        label="优秀名额（前 N 名）",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": "「优秀名额（前 N 名）」：请填写整数",
            "min_value": "「优秀名额（前 N 名）」：应至少为 1",
        },
    )
    excellent_threshold = forms.DecimalField(
        label="优秀分数线",
        required=False,
        max_digits=6,
        decimal_places=1,
        error_messages={
            "invalid": "「优秀分数线」：请填写数字，如 85",
            "max_decimal_places": "「优秀分数线」：最多保留一位小数",
        },
    )


@require_POST
@allowed(assessment.may_manage, MANAGE_REFUSAL)
def save_settings(request, year):
    scheme = scheme_or_404(year_of(year))
    form = SettingsForm(request.POST)
    if not form.is_valid():
        for texts in form.errors.values():
            for text in texts:
                messages.error(request, text)
        return redirect(board_url(scheme.year))
    try:
        assessment.save_settings(
            request.user, scheme, form.cleaned_data["excellent_count"], form.cleaned_data["excellent_threshold"]
        )
    except assessment.AssessmentError as exc:
        refuse(request, exc)
    else:
        messages.success(request, "已保存优秀委员工作室的评定办法，下表已按它标出优秀。")
    return redirect(board_url(scheme.year))


@require_POST
@allowed(assessment.may_manage, MANAGE_REFUSAL)
def publish(request, year):
    scheme = scheme_or_404(year_of(year))
    try:
        assessment.publish(request.user, scheme)
    except assessment.AssessmentError as exc:
        refuse(request, exc)
    else:
        messages.success(
            request, f"已发布{scheme.year}年度考核结果；优秀委员工作室的页面显示「{scheme.year}年度优秀委员工作室」。"
        )
    return redirect(board_url(scheme.year))


# --- criteria


class CriterionForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="考核项目", max_length=100, required=False)
    max_points = forms.IntegerField(
        label="满分", required=False, error_messages={"invalid": "「满分」：应为 1 到 100 的整数"}
    )
    method = forms.ChoiceField(label="计分方式", choices=Criterion.Method.choices)
    measure = forms.ChoiceField(
        label="自动计分依据", choices=[("", "（人工评分不填）"), *Measure.choices], required=False
    )
    full_at = forms.IntegerField(
        label="满分所需数量", required=False, error_messages={"invalid": "「满分所需数量」：请填写整数"}
    )
    sort_order = forms.IntegerField(label="排序", required=False, min_value=0, max_value=30000)
    delete = forms.BooleanField(label="删除", required=False)

    def row(self):
        data = self.cleaned_data
        return {
            "pk": data.get("pk"),
            "name": data.get("name") or "",
            "max_points": data.get("max_points"),
            "method": data.get("method"),
            "measure": data.get("measure") or "",
            "full_at": data.get("full_at") if data.get("full_at") is not None else 1,
            "sort_order": data.get("sort_order") or 0,
            "delete": data.get("delete"),
        }

    def is_blank_extra(self):
        data = self.cleaned_data
        return not data.get("pk") and not (data.get("name") or "").strip()


CriterionFormSet = formset_factory(CriterionForm, extra=2, max_num=30)


def criterion_initial(criterion):
    return {
        "pk": criterion.pk,
        "name": criterion.name,
        "max_points": criterion.max_points,
        "method": criterion.method,
        "measure": criterion.measure,
        "full_at": criterion.full_at,
        "sort_order": criterion.sort_order,
    }


@allowed(assessment.may_manage, MANAGE_REFUSAL)
def criteria(request, year):
    scheme = scheme_or_404(year_of(year))
    if scheme.published:
        messages.error(request, f"「考核项目」：{assessment.published_text(scheme)}，不能再修改")
        return redirect(board_url(scheme.year))
    errors = []
    if request.method == "POST":
        formset = CriterionFormSet(request.POST)
        if formset.is_valid():
            rows = [form.row() for form in formset if not form.is_blank_extra()]
            try:
                assessment.save_criteria(request.user, scheme, rows)
            except assessment.AssessmentError as exc:
                errors = exc.errors
            else:
                messages.success(request, "已保存考核项目。")
                return redirect(board_url(scheme.year))
        else:
            errors = [text for form in formset for texts in form.errors.values() for text in texts]
    else:
        formset = CriterionFormSet(initial=[criterion_initial(c) for c in assessment.criteria_of(scheme)])
    return render(
        request,
        "stations/admin/assessment_criteria.html",
        {"title": "修改考核项目", "scheme": scheme, "formset": formset, "errors": errors},
    )


# --- scoring grid


def cell_name(criterion_id, station_id):
    return f"s_{criterion_id}_{station_id}"


@allowed(assessment.may_score, SCORE_REFUSAL)
def score(request, year):
    """One grid: a row per station in the user's scope, a column per manual criterion."""
    scheme = scheme_or_404(year_of(year))
    manual = [c for c in assessment.criteria_of(scheme) if c.method == Criterion.Method.MANUAL]
    stations = list(assessment.scoring_stations(request.user).order_by("title").values_list("pk", "title"))
    stored = {
        (s.criterion_id, s.station_id): s.points
        for s in assessment.ManualScore.objects.filter(criterion__in=manual, station_id__in=[pk for pk, _ in stations])
    }
    errors = []
    typed = {}
    if request.method == "POST":
        if scheme.published:
            messages.error(request, f"「得分」：{assessment.published_text(scheme)}，不能再修改评分")
            return redirect(board_url(scheme.year))
        entries = {}
        for criterion in manual:
            for pk, _title in stations:
                value = request.POST.get(cell_name(criterion.pk, pk), "")
                typed[(criterion.pk, pk)] = value
                entries[(criterion.pk, pk)] = value
        try:
            changed = assessment.save_scores(request.user, scheme, entries)
        except assessment.AssessmentError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"已保存评分（改动 {changed} 项）。")
            return redirect(board_url(scheme.year))
    rows = []
    for pk, title in stations:
        cells = []
        for criterion in manual:
            key = (criterion.pk, pk)
            value = typed.get(key, "" if stored.get(key) is None else stored[key])
            cells.append(
                {"name": cell_name(*key), "value": value, "criterion": criterion, "bad": bad_cell(criterion, value)}
            )
        rows.append((title, cells))
    return render(
        request,
        "stations/admin/assessment_score.html",
        {
            "title": "评分",
            "scheme": scheme,
            "manual": manual,
            "rows": rows,
            "errors": errors,
            "everything": station_rules.sees_everything(request.user),
        },
    )


def bad_cell(criterion, value):
    """Whether a typed value is refused (to mark the cell; the message is above the grid)."""
    parsed = assessment.parse_points(value)
    if isinstance(parsed, str):
        return True
    return parsed is not None and bool(assessment.score_error(criterion, parsed))


# --- files


def _ranking(request, year):
    scheme = scheme_or_404(year_of(year))
    criteria = assessment.criteria_of(scheme)
    return scheme, criteria, assessment.standings_for(request.user, scheme, criteria)


def _points(value):
    return float(value) if isinstance(value, Decimal) else value


def ranking_columns(criteria):
    columns = [
        ("名次", lambda line: line.rank),
        ("委员工作室", lambda line: line.title),
        ("对口委室", lambda line: line.committee),
    ]
    for criterion in criteria:
        columns.append(
            (
                f"{criterion.name}（{criterion.max_points} 分）",
                lambda line, pk=criterion.pk: (
                    _points(line.points.get(pk)) if line.points.get(pk) is not None else "未评"
                ),
            )
        )
    columns += [
        ("总分", lambda line: _points(line.total)),
        ("评定", lambda line: "优秀委员工作室" if line.excellent else ""),
    ]
    return columns


@require_GET
@allowed(assessment.may_view, VIEW_REFUSAL)
def ranking_xlsx(request, year):
    scheme, criteria, lines = _ranking(request, year)
    content = table_xlsx(f"{scheme.year}年度考核", ranking_columns(criteria), lines)
    return xlsx_response(content, f"委员工作室考核结果-{scheme.year}.xlsx")


def ranking_pdf_bytes(scheme, criteria, lines):
    return render_pdf(
        "stations/pdf/assessment.html",
        {
            "scheme": scheme,
            "criteria": criteria,
            "lines": [(line, line.cells(criteria)) for line in lines],
            "total_max": sum(c.max_points for c in criteria),
            "excellent": [line.title for line in lines if line.excellent],
            "published_at": timezone.localtime(scheme.published_at) if scheme.published else None,
            "today": timezone.localdate(),
        },
    )


@require_GET
@allowed(assessment.may_view, VIEW_REFUSAL)
def ranking_pdf(request, year):
    scheme, criteria, lines = _ranking(request, year)
    return pdf_response(request, ranking_pdf_bytes(scheme, criteria, lines), f"委员工作室考核结果-{scheme.year}.pdf")


MODELADMINS = ()
MENU = (  # (label, url name, icon, allowed(user), order)
    ("考核", "station_assessment", "success", assessment.may_view, 400),
)
urls = [
    path("stations/assessment/", board, name="station_assessment"),
    path("stations/assessment/create/", create_default, name="station_assessment_create"),
    path("stations/assessment/<str:year>/criteria/", criteria, name="station_assessment_criteria"),
    path("stations/assessment/<str:year>/settings/", save_settings, name="station_assessment_settings"),
    path("stations/assessment/<str:year>/score/", score, name="station_assessment_score"),
    path("stations/assessment/<str:year>/publish/", publish, name="station_assessment_publish"),
    path("stations/assessment/<str:year>/ranking.xlsx", ranking_xlsx, name="station_assessment_xlsx"),
    path("stations/assessment/<str:year>/ranking.pdf", ranking_pdf, name="station_assessment_pdf"),
]
