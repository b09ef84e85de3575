"""The web load test: `make bench-web` (docs/performance.md, "Web under load").

1. PostgreSQL: the database (`veiviser_bench_web` by default) is dropped and created,
   migrated, and filled with the demo county (`veiviser demo`: 39 Vestfold, about 4,400 youths
   and 6,100 registrations over three school years, 10 advisors), then `VACUUM ANALYZE`.
2. The CPU time of one request of each kind in the Django process (Django's test client, one
   process, before the load); with `--compare-with REF`, also the same for the code at the git
   revision REF, in alternating rounds, side by side.
3. gunicorn serves Veiviser on 127.0.0.1 with several sync workers and DEBUG off, with
   `benchmarks.web.settings`, which adds the baseline view /bench/ping/ to the URLs.
4. locust (headless, bounded in time) runs two phases against that one server, one after the
   other: the baseline (N users asking for /bench/ping/) and the daily flows (N users:
   advisors and coordinators, see locustfile.py), with the same wait times. In the flows each
   user logs in once as it starts (the morning's log-ins, `--spawn-rate` a second: the
   ramp-up). Every request is recorded with its start; the log-ins are reported on their own,
   and the steady state is the requests that start from `--warmup` seconds after the last
   user was started until the phase stops. The load average of the machine is sampled
   throughout and reported with the figures.
5. The latencies (p50/p95/p99, exact, of the steady state), throughput and errors of every
   request type, and each one's ratio to the baseline, are printed, saved to
   benchmarks/results/web.json and written into docs/performance.md between the bench:web
   markers (the full run does it by default; `--doc` / `--no-doc` to choose).

Bounded in time: each locust phase runs for the ramp-up, the warm-up and `--duration`, and is
stopped if it overruns. Loopback only: the server binds 127.0.0.1 and locust is given that
address; nothing listens on another interface.
"""

import argparse
import io
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
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
LOG_INS = ("log in", "log in (form)")
HOST = "127.0.0.1"
STOP_TIMEOUT = 10  # seconds locust lets the users finish their task when a phase ends
CPU_REPEAT = 15


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


def worker_cpu(plan_path: Path, out: Path, repeat: int = CPU_REPEAT) -> None:
    """The CPU time (process time, this process only: not PostgreSQL's) of one request of each
    kind through Django's test client, median of `repeat` after a warm-up. Other work on the
    machine makes a request wait longer, but hardly makes it use more CPU: this is the cost of
    a request that contention does not blur. A request the code does not have (an older
    revision, `--compare-with`) is reported as None."""
    import statistics
    from datetime import datetime as dt

    import django

    django.setup()
    from django.test import Client

    plan = json.loads(plan_path.read_text())
    year = plan["school_year"]
    advisor, coordinator = plan["advisors"][0], plan["coordinators"][0]
    person, registration = advisor["caseload"][0]
    # The contacts are recorded for another youth, so that the page measured stays the same
    # from run to run (and from round to round with --compare-with).
    _other, other_registration = advisor["caseload"][-1]
    as_advisor, as_coordinator = Client(), Client()
    as_advisor.login(username=advisor["username"], password=plan["password"])
    as_coordinator.login(username=coordinator, password=plan["password"])
    prefix = f"c{other_registration}"
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
        "open a form (contact)": lambda: as_advisor.get(
            f"/ungdom/{person}/skjema/contact-{registration}/", headers={"HX-Request": "true"}
        ),
        "record contact": lambda: as_advisor.post(
            f"/tilmelding/{other_registration}/kontakt/", contact
        ),
        "worklist (unit)": lambda: as_coordinator.get(f"/ungdommer/?school_year={year}&alle=1"),
        "statistics page": lambda: as_coordinator.get(f"/statistikk/?school_year={year}"),
    }
    result = {}
    for name, request in requests.items():
        first = request()
        if getattr(first, "status_code", 200) >= 400:
            result[name] = None
            continue
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
            "VEIVISER_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
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


def run_worker(kind: str, work: Path, env: dict, out: Path | None = None) -> dict:
    """Run `--worker kind` in a subprocess (Django set up there); return its JSON output."""
    out = out or work / f"{kind}.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.web.run", "--worker", kind, "--out", out],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=900,
    )
    return json.loads(out.read_text())


