"""The old free-text 组长 and 联络员 of each street group become StreetGroupPosition rows.

Each field was written as two people (双组长、双联络员) separated by 、，,；; or a space. A part
naming the street (街道, 办事处, 社区) is the street's side; one naming 政协, 委 or 室 is the
政协 side. "姓名（单位及职务）" gives a name and a title; a part that is only a title keeps it as
the name, to be completed. Whatever cannot be placed this way (one part, three parts, two parts
on one side) is kept word for word in unsplit_text. Every migrated group is flagged 待完善: the
old fields never held the two 副组长."""

import re

from django.db import migrations

SEPARATORS = re.compile(r"[、，,；;/\s]+")
NAME_AND_TITLE = re.compile(r"^(?P<name>[^（(]{1,20})[（(](?P<title>.+)[)）]$")


def side_of(part):
    if any(word in part for word in ("街道", "办事处", "社区")):
        return "street"
    if any(word in part for word in ("政协", "委", "室")):
        return "cppcc"
    return None


def person(part):
    match = NAME_AND_TITLE.match(part)
    if match:
        return match["name"].strip()[:50], match["title"].strip()[:100]
    return part[:50], ""


def split(text):
    """{side: (name, title)} when the text is one person of each side, else None."""
    parts = [p for p in SEPARATORS.split(text.strip()) if p]
    if len(parts) != 2:
        return None
    sides = {side_of(part): part for part in parts}
    if set(sides) != {"cppcc", "street"}:
        return None
    return {side: person(part) for side, part in sides.items()}


def forwards(apps, schema_editor):
    StreetGroup = apps.get_model("people", "StreetGroup")
    Position = apps.get_model("people", "StreetGroupPosition")
    for group in StreetGroup.objects.all():
        leftover = []
        for post, label, text in (("leader", "组长", group.leaders), ("liaison", "联络员", group.liaisons)):
            if not text.strip():
                continue
            placed = split(text)
            if placed is None:
                leftover.append(f"{label}：{text.strip()}")
                continue
            for side, (name, title) in placed.items():
                Position.objects.create(group=group, post=post, side=side, name=name, title=title)
        group.unsplit_text = "\n".join(leftover)
        group.incomplete = True
        group.save(update_fields=["unsplit_text", "incomplete"])


def backwards(apps, schema_editor):
    StreetGroup = apps.get_model("people", "StreetGroup")
    Position = apps.get_model("people", "StreetGroupPosition")
    for group in StreetGroup.objects.all():
        posts = {(p.post, p.side): p for p in Position.objects.filter(group=group)}
        # What forwards could not split went to unsplit_text as "组长：…" / "联络员：…" lines.
        kept = dict(line.split("：", 1) for line in group.unsplit_text.splitlines() if "：" in line)
        for post, label, field in (("leader", "组长", "leaders"), ("liaison", "联络员", "liaisons")):
            names = [posts[(post, side)].name for side in ("cppcc", "street") if (post, side) in posts]
            setattr(group, field, ("、".join(names) or kept.get(label, ""))[:200])
        group.save(update_fields=["leaders", "liaisons"])
    Position.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0006_street_group_posts_and_station_accounts")]

    operations = [migrations.RunPython(forwards, backwards)]
