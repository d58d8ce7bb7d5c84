"""The year's plan as readers see it: which 活动主体 there are, which entries belong to each, and the
plan laid out month by month. The public CalendarPage and the iCal feeds (feeds.py) both read these,
so "what 教育界 sees" is decided once.

A body's entries are its own plus those of the class bodies that include it: 教育界 also sees what
the plan gives 各界别组 and 全体委员, a committee sees 各专委会 and 全体委员, a party 各党派 and
全体委员, a street group 全体委员. 主席会议/区政协领导 and 区政协办公室 stand alone. A 分批 batch
belongs wherever its parent entry does, as well as to its own bodies."""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from people.models import Party, Sector, SpecialCommittee, StreetGroup

from .models import ROW_FIELDS, BodyKind, EntryBody, ScheduleEntry, month_label

# The class bodies that include a body: their entries reach its page filter and its feed.
ENCLOSING = {
    BodyKind.COMMITTEE: (BodyKind.ALL_COMMITTEES, BodyKind.ALL_MEMBERS),
    BodyKind.SECTOR: (BodyKind.ALL_SECTORS, BodyKind.ALL_MEMBERS),
    BodyKind.PARTY: (BodyKind.ALL_PARTIES, BodyKind.ALL_MEMBERS),
    BodyKind.STREET_GROUP: (BodyKind.ALL_MEMBERS,),
    BodyKind.ALL_COMMITTEES: (BodyKind.ALL_MEMBERS,),
    BodyKind.ALL_SECTORS: (BodyKind.ALL_MEMBERS,),
    BodyKind.ALL_PARTIES: (BodyKind.ALL_MEMBERS,),
    BodyKind.ALL_MEMBERS: (),
    BodyKind.LEADERS: (),
    BodyKind.OFFICE: (),
}

# The reference table behind each kind that names one row.
ROW_MODELS = {
    BodyKind.COMMITTEE: SpecialCommittee,
    BodyKind.SECTOR: Sector,
    BodyKind.PARTY: Party,
    BodyKind.STREET_GROUP: StreetGroup,
}

# In feed addresses the fixed bodies sit under one folder: /calendar/group/leaders.ics.
FIXED_FOLDER = "group"

# The order the filter lists bodies in.
FIXED_ORDER = (
    BodyKind.LEADERS,
    BodyKind.OFFICE,
    BodyKind.ALL_MEMBERS,
    BodyKind.ALL_COMMITTEES,
    BodyKind.ALL_SECTORS,
    BodyKind.ALL_PARTIES,
)
ROW_ORDER = (BodyKind.COMMITTEE, BodyKind.SECTOR, BodyKind.PARTY, BodyKind.STREET_GROUP)


@dataclass(frozen=True)
class Body:
    """One 活动主体 a reader can pick: a fixed body (row None) or one committee, sector, party or
    street group."""

    kind: str
    row: object = None

    @property
    def name(self):
        return self.row.name if self.row is not None else str(BodyKind(self.kind).label)

    @property
    def row_id(self):
        return self.row.pk if self.row is not None else None

    @property
    def feed_url(self):
        if self.row is None:
            return reverse("calendar_body", kwargs={"kind": FIXED_FOLDER, "key": self.kind})
        return reverse("calendar_body", kwargs={"kind": self.kind, "key": str(self.row.pk)})

    @property
    def also(self):
        """ "各界别组、全体委员": whose entries this body's view includes."""
        return "、".join(str(BodyKind(kind).label) for kind in ENCLOSING[BodyKind(self.kind)])

    def query(self):
        """The EntryBody rows that put an entry in this body's plan."""
        if self.row is None:
            found = Q(kind=self.kind)
        else:
            found = Q(kind=self.kind, **{ROW_FIELDS[BodyKind(self.kind)]: self.row})
        for enclosing in ENCLOSING[BodyKind(self.kind)]:
            found |= Q(kind=enclosing)
        return found


def body_of_entry_row(entry_body):
    """The Body an EntryBody row names (for its feed link)."""
    return Body(entry_body.kind, entry_body.row)


def find_body(kind, key):
    """The body named by an address or a filter (`kind`, `key`), or None when there is none: a
    fixed body as (kind, None) or ("group", kind); a row as (kind, its id)."""
    if kind == FIXED_FOLDER:
        kind, key = key, None
    if kind in FIXED_ORDER:
        return Body(kind) if key in (None, "") else None
    if kind not in ROW_MODELS:
        return None
    if isinstance(key, str):
        if not key.isdecimal():
            return None
        key = int(key)
    if not isinstance(key, int):
        return None
    row = ROW_MODELS[BodyKind(kind)].objects.filter(pk=key).first()
    return Body(kind, row) if row is not None else None


def all_bodies():
    """[(heading, [Body])] for the filter: the fixed bodies, then each reference table in order."""
    groups = [("综合", [Body(kind) for kind in FIXED_ORDER])]
    for kind in ROW_ORDER:
        groups.append((str(kind.label), [Body(kind, row) for row in ROW_MODELS[kind].objects.all()]))
    return groups


