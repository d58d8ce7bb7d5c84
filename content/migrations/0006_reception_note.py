# The free-text 接待日 line keeps its text under a new name: each dated 接待日 citizens book is now
# an intake.ReceptionDay, listed on the page as `reception_days`.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("content", "0005_station_kind_and_activity_days"),
    ]

    operations = [
        migrations.RenameField(model_name="workstationpage", old_name="reception_days", new_name="reception_note"),
        migrations.AlterField(
            model_name="workstationpage",
            name="reception_note",
            field=models.CharField(
                blank=True, help_text="如“每月第一个周三 9:00—11:30”。", max_length=200, verbose_name="委员接待日说明"
            ),
        ),
    ]
