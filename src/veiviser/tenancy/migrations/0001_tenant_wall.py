from django.db import migrations

from veiviser.tenancy import db


# Frozen here: a later table with personal data gets its wall in its own migration.
TABLES = [
    "people_person",
    "registry_registration",
    "registry_reasonfact",
    "registry_statusfact",
    "casework_contact",
    "casework_note",
    "casework_partner",
    "casework_consent",
    "casework_plan",
]


def install(apps, schema_editor):
    for table in TABLES:
        db.enable(schema_editor, table)


def remove(apps, schema_editor):
    for table in TABLES:
        db.disable(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("registry", "0003_registration_advisor"),
        ("casework", "0004_partners_consents_plans"),
    ]

    operations = [migrations.RunPython(install, remove)]
