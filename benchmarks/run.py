"""The statistics benchmark: `make bench` (scale 1) or `make bench SCALE=0.1` (a quick run).

1. Generate the national synthetic dataset (`benchmarks/national.py`): one exchange file per
   county, and the same records as Parquet tables.
2. For (a) a fresh SQLite file in a temporary directory and (b) a fresh PostgreSQL database
   (`veiviser_bench`, dropped and created): `veiviser migrate` in a subprocess, then import every
   county through `veiviser.exchange.importer.import_lines` in a subprocess (lines/s), then
   analyze the database (PostgreSQL VACUUM ANALYZE, SQLite ANALYZE), then time the engine in
   a subprocess, through the functions its callers use:
   - one county-year: `statistics_document` for county 39, school year 2023, its three
     counting dates (median of N runs);
   - the same as known at an instant K (2024-03-01T00:00+01:00);
   - all county-years: `statistics_documents` for every county × school year, three counting
     dates each, the national view `veiviser stats --county all --school-year 2015-2024`
     prints (median of R).
3. The floor: the same definitions (EXCHANGE.md §2-3) written by hand as one DuckDB query over
   the Parquet tables, for the same scenarios; its numbers must equal the engine's on both
   databases for every county, school year and counting date, or the run fails.
4. Write the raw numbers into benchmarks/results/scale-<S>.json and, at scale 1 (or with
   --doc), the results table, the machine and the targets into docs/performance.md between
   the `bench:results` markers (the rest of the page is kept).

    python -m benchmarks.run --scale 0.1          # quick: prints the report only
    python -m benchmarks.run --render benchmarks/results/scale-1.json   # the page again
    python -m benchmarks.run --scale 1 --postgres postgres://postgres@127.0.0.1:5432/veiviser_bench

The worker modes (`--worker import|engine`) run inside the subprocesses, where DATABASE_URL is
set before Django starts.
"""

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/veiviser_bench"
ONE_COUNTY, ONE_YEAR = "39", 2023
KNOWN_AT = "2024-03-01T00:00:00+01:00"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
TARGET_SECONDS = 0.5
TARGET_RATIO = 3.0


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# -- the workers (inside a subprocess with DATABASE_URL set) ------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veiviser.config.settings")
    import django

    django.setup()


def worker_import(work: Path) -> None:
    _django()
    from veiviser.exchange.importer import import_lines

    dataset = json.loads((work / "dataset.json").read_text())
    counties = {}
    for number, info in dataset["files"].items():
        started = time.perf_counter()
        with open(info["path"], encoding="utf-8", newline="") as fh:
            result = import_lines(fh, county=number, actor=None, filename=info["path"])
        seconds = time.perf_counter() - started
        counties[number] = {"lines": result.lines, "seconds": seconds}
        print(
            f"    county {number}: {result.lines:,} lines in {seconds:.1f} s "
            f"({result.lines / seconds:,.0f} lines/s)",
            flush=True,
        )
    lines = sum(c["lines"] for c in counties.values())
    seconds = sum(c["seconds"] for c in counties.values())
    out = {"counties": counties, "lines": lines, "seconds": seconds, "lines_per_s": lines / seconds}
    (work / f"{os.environ['BENCH_DB']}-import.json").write_text(json.dumps(out, indent=1))


