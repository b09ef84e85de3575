"""Covering indexes for the statistics' reading (docs/performance.md): the status or reason in
force at a date is the latest fact by (valid_from, recorded_at), and with the code (reason) in
the index it is read from the index alone. The old (registration, valid_from) index was never
used: the unique constraint (registration, valid_from, recorded_at) served that order."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_county_change"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="statusfact",
            name="statusfact_reading_idx",
        ),
        migrations.AddIndex(
            model_name="reasonfact",
            index=models.Index(
                fields=["registration", "valid_from", "recorded_at", "reason"],
                name="reasonfact_reading_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="statusfact",
            index=models.Index(
                fields=["registration", "valid_from", "recorded_at", "code"],
                name="statusfact_reading_idx",
            ),
        ),
    ]
