"""Single sign-on in a real browser: the button, the round trip to a stand-in provider (its
authorize page answered by Playwright, its token endpoint and keys by the stand-in of
tests/accounts/test_sso.py), the refusal of an unknown person."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.accounts.test_sso import ISSUER, provider  # noqa: F401 -- the stand-in fixture
from tests.e2e.conftest import assert_accessible
from veiviser.audit.models import AuditEvent

pytestmark = pytest.mark.e2e


def answer_as(page, live_server, stand_in, claims: dict) -> None:
    """The provider's authorize page: logs the person in and sends the browser back."""

    def authorize(route):
        sent = parse_qs(urlsplit(route.request.url).query)
        stand_in.nonce = sent["nonce"][0]
        stand_in.code_challenge = sent["code_challenge"][0]
        stand_in.claims = claims
        back = (
            sent["redirect_uri"][0]
            + "?"
            + urlencode({"code": "the-code", "state": sent["state"][0]})
        )
        route.fulfill(status=302, headers={"Location": back})

    page.route(f"{ISSUER}/authorize**", authorize)


def test_the_login_page_with_the_button_is_accessible(page, provider):  # noqa: F811
    page.goto("/logg-inn/")
    expect(page.get_by_role("link", name="Logg inn med Stand-in ID")).to_be_visible()
    assert_accessible(page)


def test_a_known_user_signs_on(page, live_server, provider, advisor):  # noqa: F811
    answer_as(page, live_server, provider, {"preferred_username": "kari"})
    page.goto("/logg-inn/")
    page.get_by_role("link", name="Logg inn med Stand-in ID").click()
    page.wait_for_url(re.compile(r"/ungdommer/"))
    assert AuditEvent.objects.filter(action="accounts.login.succeeded").count() == 1


def test_an_unknown_person_is_told_and_stays_out(page, live_server, provider, advisor):  # noqa: F811
    answer_as(page, live_server, provider, {"preferred_username": "ola@fylke.test"})
    page.goto("/logg-inn/")
    page.get_by_role("link", name="Logg inn med Stand-in ID").click()
    page.wait_for_url(re.compile(r"/logg-inn/$"))
    assert "ikke knyttet til en bruker i Veiviser" in page.content()
    assert_accessible(page)