def entries_of(body=None):
    """The entries `body` sees (every entry when body is None), batches with their parents."""
    entries = ScheduleEntry.objects.all()
    if body is None:
        return entries
    held = EntryBody.objects.filter(body.query()).values("entry_id")
    return entries.filter(Q(pk__in=held) | Q(batch_of_id__in=held))


def with_display_data(entries):
    """Entries ready to show: bodies and their rows, the number of invited members."""
    bodies = EntryBody.objects.select_related("committee", "sector", "party", "street_group")
    return entries.annotate(invited_count=Count("invited", distinct=True)).prefetch_related(
        Prefetch("bodies", queryset=bodies)
    )


def plan_years():
    """The plan years that have entries, and this year, newest first."""
    years = set(ScheduleEntry.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def _months_between(first, last):
    month = first
    while month <= last:
        yield month
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass
class Item:
    """An entry in one month, with the batches of it that fall in that month."""

    entry: ScheduleEntry
    batches: list
    first: bool = False  # the entry's first month on the page carries its anchor (#entry-<pk>)


def month_sections(entries, year):
    """[(label, month, [Item])]: the twelve months of `year`, then any month of the next year the
    plan runs into ("2018年1月"). An entry shows in every month it covers; a batch shows under
    its parent, in the months the batch covers (the parent is listed there even when it does not
    cover that month itself)."""
    entries = list(entries)
    shown = {entry.pk for entry in entries}
    parents = {entry.pk: entry for entry in entries if entry.batch_of_id is None or entry.batch_of_id not in shown}
    months = {datetime.date(year, number, 1): {} for number in range(1, 13)}
    for entry in entries:
        top = parents.get(entry.pk) or parents.get(entry.batch_of_id)
        if top is None:  # a batch whose parent is a batch itself: show it on its own
            top = parents.setdefault(entry.pk, entry)
        for month in _months_between(entry.first_month, entry.last_month):
            if month.year < year:
                continue
            item = months.setdefault(month, {}).setdefault(top.pk, Item(top, []))
            if entry is not top:
                item.batches.append(entry)
    sections = []
    anchored = set()
    for month in sorted(months):
        items = sorted(months[month].values(), key=lambda item: _entry_order(item.entry))
        for item in items:
            item.batches.sort(key=lambda batch: (batch.batch_number or 0, _entry_order(batch)))
            item.first = item.entry.pk not in anchored
            anchored.add(item.entry.pk)
        label = f"{month.month}月" if month.year == year else f"{month.year}年{month.month}月"
        sections.append((label, month, items))
    return sections


def _entry_order(entry):
    return (entry.start_date or entry.first_month, entry.start_time or datetime.time(0), entry.pk)


def when_label(entry):
    """The entry's time as the plan gives it: its months, then exact dates and times when set."""
    label = month_label(entry.first_month, entry.last_month)
    if not entry.start_date:
        return label
    day = _day(entry.start_date)
    if entry.start_time:
        day += f" {entry.start_time:%H:%M}"
    end = ""
    if entry.end_date and entry.end_date != entry.start_date:
        end = _day(entry.end_date)
        if entry.end_time:
            end += f" {entry.end_time:%H:%M}"
    elif entry.end_time:
        end = f"{entry.end_time:%H:%M}"
    return f"{label} · {day}{'—' + end if end else ''}"


def _day(date):
    return f"{date.month}月{date.day}日"


class CalendarFilterForm(forms.Form):
    """The page's query string, checked as cfgov's filterable pages do: a year, and a body as
    kind + id (no id for the fixed bodies)."""

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(required=False, choices=[("", "")] + list(BodyKind.choices))
    id = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        ident = data.get("id")
        data["body"] = None
        if self.errors or not kind:
            if ident is not None and not kind:
                raise forms.ValidationError("请同时选择活动主体的类型。")
            return data
        body = find_body(kind, ident)
        if body is None:
            raise forms.ValidationError("找不到所选的活动主体。")
        data["body"] = body
        return data


FILTER_NOTE = "筛选条件无法识别，已显示全部活动安排。"


def read_filter(params):
    """(year, body, note): the year and body the query string asks for; an unknown year or body
    gives this year and every body, with a note saying so."""
    this_year = timezone.localdate().year
    if not any(params.get(name) for name in ("year", "kind", "id")):
        return this_year, None, ""
    form = CalendarFilterForm(params)
    if form.is_valid():
        return form.cleaned_data["year"] or this_year, form.cleaned_data["body"], ""
    year = form.cleaned_data.get("year") if "year" not in form.errors else None
    return year or this_year, None, FILTER_NOTE


def page_context(params):
    """What the CalendarPage shows for a query string."""
    year, body, note = read_filter(params)
    entries = with_display_data(entries_of(body).filter(year=year))
    sections = month_sections(entries, year)
    return {
        "year": year,
        "years": plan_years(),
        "body": body,
        "filter_note": note,
        "sections": sections,
        "entry_count": len({item.entry.pk for _label, _month, items in sections for item in items}),
        "body_groups": all_bodies(),
    }