def worker_engine(work: Path, runs: int, all_runs: int) -> None:
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from veiviser.codes.selectors import kodeverk
    from veiviser.statistics.tables import statistics_document, statistics_documents

    dataset = json.loads((work / "dataset.json").read_text())
    counties, years = dataset["counties"], dataset["school_years"]
    kv = kodeverk()
    known_at = datetime.fromisoformat(KNOWN_AT)

    def one() -> dict:
        return statistics_document(kv, county=ONE_COUNTY, school_year=ONE_YEAR)

    def one_known() -> dict:
        return statistics_document(
            kv, county=ONE_COUNTY, school_year=ONE_YEAR, known_at=known_at, known_at_text=KNOWN_AT
        )

    def every() -> dict:
        documents = statistics_documents(kv, counties=counties, school_years=years)
        return {f"{d['county']}/{d['school_year']}": d for d in documents}

    def timed(function, count: int) -> tuple[list[float], dict]:
        function()  # warm-up: connection, caches
        seconds = []
        for _ in range(count):
            started = time.perf_counter()
            result = function()
            seconds.append(time.perf_counter() - started)
        return seconds, result

    out: dict = {"scenarios": {}}
    for name, function, count in (
        ("one", one, runs),
        ("one_known", one_known, runs),
        ("all", every, all_runs),
    ):
        seconds, result = timed(function, count)
        out["scenarios"][name] = {"runs": seconds, "median": statistics.median(seconds)}
        out[f"result_{name}"] = result
        print(f"    {name}: median {statistics.median(seconds):.3f} s of {count}", flush=True)

    # The query plans of one county-year and of all county-years (one statement each), as the
    # database runs them.
    plans = []
    for name, function in (("one county-year", one), ("all county-years", every)):
        with CaptureQueriesContext(connection) as captured:
            function()
        sql = captured.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall())
        plans.append(f"-- {name}\n{sql}\n\n{plan}\n")
    (work / f"{os.environ['BENCH_DB']}-plan.txt").write_text("\n".join(plans))
    (work / f"{os.environ['BENCH_DB']}-engine.json").write_text(json.dumps(out, indent=1))


# -- the DuckDB floor ----------------------------------------------------------------------------


