"""The benchmarks' own logic: the baseline view exists only in the benchmark's URLconf, and the
reports judge the targets from the figures they are given. No time is measured here."""

import pytest
from benchmarks.web import run
from django.urls import Resolver404, resolve

from benchmarks import importer
from benchmarks import report as report_bench


def test_the_baseline_view_is_not_in_the_production_urls(client, db):
    with pytest.raises(Resolver404):
        resolve("/bench/ping/")
    assert client.get("/bench/ping/").status_code == 404


def test_the_benchmark_urlconf_adds_only_the_baseline_view(client, db, settings):
    settings.ROOT_URLCONF = "benchmarks.web.urls"
    response = client.get("/bench/ping/")
    assert response.status_code == 200
    assert response.content == b"ok"
    # Veiviser's own pages are still there, behind the login.
    assert client.get("/ungdommer/").status_code == 302


def stats(p95, failures=0, p50=10.0):
    return {
        "requests": 100,
        "failures": failures,
        "p50": p50,
        "p95": p95,
        "p99": p95 * 1.5,
        "mean": p50,
        "rps": 5.0,
    }


LOAD = {"min": 1.0, "mean": 1.5, "max": 2.0, "samples": 10}


def phase(steady: dict, errors=0, log_ins=None):
    return {
        "steady": steady,
        "log_ins": log_ins or {},
        "errors": errors,
        "window_seconds": 120.0,
        "ramp_seconds": 49.0,
        "load": LOAD,
        "timing": {"ramp": 50, "warmup": 15, "run_time": 185},
    }


def web_results(worklist_p95, youth_p95, failures=0, ref=None):
    return {
        "measured": "2026-01-01T00:00+00:00",
        "args": {
            "users": 50,
            "duration": 120,
            "wait": "5,15",
            "workers": 5,
            "warmup": 15,
            "spawn_rate": 1,
            "compare_with": "abc123" if ref else None,
        },
        "machine": {"nproc": 2, "postgres": "15", "python": "3.11", "django": "5.2"},
        "dataset": {
            "school_year": 2024,
            "registrations": 6139,
            "advisors": 10,
            "caseload_total": 2000,
            "load_seconds": 40,
        },
        "baseline": phase({"baseline: minimal view": stats(5, p50=2), "all": stats(5, p50=2)}),
        "flows": phase(
            {
                "worklist": stats(worklist_p95),
                "youth page": stats(youth_p95),
                "all": stats(max(worklist_p95, youth_p95)),
            },
            errors=failures,
            log_ins={
                "log in": stats(900, p50=400),
                "log in (form)": stats(30),
                "all logged in after (s)": 52.0,
            },
        ),
        "cpu_ms": {"baseline: minimal view": 0.5, "worklist": 15.0, "open a form (contact)": 5.0},
        "cpu_ref_ms": ref,
        "cpu_rounds": 3,
        "cpu_load": LOAD,
    }


def test_the_web_targets():
    assert run.targets_met(web_results(120, 140))
    assert not run.targets_met(web_results(150, 140))  # "under 150 ms"
    assert not run.targets_met(web_results(120, 140, failures=1))  # a failed log-in counts too
    report = run.render(web_results(120, 300))
    assert "- worklist: p95 120 ms against 150 ms: **met**" in report
    assert "- youth page: p95 300 ms against 150 ms: **not met**" in report
    assert "| worklist | 15.0 | 30× |" in report
    assert "| youth page | 100 | 0 | 10 | 300 | 450 | 5.0 | 5.0× | 60.0× |" in report
    assert "| log in | 100 | 0 | 400 | 900 | 1350 |" in report
    assert "All 100 log-ins were done 52 s after the first began." in report
    assert "the flows 1.0–2.0 (mean 1.5)" in report


def test_the_cpu_table_side_by_side():
    ref = {"baseline: minimal view": 0.5, "worklist": 30.0, "open a form (contact)": None}
    report = run.render(web_results(120, 140, ref=ref))
    assert "| request | CPU at `abc123` (ms) | CPU now (ms) | now / then | now / baseline |" in (
        report
    )
    assert "| worklist | 30.0 | 15.0 | 0.50 | 30× |" in report
    assert "| open a form (contact) | – | 5.0 | – | 10× |" in report


