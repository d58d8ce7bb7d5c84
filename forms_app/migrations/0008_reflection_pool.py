"""履职心语 become a pool: each keeps its filing's year, submitter and time, from the filing."""

import django.db.models.deletion
import django.utils.timezone
import lianxin_site.storage
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_from_filings(apps, schema_editor):
    Reflection = apps.get_model("forms_app", "Reflection")
    FiveOnesFiling = apps.get_model("forms_app", "FiveOnesFiling")
    filing = FiveOnesFiling.objects.filter(pk=OuterRef("filing_id"))
    Reflection.objects.update(
        year=Subquery(filing.values("year")[:1]),
        submitted_at=Subquery(filing.values("submitted_at")[:1]),
        submitted_by=Subquery(filing.values("submitted_by")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('forms_app', '0007_founding_window_and_report_summary'),
        ('people', '0008_drop_street_group_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reflection',
            name='genre',
            field=models.CharField(blank=True, choices=[('sentence', '一句话'), ('poem', '诗词'), ('story', '故事'), ('lyrics', '歌词'), ('calligraphy', '书法作品')], max_length=12, verbose_name='体裁'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='image',
            field=models.FileField(blank=True, max_length=255, storage=lianxin_site.storage.private_storage, upload_to='reflections/%Y/', verbose_name='图片'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='mark',
            field=models.CharField(choices=[('pending', '待选'), ('chosen', '入选'), ('reserve', '备选'), ('rejected', '不选')], default='pending', max_length=10, verbose_name='遴选'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='mark_note',
            field=models.CharField(blank=True, max_length=200, verbose_name='遴选意见'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='marked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='遴选时间'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='marked_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='遴选人'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='source',
            field=models.CharField(choices=[('filing', '备案表'), ('member', '委员投稿'), ('paper', '纸质录入')], default='filing', max_length=10, verbose_name='来源'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='submitted_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='提交时间'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='submitted_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提交人'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='撤回时间'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='year',
            field=models.PositiveIntegerField(db_index=True, null=True, verbose_name='年度'),
        ),
        migrations.RunPython(fill_from_filings, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='reflection',
            name='year',
            field=models.PositiveIntegerField(db_index=True, verbose_name='年度'),
        ),
        migrations.AlterField(
            model_name='reflection',
            name='filing',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reflections', to='forms_app.fiveonesfiling'),
        ),
        migrations.AddField(
            model_name='reflection',
            name='copies_checked',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name='reflection',
            index=models.Index(fields=['year', 'mark'], name='reflection_year_mark'),
        ),
    ]
