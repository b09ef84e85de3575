from django.db import migrations

from veiviser.tenancy import db

TABLES = ["prevention_preventivecase", "prevention_clarificationmeeting"]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial"), ("tenancy", "0001_tenant_wall")]

    operations = [migrations.RunPython(install, remove)]
