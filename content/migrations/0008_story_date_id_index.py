"""Stories are listed newest first by (date, id), and a deep page of the story index continues from
a (date, id) key (?before= / ?after=, content.models.story_list_page): one index on both columns
serves them on PostgreSQL, where the index on date alone left the id to a sort of each date's rows.
(On SQLite an index already ends with the row id, which is the story's id: the same index there.)
It also serves everything the date index did, so that one goes."""

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0007_post_station"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="storypage",
            index=models.Index(fields=["date", "page_ptr"], name="content_story_date_id"),
        ),
        migrations.AlterField(
            model_name="storypage",
            name="date",
            field=models.DateField(default=datetime.date.today, verbose_name="发布日期"),
        ),
    ]