def checkout(ref: str, work: Path) -> Path:
    """The source tree (`src/`) of the git revision `ref`, unpacked under `work`."""
    archive = subprocess.run(
        ["git", "-C", ROOT, "archive", "--format=tar", ref, "src"],
        check=True,
        capture_output=True,
    ).stdout
    target = work / f"ref-{ref.replace('/', '_')}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def cpu_times(work: Path, env: dict, compare_with: str | None, rounds: int) -> dict:
    """The CPU worker's medians for this code and, with `compare_with`, for that revision's
    code against the same database, in alternating rounds (this, that, this, that, ...) so
    that both see the same machine; the medians over the rounds."""
    import statistics

    if not compare_with:
        return {"this": run_worker("cpu", work, env), "ref": None, "rounds": 1}
    source = checkout(compare_with, work)
    env_ref = dict(env, PYTHONPATH=f"{source}{os.pathsep}{ROOT}")
    runs = {"this": [], "ref": []}
    for n in range(rounds):
        for side, side_env in (("this", env), ("ref", env_ref)):
            log(f"CPU round {n + 1}/{rounds}: {'this code' if side == 'this' else compare_with}")
            runs[side].append(run_worker("cpu", work, side_env, work / f"cpu-{side}-{n}.json"))

    def medians(results: list[dict]) -> dict:
        return {
            name: None
            if any(r[name] is None for r in results)
            else statistics.median(r[name] for r in results)
            for name in results[0]
        }

    return {"this": medians(runs["this"]), "ref": medians(runs["ref"]), "rounds": rounds}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int, workers: int, work: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
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
            with urllib.request.urlopen(f"http://{HOST}:{port}/bench/ping/", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {work / 'gunicorn.log'}")


class LoadSampler:
    """The machine's 1-minute load average, sampled every few seconds while a phase runs."""

    def __init__(self, every: float = 5):
        self.every, self.samples = every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.every):
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        s = self.samples or [os.getloadavg()[0]]
        return {"min": min(s), "mean": sum(s) / len(s), "max": max(s), "samples": len(s)}


def phase_timing(args, spawn_rate: float) -> dict:
    ramp = math.ceil(args.users / spawn_rate)
    return {"ramp": ramp, "warmup": args.warmup, "run_time": ramp + args.warmup + args.duration}


