"""The database itself refuses to UPDATE a fact or to change an audit event.

A bug or a hand-written query cannot rewrite history: corrections are new facts. Audit events
may only have their actor reference cleared (when a user is deleted); everything else is fixed.
"""

from django.db import migrations

FACT_TABLES = ["registry_statusfact", "registry_reasonfact"]
AUDIT_COLUMNS = [
    "at",
    "actor_label",
    "action",
    "county",
    "object_type",
    "object_id",
    "reason",
    "data",
]


def statements(vendor: str) -> tuple[list[str], list[str]]:
    forward, backward = [], []
    targets = [(t, "") for t in FACT_TABLES] + [
        ("audit_auditevent", " OF " + ", ".join(AUDIT_COLUMNS))
    ]
    if vendor == "postgresql":
        forward.append(
            "CREATE OR REPLACE FUNCTION veiviser_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'append-only table %%: rows cannot be changed', TG_TABLE_NAME; "
            "END $$ LANGUAGE plpgsql"
        )
        for table, columns in targets:
            forward.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE{columns} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION veiviser_append_only()"
            )
            backward.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        backward.append("DROP FUNCTION IF EXISTS veiviser_append_only()")
    elif vendor == "sqlite":
        for table, columns in targets:
            forward.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE{columns} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: rows cannot be changed'); END"
            )
            backward.append(f"DROP TRIGGER IF EXISTS {table}_append_only")
    return forward, backward


def install(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor)[0]:
        schema_editor.execute(sql)


def remove(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("audit", "0002_initial")]

    operations = [migrations.RunPython(install, remove)]
