from django.db import migrations

from veiviser.tenancy import db

# Stored replies hold a youth's data (the created person, registration or fact): the same
# county wall as the registry. API clients themselves hold no personal data.
TABLES = ["api_idempotentreply"]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("tenancy", "0002_letters_wall")]

    operations = [migrations.RunPython(install, remove)]
