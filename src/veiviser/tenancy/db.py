"""The tenant wall in the database: PostgreSQL row-level security keyed by county.

The access policy (`veiviser.policy`) is the first wall; this is the second, so that a bug in a
query cannot cross counties. Every table with personal data has a policy that shows a row only
when its `county_id` equals the session setting `veiviser.county_id`. The web app sets it for
each request to the logged-in user's county (`TenantWallMiddleware`); where it is not set (an
operator's command, a migration), every county is visible, as the operator already holds the
database. Row-level security does not bind a PostgreSQL superuser or a role with BYPASSRLS:
production must connect as an ordinary role (docs/postgresql.md).

SQLite has no row-level security: an embedded installation serves one office, and the access
policy is its only wall (docs/security.md).
"""

from contextlib import contextmanager

from django.db import connection as default_connection

SETTING = "veiviser.county_id"

# A new table with personal data and a county_id column gets its wall in its own migration with
# `enable(schema_editor, table)`; tests/tenancy checks that every model with a county foreign
# key (outside organisation) has one.


def enable(schema_editor, table: str, column: str = "county_id") -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    schema_editor.execute(
        f"CREATE POLICY {table}_tenant_wall ON {table} USING ("
        f"NULLIF(current_setting('{SETTING}', true), '') IS NULL "
        f"OR {column} = NULLIF(current_setting('{SETTING}', true), '')::bigint)"
    )


def disable(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP POLICY IF EXISTS {table}_tenant_wall ON {table}")
    schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def walls(*tables: str):
    """The migration operation that puts the wall on `tables` (and takes it off on reverse):
    `operations = [db.walls("app_model")]` in the app's own migration."""
    from django.db import migrations

    def install(apps, schema_editor):
        for table in tables:
            enable(schema_editor, table)

    def remove(apps, schema_editor):
        for table in tables:
            disable(schema_editor, table)

    return migrations.RunPython(install, remove)


def set_county(county_id: int | None, connection=default_connection) -> None:
    """Limit this database session to one county (None: lift the limit)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false)",
            [SETTING, "" if county_id is None else str(county_id)],
        )


@contextmanager
def county_scope(county_id: int | None, connection=default_connection):
    set_county(county_id, connection)
    try:
        yield
    finally:
        set_county(None, connection)
