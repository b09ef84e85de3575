"""The annual report's plugged-in chapters (measures, autumn outcomes, exams, preventive work,
projects, the Udir comparison) with real numbers and charts: axe finds no violation in the
report's HTML as a reader opens it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.reports.conftest import report_world  # noqa: F401 (a fixture)
from tests.reports.test_chapters import CHAPTERS, made, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e


def test_the_chapters_are_accessible(page, world):  # noqa: F811
    report = made(world, known_at=timezone.now())
    page.set_content(bytes(report.file).decode())
    for key in CHAPTERS:
        expect(page.locator(f"#kap-{key.replace('_', '-')}")).to_be_visible()
    expect(page.locator("#kap-udir ~ figure svg, section:has(#kap-udir) svg")).to_have_count(1)
    assert_accessible(page)
