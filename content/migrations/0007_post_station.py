# Each 动态 gets an indexed link to the 委员工作室 it sits under, so a station's month strip and
# latest posts read an index (station, date) instead of every station's posts filtered by tree path.
# Existing posts get the station above them in the tree.

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

STEPLEN = 4  # treebeard's path step for Wagtail pages


def link_posts_to_stations(apps, schema_editor):
    Post = apps.get_model("content", "WorkstationPostPage")
    Station = apps.get_model("content", "WorkstationPage")
    stations = dict(Station.objects.values_list("path", "pk"))
    by_station = defaultdict(list)
    for pk, path in Post.objects.values_list("pk", "path").iterator(chunk_size=2000):
        station_id = stations.get(path[:-STEPLEN])
        if station_id is not None:
            by_station[station_id].append(pk)
    for station_id, ids in by_station.items():
        for start in range(0, len(ids), 500):
            Post.objects.filter(pk__in=ids[start : start + 500]).update(station_id=station_id)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0006_reception_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="workstationpostpage",
            name="station",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="station_posts",
                to="content.workstationpage",
                verbose_name="委员工作室",
            ),
        ),
        migrations.AddIndex(
            model_name="workstationpostpage",
            index=models.Index(fields=["station", "date"], name="content_post_station_date"),
        ),
        migrations.RunPython(link_posts_to_stations, migrations.RunPython.noop),
    ]
