"""The web load test: `make bench-web` (docs/performance.md, "Web under load").

1. PostgreSQL: the database (`veiviser_bench_web` by default) is dropped and created,
   migrated, and filled with the demo county (`veiviser demo`: 39 Vestfold, about 4,400 youths
   and 6,100 registrations over three school years, 10 advisors), then `VACUUM ANALYZE`.
2. gunicorn serves Veiviser on 127.0.0.1 with several sync workers and DEBUG off, with
   `benchmarks.web.settings`, which adds the baseline view /bench/ping/ to the URLs.
3. locust (headless, bounded in time) runs two phases against that one server, one after the
   other in the same run: the baseline (N users asking for /bench/ping/) and the daily flows
   (N users: advisors and coordinators, see locustfile.py), with the same wait times.
4. The latencies (p50/p95/p99), throughput and errors of every request type, and each one's
   ratio to the baseline, are printed, saved to benchmarks/results/web.json and, with --doc,
   written into docs/performance.md between the bench:web markers.

Loopback only: the server binds 127.0.0.1 and locust is given that address.
"""

import argparse
import csv
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.run import prepare_postgres

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:web:start -->", "<!-- bench:web:end -->"
TARGET_P95_MS = 150
TARGET_PAGES = ("worklist", "youth page")


def log(message: str) -> None:
    print(f"[bench-web {datetime.now():%H:%M:%S}] {message}", flush=True)


# -- inside a subprocess with DATABASE_URL set -------------------------------------------------


