"""Backup and restore as docs/operations.md tells an operator to do them, on the database the
suite runs against: a restored copy gives the same statistics and the same audit trail.

PostgreSQL (when the suite runs with a postgres DATABASE_URL): `pg_dump -Fc`, a new database,
`pg_restore`. SQLite: the online backup (the `sqlite3 … ".backup …"` of the docs is SQLite's
backup API, which Python's sqlite3 module calls directly) and a copy in place of the file.
Every step is the real `veiviser` command in its own process.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.exchange.files import lines
from tests.statistics.test_tables import random_county

pytestmark = pytest.mark.slow

VEIVISER = [sys.executable, "-m", "veiviser"]


def run(env, *args) -> str:
    done = subprocess.run([*VEIVISER, *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def reading(env) -> dict:
    """What must survive: Table 1 and 2 of the school year, and the whole audit trail."""
    return {
        "stats": json.loads(run(env, "stats", "--county", "39", "--school-year", "2023")),
        "audit": json.loads(run(env, "dumpdata", "audit.auditevent", "--indent", "0")),
    }


def fill(env, tmp_path):
    run(env, "migrate", "-v0")
    source = tmp_path / "county.jsonl"
    source.write_text("".join(lines(random_county(seed=7, school_year=2023, persons=120))))
    run(env, "import", str(source), "--county", "39")
    person = "p-3"
    run(
        env,
        "access_report",
        "--county",
        "39",
        "--person",
        person,
        "--output",
        str(tmp_path / "r.json"),
    )


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "VEIVISER_DATA_DIR": str(tmp_path / "var"),
        "VEIVISER_ALLOW_SYNTHETIC_FNR": "1",
        "DJANGO_SETTINGS_MODULE": "veiviser.config.settings",
    }


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.mark.skipif(postgres_url() is not None, reason="the suite runs on PostgreSQL")
def test_sqlite_backup_restores_the_same_numbers_and_trail(env, tmp_path):
    database = tmp_path / "veiviser.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{database}"
    fill(env, tmp_path)
    before = reading(env)
    assert before["stats"]["counting_dates"][0]["table1"]["total"] > 0 and len(before["audit"]) >= 3

    backup = tmp_path / "backup.sqlite3"
    with sqlite3.connect(database) as live, sqlite3.connect(backup) as copy:
        live.backup(copy)
    assert sqlite3.connect(backup).execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restored = tmp_path / "restored.sqlite3"
    shutil.copy(backup, restored)
    env["DATABASE_URL"] = f"sqlite:///{restored}"
    assert reading(env) == before


@pytest.mark.skipif(postgres_url() is None, reason="the suite runs on SQLite")
def test_postgresql_dump_restores_the_same_numbers_and_trail(env, tmp_path):
    base = postgres_url()
    suffix = uuid.uuid4().hex[:8]
    source, target = f"veiviser_backup_{suffix}", f"veiviser_restore_{suffix}"
    parts = urlsplit(base)
    connect = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    connect += ["-U", parts.username or "postgres"]
    subprocess.run(["createdb", *connect, source], check=True)
    subprocess.run(["createdb", *connect, "-T", "template0", target], check=True)
    try:
        env["DATABASE_URL"] = with_database(base, source)
        fill(env, tmp_path)
        before = reading(env)
        assert (
            before["stats"]["counting_dates"][0]["table1"]["total"] > 0
            and len(before["audit"]) >= 3
        )

        dump = tmp_path / "veiviser.dump"
        subprocess.run(["pg_dump", *connect, "-Fc", "-d", source, "-f", str(dump)], check=True)
        subprocess.run(["pg_restore", *connect, "-d", target, "--no-owner", str(dump)], check=True)
        env["DATABASE_URL"] = with_database(base, target)
        assert reading(env) == before
        # The restored copy keeps its protections: the trail still refuses an UPDATE.
        update = subprocess.run(
            ["psql", *connect, "-d", target, "-c", "UPDATE audit_auditevent SET reason = 'x'"],
            capture_output=True,
            text=True,
        )
        assert update.returncode != 0
    finally:
        for name in (source, target):
            subprocess.run(["dropdb", *connect, "--if-exists", name], check=False)
