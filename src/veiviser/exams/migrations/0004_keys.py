"""A stable key per row for the exchange format (docs/exchange.md, version 2): existing rows
get a generated key each, then the key is unique per county."""

from django.db import migrations, models

import veiviser.exchange.keys


def fill(apps, schema_editor):
    for name in ("examentry",):
        model = apps.get_model("exams", name)
        for row in model.objects.filter(key="").only("pk").iterator():
            model.objects.filter(pk=row.pk).update(key=veiviser.exchange.keys.new_key())


class Migration(migrations.Migration):
    dependencies = [("exams", "0003_subjects")]

    operations = [
        migrations.AddField(
            model_name="examentry",
            name="key",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="key"),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="examentry",
            name="key",
            field=models.CharField(
                default=veiviser.exchange.keys.new_key,
                editable=False,
                max_length=64,
                verbose_name="key",
            ),
        ),
        migrations.AddConstraint(
            model_name="examentry",
            constraint=models.UniqueConstraint(fields=("county", "key"), name="exam_entry_unique_key"),
        ),
    ]
