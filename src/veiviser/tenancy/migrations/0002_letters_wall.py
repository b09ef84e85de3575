from django.db import migrations

from veiviser.tenancy import db

TABLES = ["letters_letter"]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_tenant_wall"), ("letters", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
