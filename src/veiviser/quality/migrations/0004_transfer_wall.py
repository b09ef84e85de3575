from django.db import migrations

from veiviser.tenancy import db

# The transfers hold a youth's identity and history: the tenant wall (veiviser.tenancy).
TABLES = ["quality_senttransfer", "quality_receivedtransfer"]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("quality", "0003_transfers")]

    operations = [migrations.RunPython(install, remove)]