def test_the_steady_state_leaves_out_the_ramp_up_the_warm_up_and_the_log_ins():
    t0 = 1_000.0
    record = {
        "started": t0,
        "spawning_complete": t0 + 50,
        "stopping": t0 + 185,
        "requests": [
            ["log in (form)", t0 + 1, 20.0, False],
            ["log in", t0 + 1.1, 400.0, False],
            ["worklist", t0 + 10, 5000.0, False],  # during the ramp-up
            ["worklist", t0 + 60, 4000.0, False],  # during the warm-up
            ["log in", t0 + 70, 800.0, True],  # a late, failed log-in: reported, not steady
            ["worklist", t0 + 70, 100.0, False],
            ["youth page", t0 + 80, 120.0, False],
            ["youth page", t0 + 90, 140.0, True],
            ["worklist", t0 + 186, 9000.0, False],  # after the phase began to stop
        ],
    }
    figures = run.phase_figures(
        {"record": record, "load": LOAD, "timing": {"ramp": 50, "warmup": 15}}, warmup=15
    )
    steady = figures["steady"]
    assert steady["worklist"]["requests"] == 1 and steady["worklist"]["p95"] == 100.0
    assert steady["youth page"]["requests"] == 2 and steady["youth page"]["failures"] == 1
    assert steady["all"]["requests"] == 3
    assert figures["window_seconds"] == 120.0
    assert figures["log_ins"]["log in"]["requests"] == 2
    assert figures["log_ins"]["log in"]["failures"] == 1
    assert figures["log_ins"]["all logged in after (s)"] == pytest.approx(70.8 - 1.1)
    assert figures["errors"] == 2  # the whole phase


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert run.percentile(values, 50) == 50.0
    assert run.percentile(values, 95) == 95.0
    assert run.percentile(values, 99) == 99.0
    assert run.percentile([7.0], 95) == 7.0
    assert run.percentile([], 95) == 0.0


def test_the_import_report():
    runs = [
        {
            "lines": 10_000,
            "file_mib": 1.5,
            "seconds": 2.0,
            "lines_per_s": 5_000,
            "copy_seconds": 0.1,
            "peak_rss_mib": 70.0,
        },
        {
            "lines": 100_000,
            "file_mib": 15.0,
            "seconds": 25.0,
            "lines_per_s": 4_000,
            "copy_seconds": 2.5,
            "peak_rss_mib": 196.0,
            "target": True,
        },
        {
            "lines": 300_000,
            "file_mib": 45.0,
            "seconds": 50.0,
            "lines_per_s": 6_000,
            "copy_seconds": 5.0,
            "peak_rss_mib": 216.0,
        },
    ]
    report = importer.render({"measured": "2026-01-01T00:00+00:00", "runs": runs})
    assert "| 100,000 | 15.0 | 25.0 | 4,000 | 2.50 | 10× | 196 |" in report
    assert "by 1.43 KiB per line from 10,000 to 100,000" in report
    assert "by 0.10 KiB per line from 100,000 to 300,000 lines" in report
    # The target is for the 100,000-line file, not the largest.
    assert "for 100,000 lines: 4,000 lines/s, **not met**" in report


REPORT_HTML = """<html><body><section class="front"><h1>Årsrapport</h1></section>
<section class="chapter"><h2>1 Innledning</h2><p>Tekst <b>med</b> mer.</p>
<figure><svg><g><text>12</text></g></svg><figcaption>Figur 1</figcaption></figure></section>
<section class="chapter"><h2>2 Tabeller</h2><table><caption>T</caption>
<tr><th>a</th><th>b</th><th>c</th></tr><tr><th>x</th><td>1</td><td>2</td></tr></table>
<ul><li>Punkt</li></ul></section></body></html>"""


def test_the_report_baseline_has_the_reports_content_in_plain_form():
    shape = report_bench.Shape.of(REPORT_HTML)
    assert shape.chapters == [
        [("text", "h1", "Årsrapport")],
        [
            ("text", "h2", "1 Innledning"),
            ("text", "p", "Tekst med mer."),
            ("chart",),
            ("text", "figcaption", "Figur 1"),
        ],
        [("text", "h2", "2 Tabeller"), ("table", 2, 3), ("text", "li", "Punkt")],
    ]
    assert (shape.count("table"), shape.count("chart"), shape.cells) == (1, 1, 6)
    static = report_bench.static_document(shape)
    assert static.count('<section class="chapter">') == 3
    assert static.count("<tr>") == 2 and static.count("<td>") == 6
    assert '<div class="chart"></div>' in static and "<p>Tekst med mer.</p>" in static


def report_results(cold, warm):
    run = {"wall": cold, "cpu": 1.0, "html_wall": 1.0, "html_cpu": 0.3, "pdf_wall": cold - 1}
    run["pdf_cpu"] = 0.7
    return {
        "measured": "2026-01-01T00:00+00:00",
        "args": {"data": "demo"},
        "machine": {"nproc": 2, "postgres": "15"},
        "load": {"min": 1.0, "max": 2.0, "mean": 1.5},
        "weasyprint": "70.0",
        "school_year": 2024,
        "registrations": 2082,
        "pages": 30,
        "baseline_pages": 25,
        "chapters": 12,
        "tables": 20,
        "cells": 804,
        "charts": 10,
        "texts": 146,
        "cold": run,
        "warm": [{**run, "wall": warm}] * 3,
        "baseline": [{"wall": 2.0, "cpu": 0.9}] * 3,
    }


def test_the_report_target_is_judged_on_the_slower_of_the_first_run_and_the_median():
    assert report_bench.target_met(report_results(9.9, 6.0))
    assert not report_bench.target_met(report_results(10.0, 6.0))
    assert not report_bench.target_met(report_results(6.0, 10.5))
    text = report_bench.render(report_results(7.2, 6.0))
    assert "under 10 s: 7.2 s at worst, **met**" in text
    assert "first run) | 7.20 | 1.00 | 3.6× |" in text
