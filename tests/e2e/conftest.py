"""End-to-end tests: the real app (pytest-django's live_server) in Debian's Chromium, driven by
Playwright's sync API; axe-core (shipped inside axe-playwright-python) checks accessibility.

Never a downloaded browser: Chromium is /usr/bin/chromium (`apt-get install -y chromium`, which
`make browser` and .ci/run do when it is missing). Without it the e2e tests are skipped on a
developer's machine and fail in CI (CI=true).

    from tests.e2e.conftest import assert_accessible, login

    @pytest.mark.e2e
    def test_something(page, advisor):
        login(page, "kari", "not-a-real-password-1")
        assert_accessible(page)
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop in the test thread; Django would then
# refuse the test's own database calls (creating users, reading the audit trail).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
# The rules Norwegian law asks of public web pages (WCAG 2.1 A and AA), as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make browser` (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, django_db_serialized_rollback):
    """A fresh browser tab on the live app; relative URLs (`page.goto("/ungdommer/")`) go to it.

    Each e2e test runs in a transaction-less database that is emptied afterwards; the serialized
    rollback puts the migrations' data (the kodeverk) back first.
    """
    # The serialized rollback only restores what pytest-django serialized when it set up the
    # test database, which depends on what else the run collected: load the kodeverk here so
    # every e2e test starts with it, whatever ran before.
    from django.apps import apps

    from veiviser.codes import loader

    loader.sync(lambda name: apps.get_model("codes", name), loader.read())
    # Likewise the exam subjects, which a data migration adds.
    from importlib import import_module

    import_module("veiviser.exams.migrations.0003_subjects").add(apps, None)
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", viewport=VIEWPORT, timezone_id="Europe/Oslo"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    # The Content-Security-Policy is enforced (no inline script or style): whatever a page does
    # that the policy refuses, Chromium reports on the console, and the test fails.
    refused = []
    tab.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append(message.text),
    )
    yield tab
    context.close()
    assert not refused, "the page broke its Content-Security-Policy:\n" + "\n".join(refused)


def login(page, username: str, password: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto("/logg-inn/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord", exact=True).fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def accessibility_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    return results.response["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'unknown impact'}): "
            f"{violation['help']}\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with axe-core's findings, one per line with where and why, if the page has any
    WCAG 2.1 A/AA violation."""
    violations = accessibility_violations(page)
    assert not violations, (
        f"{page.url} has {len(violations)} accessibility violation(s):\n"
        + describe_violations(violations)
    )


def menu_link(page, name: str):
    """The main menu's link called `name`, its group opened first when it sits in one (the
    groups are <details> disclosures, closed on every page load)."""
    menu = page.get_by_role("navigation", name="Hovedmeny")
    link = menu.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        group = menu.locator("details").filter(
            has=page.get_by_role("link", name=name, exact=True, include_hidden=True)
        )
        group.locator("summary").click()
    return link


def open_form(page, summary: str, *, keyboard: bool = False):
    """Open the youth page's form behind the disclosure whose summary says `summary` and wait
    until it is there: it is fetched when the disclosure opens (web/lazy_forms.py). With
    `keyboard`, open it as a keyboard user does (focus the summary, press Enter). Returns the
    form."""
    from playwright.sync_api import expect

    details = page.locator("details").filter(has=page.locator("summary", has_text=summary))
    opener = details.locator("summary")
    if keyboard:
        opener.focus()
        page.keyboard.press("Enter")
    else:
        opener.click()
    form = details.locator("form")
    expect(form).to_be_visible()
    return form