def _sql_text(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def counting_dates(kv: dict, school_year: int) -> list[date]:
    """The counting dates of a school year from kodeverk.json: the newest set valid that year."""
    rows = [
        row
        for row in kv["counting_dates"]
        if row["valid_from"] <= school_year
        and (row.get("valid_to") is None or school_year <= row["valid_to"])
    ]
    newest = max(row["valid_from"] for row in rows)
    dates = []
    for row in rows:
        if row["valid_from"] == newest:
            for d in row["dates"]:
                year = school_year if d["month"] >= 8 else school_year + 1
                dates.append(date(year, d["month"], d["day"]))
    return sorted(dates)


def floor_sql(
    parquet: dict[str, str], kv: dict, counties: list[str], years: list[int], known_at: str | None
) -> str:
    """EXCHANGE.md §2-3 by hand, for every given county, school year and counting date."""
    counting = ", ".join(
        f"({y}, DATE '{d.isoformat()}')" for y in years for d in counting_dates(kv, y)
    )
    codes = ", ".join(
        f"({_sql_text(r['code'])}, {r['main_group']}, {r['valid_from']}, "
        f"{_sql_text(r.get('valid_to'))})"
        for r in kv["status_codes"]
    )
    target = ", ".join(f"({g['number']})" for g in kv["main_groups"] if g["in_target_group"])
    ages = ", ".join(
        f"({r['valid_from']}, {r['min_age']}, {r['max_age']})" for r in kv["age_limits"]
    )
    known = "" if known_at is None else f"TIMESTAMPTZ '{known_at}'"
    known_r = f"AND r.recorded_at <= {known}" if known else ""
    known_f = f"AND f.recorded_at <= {known}" if known else ""
    in_counties = ", ".join(_sql_text(c) for c in counties)
    in_years = ", ".join(str(y) for y in years)
    counts = ",\n  ".join(
        [f"count(*) FILTER (reason = '{g['key']}') AS {g['key']}" for g in kv["reason_groups"]]
        + ["count(*) AS total"]
        + [
            f"count(*) FILTER (main_group = {g} AND in_groups AND inside) AS group{g}"
            for g in (1, 2, 3, 4)
        ]
        + ["count(*) FILTER (in_groups AND NOT inside) AS outside_age"]
    )

    def latest(kind: str, value: str) -> str:
        return f"""
  SELECT g.county, g.id, g.d, arg_max(f.{value}, {{'v': f.valid_from, 'r': f.recorded_at}}) AS {value}
  FROM registered g
  JOIN read_parquet('{parquet[kind]}') f
    ON f.county = g.county AND f.registration = g.id AND f.valid_from <= g.d {known_f}
  GROUP BY g.county, g.id, g.d"""

    return f"""
WITH
counting(school_year, d) AS (VALUES {counting}),
codes(code, main_group, valid_from, valid_to) AS (VALUES {codes}),
target(main_group) AS (VALUES {target}),
age_limits(valid_from, min_age, max_age) AS (VALUES {ages}),
limits AS (
  SELECT y.school_year,
         arg_max(a.min_age, a.valid_from) AS min_age, arg_max(a.max_age, a.valid_from) AS max_age
  FROM (SELECT DISTINCT school_year FROM counting) y
  JOIN age_limits a ON a.valid_from <= y.school_year
  GROUP BY y.school_year
),
registered AS (
  SELECT r.county, r.id, r.school_year, c.d, r.reason, year(c.d) - year(p.birth_date) AS age
  FROM read_parquet('{parquet["registration"]}') r
  JOIN counting c ON c.school_year = r.school_year AND r.registered_on <= c.d
  JOIN read_parquet('{parquet["person"]}') p ON p.county = r.county AND p.id = r.person
  WHERE r.county IN ({in_counties}) AND r.school_year IN ({in_years}) {known_r}
),
status_at AS ({latest("status", "code")}),
reason_at AS ({latest("reason", "reason")}),
reading AS (
  SELECT g.county, g.school_year, g.d,
         coalesce(ra.reason, g.reason) AS reason,
         k.main_group,
         coalesce(k.main_group IN (SELECT main_group FROM target), false) AS in_groups,
         g.age BETWEEN l.min_age AND l.max_age AS inside
  FROM registered g
  LEFT JOIN status_at sa ON sa.county = g.county AND sa.id = g.id AND sa.d = g.d
  LEFT JOIN reason_at ra ON ra.county = g.county AND ra.id = g.id AND ra.d = g.d
  JOIN limits l ON l.school_year = g.school_year
  LEFT JOIN codes k ON k.code = coalesce(sa.code, 'OTUK')
       AND k.valid_from <= g.school_year AND (k.valid_to IS NULL OR g.school_year <= k.valid_to)
)
SELECT county, school_year, d,
  {counts}
FROM reading
GROUP BY county, school_year, d
ORDER BY county, school_year, d
"""


def floor_documents(rows: list[tuple], columns: list[str]) -> dict[str, dict]:
    """DuckDB rows → {"county/year": {date: {"table1": …, "table2": …}}}."""
    out: dict[str, dict] = {}
    for row in rows:
        v = dict(zip(columns, row, strict=True))
        target = sum(v[f"group{g}"] for g in (1, 2, 3, 4))
        out.setdefault(f"{v['county']}/{v['school_year']}", {})[v["d"].isoformat()] = {
            "table1": {
                k: v[k] for k in ("not_applied", "declined", "dropped_out", "other", "total")
            },
            "table2": {
                "group1": v["group1"],
                "group2": v["group2"],
                "group3": v["group3"],
                "group4": v["group4"],
                "target_group": target,
                "not_in_target_group": v["total"] - target,
                "outside_age": v["outside_age"],
                "total": v["total"],
            },
        }
    return out


def engine_tables(document: dict) -> dict[str, dict]:
    return {
        cd["date"]: {"table1": cd["table1"], "table2": cd["table2"]}
        for cd in document["counting_dates"]
    }


def run_floor(dataset: dict, kv: dict, runs: int, all_runs: int) -> dict:
    import duckdb

    con = duckdb.connect()
    counties, years = dataset["counties"], dataset["school_years"]
    parquet = dataset["parquet"]
    scenarios = {
        "one": (floor_sql(parquet, kv, [ONE_COUNTY], [ONE_YEAR], None), runs),
        "one_known": (floor_sql(parquet, kv, [ONE_COUNTY], [ONE_YEAR], KNOWN_AT), runs),
        "all": (floor_sql(parquet, kv, counties, years, None), all_runs),
    }
    out: dict = {"scenarios": {}, "sql_all": scenarios["all"][0]}
    for name, (sql, count) in scenarios.items():
        con.execute(sql).fetchall()  # warm-up
        seconds = []
        for _ in range(count):
            started = time.perf_counter()
            cursor = con.execute(sql)
            rows = cursor.fetchall()
            seconds.append(time.perf_counter() - started)
        columns = [d[0] for d in cursor.description]
        out["scenarios"][name] = {"runs": seconds, "median": statistics.median(seconds)}
        out[f"result_{name}"] = floor_documents(rows, columns)
        log(f"  DuckDB {name}: median {statistics.median(seconds):.3f} s of {count}")
    return out


def compare(floor: dict, engines: dict[str, dict], dataset: dict) -> list[str]:
    """Every difference between the floor's numbers and each engine's, in words."""
    problems = []
    expected_keys = {f"{c}/{y}" for c in dataset["counties"] for y in dataset["school_years"]}
    for db, engine in engines.items():
        pairs = [
            (f"{ONE_COUNTY}/{ONE_YEAR}", "one", engine["result_one"]),
            (
                f"{ONE_COUNTY}/{ONE_YEAR} known at {KNOWN_AT}",
                "one_known",
                engine["result_one_known"],
            ),
        ]
        pairs += [(key, "all", doc) for key, doc in sorted(engine["result_all"].items())]
        if set(engine["result_all"]) != expected_keys:
            problems.append(f"{db}: the engine's county-years differ from the dataset's")
        for label, scenario, document in pairs:
            key = label.split(" ")[0]
            mine = engine_tables(document)
            theirs = floor[f"result_{scenario}"].get(key, {})
            for day in sorted(set(mine) | set(theirs)):
                a, b = mine.get(day), theirs.get(day)
                if a is None or b is None:
                    # A county-year without registrations gives no DuckDB rows: all zeros.
                    have = a or b
                    if all(v == 0 for t in have.values() for v in t.values()):
                        continue
                if a != b:
                    problems.append(f"{db} {label} {day}: engine {a} != DuckDB {b}")
    return problems


# -- the orchestration --------------------------------------------------------------------------


def _env(work: Path, db: str, url: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "veiviser.config.settings",
            "VEIVISER_ALLOW_SYNTHETIC_FNR": "1",
            "VEIVISER_DEBUG": "0",
            "VEIVISER_DATA_DIR": str(work / "var"),
            "VEIVISER_LOG_LEVEL": "WARNING",
            "BENCH_DB": db,
        }
    )
    return env


