"""Another app adds a chapter with a few lines: a section provider registered after an existing
section, its numbers suppressed through the context and kept with the report."""

import pytest

from tests.reports.conftest import made
from veiviser.reports import sections
from veiviser.statistics.suppression import Equation

pytestmark = pytest.mark.django_db


@pytest.fixture
def plugged(settings, tmp_path):
    template = tmp_path / "measures_section.html"
    template.write_text(
        '<section aria-labelledby="{{ section.anchor }}"><h2 id="{{ section.anchor }}">'
        "{{ section.number }}. {{ section.title }}</h2><p>Deltakere: {{ numbers.total }}, "
        "i gruppe: {{ numbers.group }}</p></section>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), tmp_path]}
    ]

    def measures(ctx):
        shown = ctx.publish(
            {"total": 40, "group": 2, "single": 38}, [Equation("total", ("group", "single"))]
        )
        return {"numbers": shown}

    before = list(sections.SECTIONS)
    sections.register(
        sections.Section("measures", "Tiltak og deltakere", "measures_section.html", measures),
        after=sections.PLACES["measures"],
    )
    yield
    sections.SECTIONS[:] = before


def test_a_plugged_in_section_is_placed_numbered_and_suppressed(plugged, report_world):
    keys = [s.key for s in sections.sections()]
    assert keys.index("measures") == keys.index("during_year") + 1
    report = made(report_world)
    html = bytes(report.file).decode()
    assert 'id="kap-measures"' in html
    assert "Deltakere: 40, i gruppe: None" in html  # 2 < 5 hidden, and 38 with it
    assert report.numbers["measures"] == {"total": 40, "group": None, "single": None}
    assert '<a href="#kap-measures">' in html  # in the table of contents


def test_registering_a_key_again_replaces_it(plugged):
    count = len(sections.sections())
    sections.register(sections.Section("measures", "Tiltak", "x.html", lambda ctx: {}))
    assert len(sections.sections()) == count
    with pytest.raises(KeyError):
        sections.register(sections.Section("y", "Y", "y.html", lambda ctx: {}), after="nope")
