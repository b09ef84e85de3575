from django.db import migrations

from veiviser.tenancy import db

# An intake run keeps its plan (the rows' identity numbers and names) until it is applied.
TABLES = ["intake_intakerun"]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_letters_wall"), ("intake", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
