from django.db import migrations

from veiviser.tenancy import db

# The reports and narratives are the county's own (its published numbers, its texts): the
# same PostgreSQL row-level security as the tables with personal data (veiviser.tenancy).
TABLES = ["reports_report", "reports_narrative"]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("tenancy", "0001_tenant_wall")]

    operations = [migrations.RunPython(install, remove)]