def run_locust(phase: str, classes: list[str], args, spawn_rate: float, host: str, work: Path, env):
    """One phase; returns the record of its requests (locustfile.py) and its load average."""
    timing = phase_timing(args, spawn_rate)
    prefix = work / phase
    record = work / f"{phase}-record.json"
    command = [
        BIN / "locust",
        "-f",
        ROOT / "benchmarks" / "web" / "locustfile.py",
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{timing['run_time']}s",
        "--stop-timeout",
        str(STOP_TIMEOUT),
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    log(
        f"{phase}: {args.users} users ({', '.join(classes)}), started over {timing['ramp']} s, "
        f"{timing['warmup']} s warm-up, then {args.duration} s measured"
    )
    with LoadSampler() as load:
        # locust exits 1 when a request failed; the failures are counted and reported instead.
        try:
            subprocess.run(
                command,
                env=dict(env, BENCH_WEB_RECORD=str(record)),
                cwd=ROOT,
                check=False,
                timeout=timing["run_time"] + STOP_TIMEOUT + 60,
            )
        except subprocess.TimeoutExpired as overrun:
            raise SystemExit(f"locust overran the {phase} phase; stopped") from overrun
    return {"record": json.loads(record.read_text()), "timing": timing, "load": load.summary()}


def percentile(sorted_ms: list[float], p: float) -> float:
    """The nearest-rank percentile of sorted values."""
    if not sorted_ms:
        return 0.0
    return sorted_ms[max(0, math.ceil(p / 100 * len(sorted_ms)) - 1)]


def summarise(requests: list, seconds: float | None) -> dict:
    times = sorted(r[2] for r in requests)
    return {
        "requests": len(times),
        "failures": sum(1 for r in requests if r[3]),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "mean": sum(times) / len(times) if times else 0.0,
        "rps": len(times) / seconds if seconds else 0.0,
    }


def phase_figures(phase: dict, warmup: float) -> dict:
    """The steady state (requests from `warmup` s after the last user was started until the
    phase began to stop; no log-ins), the log-ins, and the errors of the whole phase."""
    record = phase["record"]
    requests = record["requests"]
    spawned = record["spawning_complete"] or record["started"]
    stopping = record["stopping"] or max((r[1] + r[2] / 1000 for r in requests), default=spawned)
    start = spawned + warmup
    seconds = max(stopping - start, 1e-9)
    steady = [r for r in requests if start <= r[1] < stopping and r[0] not in LOG_INS]
    by_name: dict[str, list] = {}
    for r in steady:
        by_name.setdefault(r[0], []).append(r)
    steady_stats = {name: summarise(rows, seconds) for name, rows in sorted(by_name.items())}
    steady_stats["all"] = summarise(steady, seconds)
    log_ins = [r for r in requests if r[0] in LOG_INS]
    posts = [r for r in log_ins if r[0] == "log in"]
    log_in_stats = {name: summarise([r for r in log_ins if r[0] == name], None) for name in LOG_INS}
    if posts:
        first = min(r[1] for r in posts)
        log_in_stats["all logged in after (s)"] = max(r[1] + r[2] / 1000 for r in posts) - first
    return {
        "steady": steady_stats,
        "log_ins": log_in_stats if log_ins else {},
        "errors": sum(1 for r in requests if r[3]),
        "window_seconds": seconds,
        "ramp_seconds": spawned - record["started"],
        "load": phase["load"],
        "timing": phase["timing"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.web.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument(
        "--duration",
        type=int,
        default=120,
        help="seconds measured per phase, after the ramp-up and the warm-up (120)",
    )
    parser.add_argument(
        "--spawn-rate", type=float, default=1, help="users started (logging in) per second (1)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=15,
        help="seconds after the last user started before the measurement begins (15)",
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
    parser.add_argument(
        "--compare-with",
        metavar="REF",
        help="also measure the CPU per request of the code at this git revision (same "
        "migrations), side by side",
    )
    parser.add_argument(
        "--cpu-rounds", type=int, default=3, help="alternating rounds with --compare-with (3)"
    )
    parser.add_argument(
        "--doc",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write docs/performance.md (default: for the full run, 50 users and 120 s)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker == "plan":
        worker_plan(Path(args.out))
        return 0
    if args.worker == "cpu":
        worker_cpu(Path(os.environ["BENCH_WEB_PLAN"]), Path(args.out))
        return 0
    if args.users < 1 or args.duration < 5 or args.spawn_rate <= 0 or args.warmup < 0:
        parser.error("--users ≥ 1, --duration ≥ 5 s, --spawn-rate > 0 and --warmup ≥ 0")
    write_doc = args.doc if args.doc is not None else args.users >= 50 and args.duration >= 120
    flows_timing = phase_timing(args, args.spawn_rate)
    baseline_timing = phase_timing(args, args.users)  # nothing to log in: all at once
    bound = baseline_timing["run_time"] + flows_timing["run_time"] + 2 * STOP_TIMEOUT
    log(f"the two phases take about {bound // 60} min {bound % 60} s (plus loading and CPU)")

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
    with LoadSampler() as cpu_load:
        cpu = cpu_times(work, env, args.compare_with, args.cpu_rounds)

    port = free_port()
    host = f"http://{HOST}:{port}"
    log(f"gunicorn with {args.workers} workers on {host}")
    server = start_server(env, port, args.workers, work)
    try:
        baseline = run_locust("baseline", ["Baseline"], args, args.users, host, work, env)
        flows = run_locust(
            "flows", ["Advisor", "Coordinator"], args, args.spawn_rate, host, work, env
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    import django

    results = {
        "measured": datetime.now(UTC).isoformat(timespec="minutes"),
        "args": {k: v for k, v in vars(args).items() if k not in {"worker", "out", "doc"}},
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
        "baseline": phase_figures(baseline, args.warmup),
        "flows": phase_figures(flows, args.warmup),
        "cpu_ms": cpu["this"],
        "cpu_ref_ms": cpu["ref"],
        "cpu_rounds": cpu["rounds"],
        "cpu_load": cpu_load.summary(),
        "seconds": time.perf_counter() - started,
    }
    out = ROOT / "benchmarks" / "results" / "web.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    shutil.copy(work / "plan.json", out.parent / "web-plan.json")
    report = render(results)
    print(report)
    if write_doc:
        write_section(report)
        log(f"wrote {DOC.relative_to(ROOT)}")
    return 0 if targets_met(results) else 1


def errors_of(results: dict) -> int:
    return results["flows"]["errors"] + results["baseline"]["errors"]


def targets_met(results: dict) -> bool:
    steady = results["flows"]["steady"]
    pages_ok = all(name in steady and steady[name]["p95"] < TARGET_P95_MS for name in TARGET_PAGES)
    return pages_ok and errors_of(results) == 0


def _load(summary: dict) -> str:
    return f"{summary['min']:.1f}–{summary['max']:.1f} (mean {summary['mean']:.1f})"


def render(results: dict) -> str:
    a = results["args"]
    base = results["baseline"]["steady"]["baseline: minimal view"]
    ds = results["dataset"]
    flows = results["flows"]
    lines = [
        f"Measured {results['measured']} with `make bench-web` ({a['users']} users, each "
        f"waiting {a['wait']} s between requests; gunicorn with {a['workers']} sync workers, "
        f"PostgreSQL {results['machine']['postgres'] or '(reused database)'}; "
        f"{results['machine']['nproc']} CPUs).",
        "",
        f"Data: the demo county (39 Vestfold), {ds['registrations']:,} registrations; "
        f"school year {ds['school_year']}/{(ds['school_year'] + 1) % 100:02d}; "
        f"{ds['advisors']} advisors with {ds['caseload_total']:,} youths in their caseloads "
        "between them.",
        "",
        "**Load average of the machine** (1 minute, sampled every 5 s; the machine's other "
        "work shows here): "
        f"during the CPU measurement {_load(results['cpu_load'])}, the baseline phase "
        f"{_load(results['baseline']['load'])}, the flows {_load(flows['load'])}.",
        "",
        f"**Steady state**: the requests started from {a['warmup']} s after the last user "
        f"was started until the phase ended, {flows['window_seconds']:.0f} s of the flows "
        f"phase ({results['baseline']['window_seconds']:.0f} s of the baseline's); no log-ins. "
        "Latencies are exact percentiles of those requests.",
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
    for name, s in flows["steady"].items():
        if name != "all":
            lines.append(row(name, s))
    lines.append(row("**all requests of the flows**", flows["steady"]["all"]))

    log_ins = flows["log_ins"]
    if log_ins:
        lines += [
            "",
            f"**Log-ins** (the ramp-up: {a['users']} users started at {a['spawn_rate']:g} a "
            f"second over {flows['ramp_seconds']:.0f} s, each logging in once as it starts; "
            "not part of the steady state):",
            "",
            "| request | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name in LOG_INS:
            s = log_ins[name]
            lines.append(
                f"| {name} | {s['requests']:,} | {s['failures']:,} | {s['p50']:.0f} | "
                f"{s['p95']:.0f} | {s['p99']:.0f} |"
            )
        if "all logged in after (s)" in log_ins:
            lines += [
                "",
                f"All {log_ins['log in']['requests']} log-ins were done "
                f"{log_ins['all logged in after (s)']:.0f} s after the first began.",
            ]

    cpu, ref = results.get("cpu_ms"), results.get("cpu_ref_ms")
    if cpu:
        ping = cpu["baseline: minimal view"]
        ref_name = a.get("compare_with")
        lines += [
            "",
            f"**CPU time of one request** in the Django process (not PostgreSQL's), median of "
            f"{CPU_REPEAT} after a warm-up, measured before the load"
            + (
                f"; beside it the same for the code at `{ref_name}`, against the same database, "
                f"the medians of {results['cpu_rounds']} alternating rounds:"
                if ref
                else ":"
            ),
            "",
        ]
        if ref:
            lines += [
                f"| request | CPU at `{ref_name}` (ms) | CPU now (ms) | now / then | "
                "now / baseline |",
                "|---|---:|---:|---:|---:|",
            ]
        else:
            lines += ["| request | CPU (ms) | / baseline |", "|---|---:|---:|"]
        for name, ms in cpu.items():
            this = "–" if ms is None else f"{ms:.1f}"
            ratio = "–" if ms is None or name.startswith("baseline") else f"{ms / ping:.0f}×"
            if ref:
                then = ref.get(name)
                then_text = "–" if then is None else f"{then:.1f}"
                change = "–" if then is None or ms is None else f"{ms / then:.2f}"
                lines.append(f"| {name} | {then_text} | {this} | {change} | {ratio} |")
            else:
                lines.append(f"| {name} | {this} | {ratio} |")

    steady = flows["steady"]
    lines += ["", "Targets (issue 12):", ""]
    for name in TARGET_PAGES:
        p95 = steady.get(name, {}).get("p95")
        if p95 is None:
            lines.append(f"- {name}: not requested in this run: **not met**")
            continue
        verdict = "**met**" if p95 < TARGET_P95_MS else "**not met**"
        lines.append(f"- {name}: p95 {p95:.0f} ms against {TARGET_P95_MS} ms: {verdict}")
    errors = errors_of(results)
    lines.append(
        f"- errors (both phases, log-ins and ramp-up included): {errors}: "
        f"{'**met**' if errors == 0 else '**not met**'}"
    )
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
