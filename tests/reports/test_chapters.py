"""The chapters other apps plug into the annual report (issue 8): measures and participants,
autumn outcomes, subject training and exams, preventive work, projects and cohorts, and the
share in activity beside the other counties. Each is in the HTML and the PDF, its numbers are
the app's own statistics function's for the same county and year, and small numbers are
suppressed (secondary suppression included)."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.reports.conftest import SCHOOL_YEAR, made
from veiviser.exams import demo as exams_demo
from veiviser.exams.selectors import exam_counts
from veiviser.measures import demo as measures_demo
from veiviser.measures.report import YOUTH_CELLS
from veiviser.measures.statistics import AUTUMN_CELLS, measure_counts
from veiviser.prevention import demo as prevention_demo
from veiviser.prevention.selectors import prevention_counts
from veiviser.projects.selectors import OUTCOMES, cohort_counts
from veiviser.reports import sections
from veiviser.reports.numbers import duties_date
from veiviser.udir.demo import demo_udir_table
from veiviser.udir.models import UdirTable
from veiviser.udir.selectors import activity_shares

pytestmark = pytest.mark.django_db

CHAPTERS = ("measures", "autumn_outcomes", "exams", "prevention", "projects", "udir")
SEED = 7


@pytest.fixture
def world(report_world):
    county = report_world
    measures_demo.build(county, seed=SEED, school_years=(SCHOOL_YEAR - 1, SCHOOL_YEAR))
    exams_demo.build(county, seed=SEED)
    prevention_demo.build(county, seed=SEED)
    _cohort(county)
    table = demo_udir_table(county=county, school_year=SCHOOL_YEAR, seed=SEED)
    # Imported a while ago (K is cut to whole seconds; the table must be known at K = now).
    UdirTable.objects.filter(pk=table.pk).update(imported_at=timezone.now() - timedelta(minutes=5))
    return county


def _cohort(county):
    """A project with a cohort of 2023/24 in seed 004's shape (the demo's builder needs the
    demo's units)."""
    import random
    from datetime import date

    from veiviser.projects import services as projects
    from veiviser.registry.models import Registration

    rng = random.Random(SEED)
    project = projects.project_create(
        actor=None,
        county=county,
        unit=county.units.order_by("key").first(),
        name="Overgangsprosjektet",
        description="Syntetisk",
        starts_on=date(SCHOOL_YEAR, 8, 1),
        partners="",
        workers=[],
    )
    outcomes = [o for o in OUTCOMES if o != "none"]
    pool = Registration.objects.filter(
        county=county, school_year=SCHOOL_YEAR, registered_on__lt=date(SCHOOL_YEAR + 1, 5, 1)
    ).order_by("key")
    for registration in pool[:34]:
        participant = projects.participant_add(
            actor=None,
            project=project,
            registration=registration,
            joined_on=max(registration.registered_on, date(SCHOOL_YEAR, 8, 15)),
        )
        projects.participant_outcome_record(
            actor=None,
            participant=participant,
            outcome=rng.choices(outcomes, [3, 26, 1, 2, 1, 1, 1])[0],
            outcome_on=date(SCHOOL_YEAR + 1, 6, 20),
        )


def _now_report(county, **kw):
    # K after the Udir table's import (a table imported after K is not used).
    return made(county, known_at=timezone.now(), **kw)


def agrees(published, raw, threshold):
    """A published cell is the raw count or hidden; counts from 1 to threshold − 1 are hidden."""
    if 0 < raw < threshold:
        return published is None
    return published is None or published == raw


def test_the_chapters_are_registered_in_the_seeds_order():
    keys = [s.key for s in sections.sections()]
    assert keys.index("during_year") < keys.index("measures") < keys.index("exams")
    assert keys.index("exams") < keys.index("prevention") < keys.index("units")
    assert keys.index("units") < keys.index("projects") < keys.index("year_end")
    assert keys.index("year_end") < keys.index("udir") < keys.index("autumn_outcomes")
    assert keys.index("autumn_outcomes") < keys.index("repeat")


