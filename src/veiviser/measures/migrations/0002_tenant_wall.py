from django.db import migrations

from veiviser.tenancy import db

# The tenant wall (veiviser.tenancy) for the measures tables: each holds a county_id, and all
# but the catalogue hold a youth's data.
TABLES = [
    "measures_measure",
    "measures_enrolment",
    "measures_placement",
    "measures_followup",
    "measures_autumnoutcome",
]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
