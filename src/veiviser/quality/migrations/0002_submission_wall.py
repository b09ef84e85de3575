from django.db import migrations

from veiviser.tenancy import db

# The submission log names no youth, but it is one county's business: the same wall as the
# tables with personal data (veiviser.tenancy).
TABLES = ["quality_submission"]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