def _run(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def prepare_postgres(url: str) -> str:
    """Drop and create the benchmark database; return the server's version."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        con.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
        return con.execute("SHOW server_version").fetchone()[0]


def analyze(db: str, url: str) -> float:
    started = time.perf_counter()
    if db == "postgresql":
        import psycopg

        with psycopg.connect(url, autocommit=True) as con:
            con.execute("VACUUM ANALYZE")
    else:
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        con.execute("ANALYZE")
        con.close()
    return time.perf_counter() - started


def machine(postgres_version: str | None) -> dict:
    import django
    import duckdb

    memory = ""
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    cpu = ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.now(UTC).astimezone().isoformat(timespec="minutes"),
        "nproc": nproc or str(os.cpu_count()),
        "cpu": cpu or platform.processor(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version or "not run",
        "duckdb": duckdb.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The statistics benchmark (docs/performance.md)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=9, help="timed runs of one county-year")
    parser.add_argument("--all-runs", type=int, default=3, help="timed runs of all county-years")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", DEFAULT_POSTGRES))
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after import")
    parser.add_argument(
        "--doc",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write the results into docs/performance.md (default: only at scale 1 or more, "
        "so that a quick run leaves the page alone)",
    )
    parser.add_argument(
        "--render", type=Path, metavar="RESULTS", help="only re-render a results JSON file"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=("import", "engine"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "import":
        worker_import(args.work)
        return 0
    if args.worker == "engine":
        worker_engine(args.work, args.runs, args.all_runs)
        return 0
    if args.render:
        report = render(json.loads(args.render.read_text()))
        print(report)
        if args.doc is not False:
            write_doc(report)
        return 0

    from benchmarks import national
    from veiviser.codes import loader

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="veiviser-bench-"))
    log(f"work directory {work}; scale {args.scale}")
    try:
        log("generating the national dataset")
        t = time.perf_counter()
        dataset = national.build(work / "data", scale=args.scale, log=log)
        dataset["generate_seconds"] = time.perf_counter() - t
        (work / "dataset.json").write_text(json.dumps(dataset, indent=1))
        log(
            f"  {dataset['lines']:,} lines, {dataset['records']['registration']:,} "
            f"registrations in {dataset['generate_seconds']:.1f} s"
        )

        databases = []
        if not args.skip_sqlite:
            databases.append(("sqlite", f"sqlite:///{work / 'sqlite' / 'veiviser.sqlite3'}"))
        if not args.skip_postgres:
            databases.append(("postgresql", args.postgres))
        postgres_version = None
        results: dict = {"databases": {}}
        engines = {}
        for db, url in databases:
            log(f"{db}: {url}")
            if db == "postgresql":
                postgres_version = prepare_postgres(url)
            env = _env(work, db, url)
            migrate = _run([sys.executable, "-m", "veiviser", "migrate", "--no-input", "-v0"], env)
            log(f"  migrated in {migrate:.1f} s; importing")
            worker = [sys.executable, "-m", "benchmarks.run", "--work", str(work)]
            _run([*worker, "--worker", "import"], env)
            imported = json.loads((work / f"{db}-import.json").read_text())
            log(
                f"  imported {imported['lines']:,} lines in {imported['seconds']:.1f} s "
                f"({imported['lines_per_s']:,.0f} lines/s)"
            )
            analyzed = None if args.no_analyze else analyze(db, url)
            log("  timing the engine")
            runs = ["--runs", str(args.runs), "--all-runs", str(args.all_runs)]
            _run([*worker, "--worker", "engine", *runs], env)
            engines[db] = json.loads((work / f"{db}-engine.json").read_text())
            results["databases"][db] = {
                "migrate_seconds": migrate,
                "import": imported,
                "analyze_seconds": analyzed,
                "engine": engines[db]["scenarios"],
                "plan": (work / f"{db}-plan.txt").read_text(),
            }

        log("DuckDB floor")
        kv = loader.read()
        floor = run_floor(dataset, kv, args.runs, args.all_runs)
        problems = compare(floor, engines, dataset)
        results.update(
            {
                "machine": machine(postgres_version),
                "dataset": {k: v for k, v in dataset.items() if k not in ("files", "parquet")},
                "floor": {"scenarios": floor["scenarios"], "sql_all": floor["sql_all"]},
                "check": {"differences": len(problems), "first": problems[:50]},
                "analyzed": not args.no_analyze,
                "runs": args.runs,
                "all_runs": args.all_runs,
                "total_seconds": time.perf_counter() - started,
            }
        )
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"scale-{args.scale:g}.json"
        out.write_text(json.dumps(results, indent=1, default=str))
        log(f"raw results: {out}")
        if problems:
            for problem in problems[:50]:
                print("MISMATCH", problem, file=sys.stderr)
            print(
                f"FAILED: {len(problems)} counting date(s) where the DuckDB floor and the engine "
                "disagree; docs/performance.md not updated.",
                file=sys.stderr,
            )
            return 1
        log(
            f"check passed: the DuckDB numbers equal the engine's on {', '.join(engines)} "
            f"({len(floor['result_all'])} county-years)"
        )
        report = render(results)
        print(report)
        if args.doc or (args.doc is None and args.scale >= 1):
            write_doc(report)
            log(f"wrote {DOC.relative_to(ROOT)}")
        else:
            log(f"{DOC.relative_to(ROOT)} left alone (scale {args.scale:g}; --doc writes it)")
        return 0
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# -- the report ---------------------------------------------------------------------------------

SCENARIOS = {
    "one": f"one county-year (county {ONE_COUNTY}, {ONE_YEAR}/{(ONE_YEAR + 1) % 100:02d}), "
    "3 counting dates",
    "one_known": f"the same, as known at {KNOWN_AT}",
    "all": "all county-years, 3 counting dates each (one statement, `statistics_documents`)",
}
SHORT = {"one": "one county-year", "one_known": "known at K", "all": "all county-years"}


def render(results: dict) -> str:
    m = results["machine"]
    d = results["dataset"]
    dbs = results["databases"]
    floor = results["floor"]["scenarios"]
    records = d["records"]
    county_years = len(d["counties"]) * len(d["school_years"])

    def cell(db: str, scenario: str) -> str:
        return f"{dbs[db]['engine'][scenario]['median']:.3f}" if db in dbs else "–"

    def ratio(db: str, scenario: str) -> str:
        if db not in dbs:
            return "–"
        return f"{dbs[db]['engine'][scenario]['median'] / floor[scenario]['median']:.1f}×"

    lines = [
        START,
        "",
        f"Measured {m['date']} at **scale {d['scale']:g}** (`make bench SCALE={d['scale']:g}`).",
        "",
        "### Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPUs (`nproc`) | {m['nproc']} ({m['cpu']}) |",
        f"| memory | {m['memory']} |",
        f"| OS | {m['os']} |",
        f"| Python / Django | {m['python']} / {m['django']} |",
        f"| PostgreSQL | {m['postgresql']} (local, default configuration) |",
        f"| SQLite | {m['sqlite']} |",
        f"| DuckDB | {m['duckdb']} |",
        "",
        "### Dataset",
        "",
        f"{len(d['counties'])} counties × {len(d['school_years'])} school years "
        f"({d['school_years'][0]}/{(d['school_years'][0] + 1) % 100:02d} – "
        f"{d['school_years'][-1]}/{(d['school_years'][-1] + 1) % 100:02d}) = "
        f"{county_years} county-years; seed {d['seed']}.",
        "",
        "| records | count |",
        "|---|---:|",
        *(
            f"| {kind} | {records.get(kind, 0):,} |"
            for kind in ("person", "registration", "reason", "status", "unit")
        ),
        f"| **exchange lines** (with headers) | **{d['lines']:,}** |",
        "",
        f"Registrations per county-year: {records['registration'] / county_years:,.0f} on "
        f"average. Generating took {d['generate_seconds']:.0f} s, the whole run "
        f"{results['total_seconds'] / 60:.0f} min.",
        "",
        "### Statistics: the engine against the DuckDB floor",
        "",
        f"Median wall time in seconds of {results['runs']} runs (one county-year) and "
        f"{results['all_runs']} runs (all county-years), after one warm-up run. "
        f"Databases analyzed after the import: {'yes' if results['analyzed'] else 'no'}.",
        "",
        "| scenario | engine SQLite (s) | engine PostgreSQL (s) | DuckDB floor (s) "
        "| SQLite / floor | PostgreSQL / floor |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, label in SCENARIOS.items():
        lines.append(
            f"| {label} | {cell('sqlite', key)} | {cell('postgresql', key)} "
            f"| {floor[key]['median']:.3f} | {ratio('sqlite', key)} | {ratio('postgresql', key)} |"
        )
    lines += [
        "",
        f"**Check:** the DuckDB query's Table 1 and Table 2 equal the engine's on "
        f"{' and '.join(dbs)} for every county, school year and counting date "
        f"({county_years * 3} counting dates, and the known-at scenario): "
        f"{results['check']['differences']} differences.",
        "",
        "### Import (`import_lines`, one file per county)",
        "",
        "| database | lines | seconds | lines/s | migrate (s) | analyze (s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for db, r in dbs.items():
        analyzed = "–" if r["analyze_seconds"] is None else f"{r['analyze_seconds']:.1f}"
        lines.append(
            f"| {db} | {r['import']['lines']:,} | {r['import']['seconds']:.0f} "
            f"| {r['import']['lines_per_s']:,.0f} | {r['migrate_seconds']:.1f} | {analyzed} |"
        )
    lines += ["", "### Targets", ""]
    if "postgresql" in dbs:
        one = dbs["postgresql"]["engine"]["one"]["median"]
        met = "**met**" if one < TARGET_SECONDS else "**not met**"
        lines.append(
            f"- One county-year's three counting dates under {TARGET_SECONDS} s on PostgreSQL: "
            f"{one:.3f} s, {met}."
        )
    for db in dbs:
        ratios = {key: dbs[db]["engine"][key]["median"] / floor[key]["median"] for key in SCENARIOS}
        worst = max(ratios.values())
        met = "**met**" if worst <= TARGET_RATIO else "**not met**"
        detail = ", ".join(f"{SHORT[k]}: {v:.1f}×" for k, v in ratios.items())
        lines.append(
            f"- {db}: the engine within {TARGET_RATIO:g}× of the DuckDB floor: {met} "
            f"(worst {worst:.1f}×; {detail})."
        )
    lines += ["", END]
    return "\n".join(lines)


SKELETON = f"""# Performance: the statistics engine

{START}
{END}
"""


def write_doc(report: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else SKELETON
    if START not in text or END not in text:
        text = text.rstrip("\n") + "\n\n" + SKELETON.split("\n", 2)[2]
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(before + report + after, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