def test_every_chapter_is_in_the_html_with_the_apps_numbers(world):
    report = _now_report(world)
    html = bytes(report.file).decode()
    for key in CHAPTERS:
        anchor = "kap-" + key.replace("_", "-")
        assert f'id="{anchor}"' in html
        assert f'<a href="#{anchor}">' in html
    threshold = world.suppression_threshold
    kept = report.numbers

    counts = measure_counts(world, SCHOOL_YEAR, on=duties_date(SCHOOL_YEAR, report.known_at))
    assert counts.cells["participants"] > threshold  # the world is not empty
    for cell in YOUTH_CELLS:
        assert agrees(kept["measures"]["totals"][cell], counts.cells[cell], threshold)
    assert kept["measures"]["totals"]["participants"] == counts.cells["participants"]
    for part in ("duties", "met_on_time", "met_late", "overdue", "not_yet_due"):
        assert agrees(kept["measures"]["follow_ups"][part], counts.follow_ups[part], threshold)
    assert [r["name"] for r in kept["measures"]["rows"]] == [r.name for r in counts.rows]

    autumn = kept["autumn_outcomes"]
    assert autumn["training"] == counts.cells["training"]
    for cell in AUTUMN_CELLS:
        assert agrees(autumn[cell], counts.cells[cell], threshold)
    if autumn["back"] is not None:
        assert autumn["back_share"] == pytest.approx(counts.back_in_education_or_work, abs=1e-4)

    exams = exam_counts(county_id=world.pk, school_year=SCHOOL_YEAR)
    assert exams["total"]["exams"] > threshold
    assert kept["exams"]["total"]["exams"] == exams["total"]["exams"]
    for row, raw in zip(kept["exams"]["subjects"], exams["subjects"], strict=True):
        assert row["code"] == raw["subject__code"]
        for column in ("youths", "exams", "passed", "not_passed"):
            assert agrees(row[column], raw[column], threshold)
        if row["pass_rate"] is not None:
            assert round(100 * row["pass_rate"]) == raw["pass_rate"]

    prevention = prevention_counts(county_id=world.pk, school_year=SCHOOL_YEAR)
    assert prevention["cases"] > threshold
    for cell, value in kept["prevention"].items():
        if cell != "completed_share":
            assert agrees(value, prevention[cell], threshold)
    assert kept["prevention"]["cases"] == prevention["cases"]

    projects = cohort_counts(county_id=world.pk, school_year=SCHOOL_YEAR)
    assert kept["projects"]["total"]["participants"] == projects["total"]["participants"] > 0
    for row, raw in zip(kept["projects"]["projects"], projects["projects"], strict=True):
        assert row["name"] == raw["project__name"]
        for outcome in OUTCOMES:
            assert agrees(row["outcomes"][outcome], raw[outcome], threshold)

    on = world_last_date(report)
    shares = activity_shares(counting_date=on)
    udir = kept["udir"]
    assert [c["county"] for c in udir["counties"]] == [s.county for s in shares]
    for row, raw in zip(udir["counties"], shares, strict=True):
        assert agrees(row["group3"], raw.group3, threshold)
        if row["share"] is not None:
            assert row["share"] == pytest.approx(raw.share, abs=1e-4)
    assert udir["own"]["share"] == kept["year_end"]["share_in_activity"]
    assert 'id="chart-udir-shares-title"' in html  # the bar chart


def world_last_date(report):
    from datetime import date

    return date.fromisoformat(report.numbers["udir"]["date"])


def test_every_chapter_is_in_the_pdf(world):
    from pypdf import PdfReader

    report = _now_report(world, output_format="pdf")
    reader = PdfReader(io.BytesIO(bytes(report.file)))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    titles = {s.key: s.title for s in sections.sections()}
    with translation.override("nb"):
        for key in CHAPTERS:
            assert str(titles[key]) in text, key
    assert "Hele landet" in text or "Norge" in text


def test_small_numbers_are_suppressed_with_their_complements(world):
    world.suppression_threshold = 40
    world.save(update_fields=["suppression_threshold"])
    report = _now_report(world)
    kept = report.numbers
    exams = exam_counts(county_id=world.pk, school_year=SCHOOL_YEAR)
    hidden = 0
    for row, raw in zip(kept["exams"]["subjects"], exams["subjects"], strict=True):
        for column in ("youths", "exams", "passed", "not_passed"):
            assert agrees(row[column], raw[column], 40)
        trio = [row["exams"], row["passed"], row["not_passed"]]
        assert trio.count(None) != 1  # one hidden cell of a sum could be worked out
        hidden += trio.count(None)
    assert hidden
    for column in ("exams", "passed", "not_passed"):
        column_cells = [r[column] for r in kept["exams"]["subjects"]]
        column_cells.append(kept["exams"]["total"][column])
        assert column_cells.count(None) != 1

    for row in [*kept["projects"]["projects"], kept["projects"]["total"]]:
        cells = [row["participants"], *row["outcomes"].values()]
        assert cells.count(None) != 1
    prevention = kept["prevention"]
    outcome = [prevention[c] for c in ("cases", "completed", "dropped_out", "open")]
    assert outcome.count(None) != 1
    autumn = kept["autumn_outcomes"]
    back = [autumn["back"], autumn["autumn.education"], autumn["autumn.work"]]
    assert back.count(None) != 1
    if None in back:
        assert autumn["back_share"] is None


def test_without_a_udir_table_the_chapter_says_so(report_world):
    with translation.override("nb"):
        report = made(report_world)
    html = bytes(report.file).decode()
    assert report.numbers["udir"]["table"] is None
    assert report.numbers["udir"]["counties"] == []
    section = html[html.index('id="kap-udir"') :]
    section = section[: section.index("</section>")]
    assert "<table" not in section
    assert "Udir" in section


def test_a_table_imported_after_the_instant_is_not_used(world):
    from tests.reports.conftest import KNOWN_AT

    report = made(world, known_at=KNOWN_AT)  # before the table was imported (now)
    assert report.numbers["udir"]["table"] is None


def test_casework_chapters_keep_their_numbers_when_made_again(world):
    from veiviser.exams.models import ExamEntry
    from veiviser.reports import services

    report = _now_report(world)
    ExamEntry.objects.filter(county=world).delete()
    again = services.report_regenerate(actor=None, report=report)
    assert again.numbers["exams"] == report.numbers["exams"]
    assert again.numbers["measures"] == report.numbers["measures"]
