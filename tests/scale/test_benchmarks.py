"""The benchmarks' own logic: the baseline view exists only in the benchmark's URLconf, and the
reports judge the targets from the figures they are given. No time is measured here."""

import pytest
from benchmarks.web import run
from django.urls import Resolver404, resolve

from benchmarks import importer


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
        "method": "GET",
        "requests": 100,
        "failures": failures,
        "p50": p50,
        "p95": p95,
        "p99": p95 * 1.5,
        "mean": p50,
        "rps": 5.0,
    }


def web_results(worklist_p95, youth_p95, failures=0):
    return {
        "measured": "2026-01-01T00:00+00:00",
        "args": {"users": 50, "duration": 60, "wait": "5,15", "workers": 5},
        "machine": {"nproc": 2, "postgres": "15", "python": "3.11", "django": "5.2"},
        "dataset": {
            "school_year": 2024,
            "registrations": 6139,
            "advisors": 10,
            "caseload_total": 2000,
            "load_seconds": 40,
        },
        "baseline": {"baseline: minimal view": stats(5, p50=2), "all": stats(5, p50=2)},
        "flows": {
            "worklist": stats(worklist_p95),
            "youth page": stats(youth_p95),
            "all": stats(max(worklist_p95, youth_p95), failures=failures),
        },
        "cpu_ms": {"baseline: minimal view": 0.5, "worklist": 50.0},
    }


def test_the_web_targets():
    assert run.targets_met(web_results(120, 140))
    assert not run.targets_met(web_results(150, 140))  # "under 150 ms"
    assert not run.targets_met(web_results(120, 140, failures=1))
    report = run.render(web_results(120, 300))
    assert "- worklist: p95 120 ms against 150 ms: **met**" in report
    assert "- youth page: p95 300 ms against 150 ms: **not met**" in report
    assert "| worklist | 50.0 | 100× |" in report
    assert "| youth page | 100 | 0 | 10 | 300 | 450 | 5.0 | 5.0× | 60.0× |" in report


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
