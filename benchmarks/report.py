"""The annual report benchmark: `make bench-report` (docs/performance.md, "The annual report").

1. PostgreSQL: the database (`veiviser_bench_report` by default) is dropped and created,
   migrated and filled with a county:
   - `--data demo` (the default): the demo county (`veiviser demo`: 39 Vestfold, three school
     years with casework, measures, exams, projects, letters and the report's texts), so that
     every chapter of the report has content;
   - `--data national`: county 39 of the national synthetic dataset (`benchmarks.national`,
     ten school years, about 100,000 exchange lines at scale 1) through `veiviser import`:
     the registry only, with a longer history.
   Then `VACUUM ANALYZE`.
2. In a fresh subprocess, the report of one county-year (the data's latest school year, or
   `--school-year`) is made as `veiviser report` makes it (`reports.services.report_make`:
   every section's numbers as known now, the HTML, the PDF through WeasyPrint, the record in
   the database): first once in the fresh process (the time a `veiviser report` command
   takes, loading WeasyPrint and the fonts included), then `--runs` more times; for each,
   the wall and CPU time of the HTML (`document.build`) and of the PDF (`document.to_pdf`).
3. The baseline, measured in the same process right after: WeasyPrint making a PDF of a
   static HTML document with the report's content in plain form: the same chapters (a page
   break before each), the same texts, tables of the same shapes (rows × columns, numbers in
   the cells) and an empty box where each chart is, with a plain stylesheet. That is the cost
   of laying out that much content with WeasyPrint, without computing or drawing anything;
   the page counts of both are reported.
4. The results are printed, saved to benchmarks/results/report.json and written into
   docs/performance.md between the bench:report markers (`--doc` / `--no-doc`; the default
   run writes them).

National statistics for every county-year in one run (issue 12, item 4) are timed by
`make bench` (benchmarks/run.py, "all county-years").
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from benchmarks.run import prepare_postgres
from benchmarks.web.run import LoadSampler, write_section

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
START, END = "<!-- bench:report:start -->", "<!-- bench:report:end -->"
TARGET_SECONDS = 10.0
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/veiviser_bench_report"


def log(message: str) -> None:
    print(f"[bench-report {datetime.now():%H:%M:%S}] {message}", flush=True)


# -- the shape of a report, and a static document of the same shape ---------------------------


TEXT_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "figcaption"})


class Shape(HTMLParser):
    """A report's HTML as plain blocks, chapter by chapter (`<section class="chapter">`): the
    text of its paragraphs, headings and list items, the shape of each table (rows, the most
    cells in a row) and each chart (`<svg>`)."""

    def __init__(self):
        super().__init__()
        self.chapters: list[list[tuple]] = [[]]
        self._table: list[int] | None = None  # [rows, widest, cells in the current row]
        self._text: list[str] | None = None
        self._text_tag = ""
        self._svg = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "section" and "chapter" in classes:
            self.chapters.append([])
        elif tag == "svg":
            if not self._svg:
                self.chapters[-1].append(("chart",))
            self._svg += 1
        elif tag == "table":
            self._table = [0, 0, 0]
        elif self._table is not None and tag == "tr":
            self._table[0] += 1
            self._table[2] = 0
        elif self._table is not None and tag in ("td", "th"):
            self._table[2] += 1
            self._table[1] = max(self._table[1], self._table[2])
        elif self._table is None and not self._svg and tag in TEXT_TAGS and self._text is None:
            self._text, self._text_tag = [], tag

    def handle_endtag(self, tag):
        if tag == "svg" and self._svg:
            self._svg -= 1
        elif tag == "table" and self._table is not None:
            self.chapters[-1].append(("table", self._table[0], self._table[1]))
            self._table = None
        elif self._text is not None and tag == self._text_tag:
            text = " ".join("".join(self._text).split())
            if text:
                self.chapters[-1].append(("text", self._text_tag, text))
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    @classmethod
    def of(cls, html: str) -> "Shape":
        shape = cls()
        shape.feed(html)
        shape.chapters = [c for c in shape.chapters if c] or [[]]
        return shape

    def count(self, kind: str) -> int:
        return sum(1 for chapter in self.chapters for block in chapter if block[0] == kind)

    @property
    def cells(self) -> int:
        return sum(b[1] * b[2] for chapter in self.chapters for b in chapter if b[0] == "table")


STATIC_STYLE = """
@page { size: A4; margin: 22mm 20mm 24mm 20mm; }
html { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.45; }
.chapter { break-before: page; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border-bottom: 1px solid #999; padding: .25rem .5rem; text-align: right; }
td:first-child { text-align: left; }
.chart { height: 7cm; border: 1px solid #999; margin: 1rem 0; }
"""


def static_document(shape: Shape) -> str:
    """A plain HTML document with the chapters, texts and tables of `shape`, each chart an
    empty box of a chart's size: the same content to lay out, without the report's styling
    and drawings."""
    parts = [
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Baseline</title>'
        f"<style>{STATIC_STYLE}</style></head><body>"
    ]
    for chapter in shape.chapters:
        parts.append('<section class="chapter">')
        for block in chapter:
            if block[0] == "text":
                tag = {"li": "p", "dt": "p", "dd": "p", "figcaption": "p"}.get(block[1], block[1])
                parts.append(f"<{tag}>{escape(block[2])}</{tag}>")
            elif block[0] == "chart":
                parts.append('<div class="chart"></div>')
            else:
                _kind, rows, columns = block
                parts.append("<table>")
                for row in range(rows):
                    cells = "".join(
                        f"<td>Rad {row + 1}</td>" if column == 0 else f"<td>{row + column}</td>"
                        for column in range(columns)
                    )
                    parts.append(f"<tr>{cells}</tr>")
                parts.append("</table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


# -- inside the subprocess, with DATABASE_URL set ---------------------------------------------


def worker(out: Path, runs: int, school_year: int | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veiviser.config.settings")
    import django

    django.setup()
    from veiviser.organisation.models import County
    from veiviser.registry.models import Registration
    from veiviser.reports import document, services

    county = County.objects.get(number="39")
    year = school_year or max(
        Registration.objects.filter(county=county).values_list("school_year", flat=True)
    )
    phases: dict[str, tuple[float, float]] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] = (time.perf_counter() - wall, time.process_time() - cpu)

        return wrapper

    build, to_pdf = document.build, document.to_pdf
    document.build = timed("html", build)
    document.to_pdf = timed("pdf", to_pdf)

    def one() -> dict:
        phases.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        report = services.report_make(
            actor=None, county=county, school_year=year, output_format="pdf"
        )
        result = {
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "html_wall": phases["html"][0],
            "html_cpu": phases["html"][1],
            "pdf_wall": phases["pdf"][0],
            "pdf_cpu": phases["pdf"][1],
            "pdf_bytes": len(report.file),
        }
        return result

    cold = one()
    warm = [one() for _ in range(runs)]

    # The report's own HTML again (not timed), for its shape and page count.
    from weasyprint import HTML

    from veiviser.codes.selectors import kodeverk
    from veiviser.reports import selectors
    from veiviser.reports.sections import ReportContext

    ctx = ReportContext(
        kv=kodeverk(),
        county=county,
        school_year=year,
        known_at=datetime.now(UTC),
        narratives=selectors.latest_narratives(county),
    )
    html = build(ctx).html
    shape = Shape.of(html)
    report_pages = len(HTML(string=html).render().pages)

    static = static_document(shape)
    baseline = []
    for _ in range(runs + 1):  # the first is a warm-up (the baseline's font)
        wall, cpu = time.perf_counter(), time.process_time()
        rendered = HTML(string=static).render()
        rendered.write_pdf(pdf_variant=document.PDF_VARIANT)
        baseline.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu})
    registrations = Registration.objects.filter(county=county, school_year=year).count()
    import weasyprint

    out.write_text(
        json.dumps(
            {
                "school_year": year,
                "registrations": registrations,
                "cold": cold,
                "warm": warm,
                "baseline": baseline[1:],
                "pages": report_pages,
                "baseline_pages": len(HTML(string=static).render().pages),
                "chapters": len(shape.chapters),
                "tables": shape.count("table"),
                "cells": shape.cells,
                "charts": shape.count("chart"),
                "texts": shape.count("text"),
                "weasyprint": weasyprint.__version__,
            }
        )
    )


# -- the orchestration --------------------------------------------------------------------------


def env_for(url: str, work: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "veiviser.config.settings",
            "VEIVISER_ALLOW_SYNTHETIC_FNR": "1",
            "VEIVISER_DEBUG": "0",
            "VEIVISER_DATA_DIR": str(work / "var"),
            "VEIVISER_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def load(data: str, url: str, env: dict, work: Path) -> dict:
    import psycopg

    version = prepare_postgres(url)  # drop and create
    started = time.perf_counter()
    subprocess.run([BIN / "veiviser", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    if data == "demo":
        subprocess.run(
            [BIN / "veiviser", "demo"], env=env, cwd=ROOT, check=True, capture_output=True
        )
    else:
        from benchmarks.importer import write_file

        path = work / "county-39.jsonl"
        lines = write_file(path, 1.0, "39")
        log(f"importing {lines:,} lines of county 39")
        subprocess.run(
            [BIN / "veiviser", "import", str(path), "--county", "39"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("VACUUM ANALYZE")
    return {"postgres": version, "load_seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.report", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--data", choices=["demo", "national"], default="demo")
    parser.add_argument("--school-year", type=int, help="default: the data's latest")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the first (3)")
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help="database URL; DROPPED and created"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database as it is (already loaded)"
    )
    parser.add_argument(
        "--doc",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write docs/performance.md (default: yes)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(Path(args.out), args.runs, args.school_year)
        return 0
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    work = Path(tempfile.mkdtemp(prefix="veiviser-bench-report-"))
    env = env_for(args.postgres, work)
    info = {"postgres": None, "load_seconds": None}
    if args.reuse:
        log("reusing the database as it is")
    else:
        log(f"loading the {args.data} county into {args.postgres}")
        info = load(args.data, args.postgres, env, work)
    out = work / "report.json"
    command = [sys.executable, "-m", "benchmarks.report", "--worker", "--out", str(out)]
    command += ["--runs", str(args.runs)]
    if args.school_year:
        command += ["--school-year", str(args.school_year)]
    log(f"the report, {args.runs + 1} times, and the baseline, in a fresh process")
    with LoadSampler() as load_average:
        subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=3600)
    measured = json.loads(out.read_text())

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
        "load_seconds": info["load_seconds"],
        "load": load_average.summary(),
        **measured,
    }
    path = ROOT / "benchmarks" / "results" / "report.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=1))
    report = render(results)
    print(report)
    if args.doc:
        write_section(report, START, END)
        log("wrote docs/performance.md")
    return 0 if target_met(results) else 1


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def target_met(results: dict) -> bool:
    return max(results["cold"]["wall"], _median(results["warm"], "wall")) < TARGET_SECONDS


def render(results: dict) -> str:
    a, warm, cold, base = results["args"], results["warm"], results["cold"], results["baseline"]
    year = results["school_year"]
    data = (
        "the demo county (39 Vestfold: casework, measures, exams, projects, letters and the "
        "report's texts)"
        if a["data"] == "demo"
        else "county 39 of the national synthetic dataset (the registry only, ten school years)"
    )
    load = results["load"]
    base_wall, base_cpu = _median(base, "wall"), _median(base, "cpu")
    lines = [
        f"Measured {results['measured']} with `make bench-report` "
        f"(`--data {a['data']}`; PostgreSQL {results['machine']['postgres'] or '(reused)'}; "
        f"WeasyPrint {results['weasyprint']}; {results['machine']['nproc']} CPUs; load "
        f"average {load['min']:.1f}–{load['max']:.1f} while it ran).",
        "",
        f"Data: {data}; the report of school year {year}/{(year + 1) % 100:02d}, "
        f"{results['registrations']:,} registrations that year. The report has "
        f"{results['pages']} pages, {results['chapters']} chapters, {results['tables']} tables "
        f"({results['cells']:,} cells), {results['charts']} charts and {results['texts']} "
        "paragraphs, headings and list items; the baseline document has the same in plain "
        f"form (each chart an empty box), {results['baseline_pages']} pages.",
        "",
        "| | wall (s) | CPU (s) | / baseline (wall) |",
        "|---|---:|---:|---:|",
        f"| **the report** (`veiviser report` in a fresh process: first run) | "
        f"{cold['wall']:.2f} | {cold['cpu']:.2f} | {cold['wall'] / base_wall:.1f}× |",
        f"|   of which the HTML (every section's numbers, rendered) | {cold['html_wall']:.2f} "
        f"| {cold['html_cpu']:.2f} | – |",
        f"|   of which the PDF (WeasyPrint, PDF/UA-1) | {cold['pdf_wall']:.2f} | "
        f"{cold['pdf_cpu']:.2f} | – |",
        f"| **the report**, median of {len(warm)} more runs in the same process | "
        f"{_median(warm, 'wall'):.2f} | {_median(warm, 'cpu'):.2f} | "
        f"{_median(warm, 'wall') / base_wall:.1f}× |",
        f"|   of which the HTML | {_median(warm, 'html_wall'):.2f} | "
        f"{_median(warm, 'html_cpu'):.2f} | – |",
        f"|   of which the PDF | {_median(warm, 'pdf_wall'):.2f} | "
        f"{_median(warm, 'pdf_cpu'):.2f} | {_median(warm, 'pdf_wall') / base_wall:.1f}× |",
        f"| baseline: WeasyPrint, a static document of the same content (median of "
        f"{len(base)}) | {base_wall:.2f} | {base_cpu:.2f} | – |",
        "",
        "Target (issue 12): the annual report PDF of a county-year in under "
        f"{TARGET_SECONDS:.0f} s: {max(cold['wall'], _median(warm, 'wall')):.1f} s at worst, "
        f"{'**met**' if target_met(results) else '**not met**'}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
