"""A county split or merge (`veiviser county`, docs/operations.md) moves a youth's facts to the
new county: the database now refuses an UPDATE of any fact column except `county_id`, which is
where the row lives (the tenant wall), not what the fact says."""

from django.db import migrations

COLUMNS = {
    "registry_statusfact": ["key", "valid_from", "recorded_at", "recorded_by_id", "registration_id", "code"],
    "registry_reasonfact": ["key", "valid_from", "recorded_at", "recorded_by_id", "registration_id", "reason"],
}


def statements(vendor: str, columns: bool) -> list[str]:
    sql = []
    for table, names in COLUMNS.items():
        of = " OF " + ", ".join(names) if columns else ""
        if vendor == "postgresql":
            sql.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            sql.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE{of} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION veiviser_append_only()"
            )
        elif vendor == "sqlite":
            sql.append(f"DROP TRIGGER IF EXISTS {table}_append_only")
            sql.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE{of} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: rows cannot be changed'); END"
            )
    return sql


def forward(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, columns=True):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, columns=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_registration_advisor")]

    operations = [migrations.RunPython(forward, backward)]
