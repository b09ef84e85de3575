"""The import benchmark: `make bench-import` (docs/performance.md, "Imports").

One county of the national synthetic dataset (`benchmarks.national`, county 39, ten school
years: about 100,000 exchange lines at scale 1) is written to a JSONL file and imported with
`veiviser import` into a fresh PostgreSQL database (dropped and created, then migrated), in a
subprocess whose peak resident memory (VmHWM) is read when it ends. Files of a tenth and of
three times that size are imported the same way, so that the memory of the sizes can be
compared: it grows with the file only by the importer's index of ids (docs/performance.md,
"Memory").

The floor is PostgreSQL `COPY` of the same rows: the rows the import wrote to the person,
registration, reason and status tables are copied out (binary) and copied into empty tables
made `LIKE` them `INCLUDING ALL` (the same columns, defaults, indexes and unique constraints,
but no foreign keys), in one transaction, timed from the first COPY to the commit. The floor
thus has no parsing, no checks and no foreign-key checks: only writing rows and indexes.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from benchmarks.run import prepare_postgres
from benchmarks.web.run import write_section

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TABLES = ("people_person", "registry_registration", "registry_reasonfact", "registry_statusfact")
TARGET_LINES_PER_S = 5000


def log(message: str) -> None:
    print(f"[bench-import {datetime.now():%H:%M:%S}] {message}", flush=True)


def write_file(path: Path, scale: float, county: str) -> int:
    from benchmarks.national import county_records, lines

    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for text in lines(county_records(county, scale=scale)):
            fh.write(text + "\n")
            count += 1
    return count


def fresh_database(url: str, env: dict) -> None:
    prepare_postgres(url)  # drop and create
    subprocess.run([BIN / "veiviser", "migrate", "-v0"], env=env, cwd=ROOT, check=True)


# The child's own peak resident memory: VmHWM of /proc/self/status (Linux), which belongs to
# the process's memory since its exec. ru_maxrss is the fallback elsewhere, but on Linux it also
# keeps the parent's peak from before the exec (this process holds the records of the file it
# just wrote, more than the import of a large file needs).
PEAK_RSS = (
    "def peak_kib():\n"
    "    try:\n"
    "        with open('/proc/self/status') as fh:\n"
    "            return next(int(l.split()[1]) for l in fh if l.startswith('VmHWM:'))\n"
    "    except OSError:\n"
    "        import resource; return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
)


def run_import(path: Path, county: str, env: dict) -> dict:
    """`veiviser import` (the management command) in a subprocess that reports its own wall
    time and peak RSS."""
    code = PEAK_RSS + (
        "import sys, time, django; django.setup()\n"
        "from django.core.management import call_command\n"
        "t = time.perf_counter()\n"
        "call_command('import', sys.argv[1], county=sys.argv[2], stdout=open('/dev/null', 'w'))\n"
        "print(time.perf_counter() - t, peak_kib())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), county],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    seconds, peak = out.stdout.decode().split()[-2:]
    return {"seconds": float(seconds), "peak_rss_mib": int(peak) / 1024}


def copy_floor(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as con:
        data = {}
        rows = {}
        for table in TABLES:
            buffer = bytearray()
            with con.cursor().copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                for chunk in copy:
                    buffer += chunk
            data[table] = bytes(buffer)
            rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in TABLES:
            con.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING ALL)")
        con.commit()
        started = time.perf_counter()
        with con.transaction():
            for table in TABLES:
                with con.cursor().copy(f"COPY floor_{table} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data[table])
        seconds = time.perf_counter() - started
        for table in TABLES:
            con.execute(f"DROP TABLE floor_{table}")
        con.commit()
    return {"seconds": seconds, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.importer", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="the file the target is for: 1 gives about 100,000 lines",
    )
    parser.add_argument(
        "--sizes",
        default="0.1,1,3",
        help="the files imported, as multiples of --scale (default 0.1,1,3)",
    )
    parser.add_argument("--county", default="39")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/veiviser_bench_import",
        help="database URL; the database is DROPPED and created",
    )
    parser.add_argument("--doc", action="store_true", help="write docs/performance.md")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="veiviser-bench-import-"))
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.postgres,
            "DJANGO_SETTINGS_MODULE": "veiviser.config.settings",
            "VEIVISER_ALLOW_SYNTHETIC_FNR": "1",
            "VEIVISER_DEBUG": "0",
            "VEIVISER_DATA_DIR": str(work / "var"),
            "PYTHONPATH": str(ROOT),
        }
    )
    runs = []
    for multiple in sorted(float(s) for s in args.sizes.split(",")):
        scale = args.scale * multiple
        path = work / f"county-{args.county}-{scale:g}.jsonl"
        lines = write_file(path, scale, args.county)
        size = path.stat().st_size / 2**20
        log(f"{lines:,} lines ({size:.1f} MiB); importing into a fresh database")
        fresh_database(args.postgres, env)
        run = run_import(path, args.county, env)
        floor = copy_floor(args.postgres)
        run.update(
            {
                "scale": scale,
                "lines": lines,
                "file_mib": size,
                "lines_per_s": lines / run["seconds"],
                "copy_seconds": floor["seconds"],
                "copy_rows": floor["rows"],
                "copy_lines_per_s": lines / floor["seconds"],
                "target": multiple == 1,
            }
        )
        log(
            f"import {run['seconds']:.1f} s ({run['lines_per_s']:,.0f} lines/s), peak RSS "
            f"{run['peak_rss_mib']:.0f} MiB; COPY floor {floor['seconds']:.2f} s"
        )
        runs.append(run)
    results = {
        "measured": datetime.now(UTC).isoformat(timespec="minutes"),
        "runs": runs,
    }
    out = ROOT / "benchmarks" / "results" / "import.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    report = render(results)
    print(report)
    if args.doc:
        write_section(report, "<!-- bench:import:start -->", "<!-- bench:import:end -->")
    return 0 if target_run(runs)["lines_per_s"] >= TARGET_LINES_PER_S else 1


def target_run(runs: list[dict]) -> dict:
    """The run of the file the target is for (--scale), else the largest."""
    return next((r for r in runs if r.get("target")), runs[-1])


def render(results: dict) -> str:
    out = [
        f"Measured {results['measured']} with `make bench-import` (PostgreSQL, county 39 of the "
        "national dataset at three sizes).",
        "",
        "| lines | file (MiB) | import (s) | lines/s | COPY floor (s) | import / floor "
        "| peak RSS (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["runs"]:
        rss = f"{r['peak_rss_mib']:.0f}"
        out.append(
            f"| {r['lines']:,} | {r['file_mib']:.1f} | {r['seconds']:.1f} | "
            f"{r['lines_per_s']:,.0f} | {r['copy_seconds']:.2f} | "
            f"{r['seconds'] / r['copy_seconds']:.0f}× | {rss} |"
        )
    runs = results["runs"]
    growth = []
    for small, big in pairwise(runs):
        per_line = (
            (big["peak_rss_mib"] - small["peak_rss_mib"]) * 1024 / (big["lines"] - small["lines"])
        )
        growth.append(f"{per_line:.2f} KiB per line from {small['lines']:,} to {big['lines']:,}")
    target = target_run(runs)
    verdict = "**met**" if target["lines_per_s"] >= TARGET_LINES_PER_S else "**not met**"
    out += [
        "",
        f"Peak memory grows by {'; by '.join(growth)} lines (see Memory below).",
        "",
        f"- Target ≥ {TARGET_LINES_PER_S:,} lines/s for {target['lines']:,} lines: "
        f"{target['lines_per_s']:,.0f} lines/s, {verdict}.",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