def worker_plan(out: Path) -> None:
    """Write the plan for locustfile.py: each advisor's caseload in the latest school year."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veiviser.config.settings")
    import django

    django.setup()
    from veiviser.organisation.models import Role, User
    from veiviser.registry.models import Registration

    year = Registration.objects.order_by("-school_year").values_list("school_year", flat=True)[0]
    advisors = []
    for user in User.objects.filter(role=Role.ADVISOR, is_active=True).order_by("username"):
        caseload = list(
            Registration.objects.filter(advisor=user, school_year=year)
            .order_by("pk")
            .values_list("person_id", "pk")
        )
        if caseload:
            advisors.append({"username": user.username, "caseload": caseload})
    coordinators = list(
        User.objects.filter(role=Role.UNIT_COORDINATOR, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if not advisors or not coordinators:
        raise SystemExit("the database has no advisors with a caseload, or no coordinators")
    plan = {
        "school_year": year,
        "password": "demo",
        "advisors": advisors,
        "coordinators": coordinators,
        "registrations": Registration.objects.count(),
        "caseload_total": sum(len(a["caseload"]) for a in advisors),
    }
    out.write_text(json.dumps(plan))


def worker_cpu(plan_path: Path, out: Path, repeat: int = 15) -> None:
    """The CPU time (process time, this process only: not PostgreSQL's) of one request of each
    kind through Django's test client, median of `repeat` after a warm-up. Other work on the
    machine makes a request wait longer, but hardly makes it use more CPU: this is the cost of
    a request that contention does not blur."""
    import statistics
    from datetime import datetime as dt

    import django

    django.setup()
    from django.test import Client

    plan = json.loads(plan_path.read_text())
    year = plan["school_year"]
    advisor, coordinator = plan["advisors"][0], plan["coordinators"][0]
    person, registration = advisor["caseload"][0]
    as_advisor, as_coordinator = Client(), Client()
    as_advisor.login(username=advisor["username"], password=plan["password"])
    as_coordinator.login(username=coordinator, password=plan["password"])
    prefix = f"c{registration}"
    contact = {
        f"{prefix}-at": dt.now().strftime("%Y-%m-%dT%H:%M"),
        f"{prefix}-channel": "phone",
        f"{prefix}-outcome": "no_answer",
        f"{prefix}-note": "Belastningstest",
    }
    requests = {
        "baseline: minimal view": lambda: Client().get("/bench/ping/"),
        "log in": lambda: Client().login(username=advisor["username"], password=plan["password"]),
        "worklist": lambda: as_advisor.get(f"/ungdommer/?school_year={year}"),
        "youth page": lambda: as_advisor.get(f"/ungdom/{person}/"),
        "record contact": lambda: as_advisor.post(f"/tilmelding/{registration}/kontakt/", contact),
        "worklist (unit)": lambda: as_coordinator.get(f"/ungdommer/?school_year={year}&alle=1"),
        "statistics page": lambda: as_coordinator.get(f"/statistikk/?school_year={year}"),
    }
    result = {}
    for name, request in requests.items():
        request()
        times = []
        for _ in range(repeat):
            started = time.process_time()
            request()
            times.append(time.process_time() - started)
        result[name] = statistics.median(times) * 1000
    out.write_text(json.dumps(result))


# -- the orchestration --------------------------------------------------------------------------


def env_for(url: str, work: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "benchmarks.web.settings",
            "VEIVISER_ALLOW_SYNTHETIC_FNR": "1",
            "VEIVISER_DEBUG": "0",
            "VEIVISER_DATA_DIR": str(work / "var"),
            "VEIVISER_DB_CONN_MAX_AGE": "60",
            "VEIVISER_LOG_LEVEL": "WARNING",
            "VEIVISER_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def prepare_database(url: str, env: dict) -> dict:
    import psycopg

    version = prepare_postgres(url)  # drop and create
    started = time.perf_counter()
    subprocess.run([BIN / "veiviser", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([BIN / "veiviser", "demo"], env=env, cwd=ROOT, check=True)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("VACUUM ANALYZE")
    return {"postgres": version, "load_seconds": time.perf_counter() - started}


def run_worker(kind: str, work: Path, env: dict) -> dict:
    """Run `--worker kind` in a subprocess (Django set up there); return its JSON output."""
    out = work / f"{kind}.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.web.run", "--worker", kind, "--out", out],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return json.loads(out.read_text())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workers: int, work: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_WEB_ACCESS_LOG") else str(work / "access.log"),
            "--error-logfile",
            str(work / "gunicorn.log"),
            "--timeout",
            "60",
            "veiviser.config.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/ping/", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {work / 'gunicorn.log'}")


def run_locust(phase: str, classes: list[str], args, host: str, work: Path, env: dict) -> Path:
    prefix = work / phase
    command = [
        BIN / "locust",
        "-f",
        ROOT / "benchmarks" / "web" / "locustfile.py",
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    log(f"{phase}: {args.users} users for {args.duration} s ({', '.join(classes)})")
    # locust exits 1 when a request failed; the failures are counted and reported instead.
    subprocess.run(command, env=env, cwd=ROOT, check=False)
    return Path(f"{prefix}_stats.csv")


def read_stats(path: Path) -> dict[str, dict]:
    out = {}
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["Name"] if row["Type"] else "all"
            if name == "Aggregated":
                name = "all"
            out[name] = {
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "mean": float(row["Average Response Time"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.web.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--duration", type=int, default=120, help="seconds per phase (120)")
    parser.add_argument(
        "--spawn-rate", type=float, default=1, help="users started (logging in) per second (1)"
    )
    parser.add_argument(
        "--wait", default="5,15", help="seconds between a user's requests, min,max (5,15)"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/veiviser_bench_web",
        help="database URL; the database is DROPPED and created",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database as it is (already loaded)"
    )
    parser.add_argument("--doc", action="store_true", help="write docs/performance.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "plan":
        worker_plan(Path(args.out))
        return 0
    if args.worker == "cpu":
        worker_cpu(Path(os.environ["BENCH_WEB_PLAN"]), Path(args.out))
        return 0
    if args.users < 1 or args.duration < 5:
        parser.error("--users must be at least 1 and --duration at least 5 seconds")

    work = Path(tempfile.mkdtemp(prefix="veiviser-bench-web-"))
    env = env_for(args.postgres, work)
    env["BENCH_WEB_WAIT"] = args.wait
    started = time.perf_counter()
    info = {"postgres": None, "load_seconds": None}
    if args.reuse:
        log("reusing the database as it is")
    else:
        log(f"loading the demo county into {args.postgres}")
        info = prepare_database(args.postgres, env)
    plan = run_worker("plan", work, env)
    env["BENCH_WEB_PLAN"] = str(work / "plan.json")
    log("CPU time per request (Django's test client, one process)")
    cpu = run_worker("cpu", work, env)

    port = free_port()
    host = f"http://127.0.0.1:{port}"
    log(f"gunicorn with {args.workers} workers on {host}")
    server = start_server(env, port, args.workers, work)
    try:
        baseline = read_stats(run_locust("baseline", ["Baseline"], args, host, work, env))
        flows = read_stats(run_locust("flows", ["Advisor", "Coordinator"], args, host, work, env))
    finally:
        server.terminate()
        server.wait(timeout=30)

    import django

    results = {
        "measured": datetime.now(UTC).isoformat(timespec="minutes"),
        "args": {k: v for k, v in vars(args).items() if k not in {"worker", "out"}},
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "postgres": info["postgres"],
        },
        "dataset": {
            "school_year": plan["school_year"],
            "registrations": plan["registrations"],
            "advisors": len(plan["advisors"]),
            "caseload_total": plan["caseload_total"],
            "load_seconds": info["load_seconds"],
        },
        "baseline": baseline,
        "flows": flows,
        "cpu_ms": cpu,
        "seconds": time.perf_counter() - started,
    }
    out = ROOT / "benchmarks" / "results" / "web.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    report = render(results)
    print(report)
    if args.doc:
        write_section(report)
        log(f"wrote {DOC.relative_to(ROOT)}")
    return 0 if targets_met(results) else 1


def targets_met(results: dict) -> bool:
    flows = results["flows"]
    pages_ok = all(name in flows and flows[name]["p95"] < TARGET_P95_MS for name in TARGET_PAGES)
    errors = flows["all"]["failures"] + results["baseline"]["all"]["failures"]
    return pages_ok and errors == 0


def render(results: dict) -> str:
    a = results["args"]
    base = results["baseline"]["baseline: minimal view"]
    ds = results["dataset"]
    lines = [
        f"Measured {results['measured']} with `make bench-web` ({a['users']} users, "
        f"{a['duration']} s per phase, wait {a['wait']} s between a user's requests, "
        f"gunicorn with {a['workers']} sync workers, PostgreSQL "
        f"{results['machine']['postgres'] or '(reused database)'}, {results['machine']['nproc']}"
        " CPUs shared with other work).",
        "",
        f"Data: the demo county (39 Vestfold), {ds['registrations']:,} registrations; "
        f"school year {ds['school_year']}/{(ds['school_year'] + 1) % 100:02d}; "
        f"{ds['advisors']} advisors with {ds['caseload_total']:,} youths in their caseloads "
        "between them.",
        "",
        "| request | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | req/s "
        "| p50 / baseline | p95 / baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, s: dict, ratios: bool = True) -> str:
        r50 = f"{s['p50'] / base['p50']:.1f}×" if ratios and base["p50"] else "–"
        r95 = f"{s['p95'] / base['p95']:.1f}×" if ratios and base["p95"] else "–"
        return (
            f"| {name} | {s['requests']:,} | {s['failures']:,} | {s['p50']:.0f} | "
            f"{s['p95']:.0f} | {s['p99']:.0f} | {s['rps']:.1f} | {r50} | {r95} |"
        )

    lines.append(row("**baseline**: minimal Django view (own phase)", base, ratios=False))
    for name, s in results["flows"].items():
        if name != "all":
            lines.append(row(name, s))
    lines.append(row("**all requests of the flows**", results["flows"]["all"]))
    cpu = results.get("cpu_ms")
    if cpu:
        ping = cpu["baseline: minimal view"]
        lines += [
            "",
            "CPU time of one request in the Django process (not PostgreSQL's), median of 15, "
            "measured in the same run before the load:",
            "",
            "| request | CPU (ms) | / baseline |",
            "|---|---:|---:|",
        ]
        for name, ms in cpu.items():
            ratio = "–" if name.startswith("baseline") else f"{ms / ping:.0f}×"
            lines.append(f"| {name} | {ms:.1f} | {ratio} |")
    flows = results["flows"]
    lines += ["", "Targets (issue 12):", ""]
    for name in TARGET_PAGES:
        p95 = flows.get(name, {}).get("p95")
        if p95 is None:
            lines.append(f"- {name}: not requested in this run: **not met**")
            continue
        verdict = "**met**" if p95 < TARGET_P95_MS else "**not met**"
        lines.append(f"- {name}: p95 {p95:.0f} ms against {TARGET_P95_MS} ms: {verdict}")
    errors = flows["all"]["failures"] + results["baseline"]["all"]["failures"]
    lines.append(f"- errors: {errors}: {'**met**' if errors == 0 else '**not met**'}")
    return "\n".join(lines)


def write_section(report: str, start: str = START, end: str = END) -> None:
    """Replace what stands between the markers `start` and `end` in docs/performance.md."""
    text = DOC.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{DOC} lacks the markers {start} … {end}")
    head, rest = text.split(start, 1)
    _old, tail = rest.split(end, 1)
    DOC.write_text(f"{head}{start}\n\n{report}\n\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
