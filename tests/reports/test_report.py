"""The report as made by the service: every section, the numbers of `veiviser stats`, the same
numbers again for the same known-at, and a PDF that is a real, tagged PDF."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.reports.conftest import KNOWN_AT, SCHOOL_YEAR, made
from veiviser.audit.models import AuditEvent
from veiviser.registry import services as registry
from veiviser.registry.models import Registration
from veiviser.reports import sections, services
from veiviser.reports.models import Narrative, Report, ReportStatus

pytestmark = pytest.mark.django_db


def stats_json(*args) -> dict:
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return json.loads(out.getvalue())


def test_html_report_has_every_section(report_world):
    report = made(report_world)
    html = bytes(report.file).decode()
    assert report.status == ReportStatus.DONE
    for section in sections.sections():
        assert f'id="kap-{section.key.replace("_", "-")}"' in html
    assert 'lang="nb"' in html
    assert "15. november 2023" in html
    assert "Tabell 1" in html and "Tabell 2" in html
    assert html.count("<svg") >= 5  # Table 1, Table 2, age, during the year, year end


def test_numbers_equal_veiviser_stats(report_world):
    report_world.suppression_threshold = 1  # nothing hidden: every cell comparable
    report_world.save()
    report = made(report_world)
    year, known = str(SCHOOL_YEAR), KNOWN_AT.isoformat()

    def stats(*extra) -> dict:
        return stats_json("--county", "39", "--school-year", year, "--known-at", known, *extra)

    published = report.numbers["tables"]["counting_dates"]
    assert [
        {"date": e["date"], "table1": e["table1"], "table2": e["table2"]} for e in published
    ] == stats()["counting_dates"]
    age, year_end = stats("--report", "age"), stats("--report", "year-end")
    assert report.numbers["age"]["ages"] == age["ages"]
    assert report.numbers["age"]["total"] == age["total"]
    for key in ("by_code", "by_main_group", "share_in_activity"):
        assert report.numbers["year_end"][key] == year_end[key]
    repeat = stats("--report", "repeat")
    assert report.numbers["repeat"]["registrations"] == repeat["registrations"]
    assert report.numbers["repeat"]["repeat"] == repeat["repeat"]
    during = stats("--report", "during-year")
    assert report.numbers["during_year"]["during_year"] == {
        "by_unit": during["by_unit"],
        "total": during["total"],
    }
    via = stats("--report", "via")
    assert report.numbers["during_year"]["via"]["total"] == via["total"]


def test_same_known_at_gives_the_same_numbers_after_a_correction(report_world):
    first = made(report_world)
    # A correction recorded later: every registration of the year becomes OTAR on 1 June.
    for registration in Registration.objects.filter(school_year=SCHOOL_YEAR)[:40]:
        registry.status_record(
            actor=None, registration=registration, code="OTAR", valid_from=date(2024, 6, 1)
        )
    again = services.report_regenerate(actor=None, report=first)
    assert again.pk != first.pk
    assert again.known_at == first.known_at
    assert again.numbers == first.numbers
    today = made(report_world, known_at=None)
    assert today.numbers["tables"] != first.numbers["tables"]


def test_narratives_are_versioned_and_the_report_names_the_versions(report_world):
    services.narrative_save(actor=None, county=report_world, key="introduction", body="Første.")
    second = services.narrative_save(
        actor=None, county=report_world, key="introduction", body="Andre *utgave*."
    )
    same = services.narrative_save(
        actor=None, county=report_world, key="introduction", body="Andre *utgave*."
    )
    assert second.version == 2 and same.pk == second.pk
    report = made(report_world)
    assert report.narratives == {"introduction": 2}
    assert "Andre <em>utgave</em>." in bytes(report.file).decode()
    services.narrative_save(actor=None, county=report_world, key="introduction", body="Tredje.")
    again = services.report_regenerate(actor=None, report=report)
    assert "Andre <em>utgave</em>." in bytes(again.file).decode()
    assert Narrative.objects.filter(key="introduction").count() == 3


def test_pdf_is_tagged_and_holds_the_tables(report_world):
    from pypdf import PdfReader

    report = made(report_world, output_format="pdf")
    pdf = bytes(report.file)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Tabell 1" in text and "Tabell 2" in text
    assert "Vedlegg" in text
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged
    assert catalog.get("/Lang") == "nb"
    assert len(reader.pages) >= 10


def test_command_writes_the_file_and_refuses_bad_input(report_world, tmp_path):
    output = tmp_path / "rapport.html"
    out = io.StringIO()
    call_command(
        "report",
        "--county",
        "39",
        "--school-year",
        str(SCHOOL_YEAR),
        "--output",
        str(output),
        "--known-at",
        "2024-08-01T00:00:00+02:00",
        stdout=out,
    )
    assert output.read_text().startswith("<!DOCTYPE html>")
    report = Report.objects.get()
    assert report.format == "html"
    assert AuditEvent.objects.filter(action="reports.report.made").count() == 1
    with pytest.raises(CommandError, match="99"):
        call_command("report", "--county", "99", "--school-year", "2023", "--output", str(output))
    with pytest.raises(CommandError, match="--known-at"):
        call_command(
            "report",
            "--county",
            "39",
            "--school-year",
            "2023",
            "--output",
            str(output),
            "--known-at",
            "2024-08-01",
        )
    with pytest.raises(CommandError, match="--output"):
        call_command(
            "report",
            "--county",
            "39",
            "--school-year",
            "2023",
            "--output",
            str(tmp_path / "nowhere" / "r.pdf"),
        )
    again = tmp_path / "igjen.html"
    call_command(
        "report",
        "--county",
        "39",
        "--school-year",
        str(SCHOOL_YEAR),
        "--output",
        str(again),
        "--again",
        str(report.pk),
        stdout=out,
    )
    assert Report.objects.latest("pk").numbers == report.numbers
