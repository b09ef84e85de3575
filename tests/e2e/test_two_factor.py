"""Two-factor login in a real browser, with axe: a county leader sets up an authenticator app
from the QR page, and the next login asks for the code."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

pytestmark = pytest.mark.e2e

PASSWORD = "not-a-real-password-1"


def code(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def test_leader_sets_up_the_app_then_gives_the_code(page, vestfold, settings):
    settings.VEIVISER_TWO_FACTOR_ROLES = ["county_leader"]
    leader = organisation.staff_user_create(
        actor=None, username="lise", password=PASSWORD, role=Role.COUNTY_LEADER, county=vestfold
    )
    login(page, "lise", PASSWORD)
    expect(page.get_by_role("heading", name="Sett opp tofaktorpålogging")).to_be_visible()
    expect(page.locator("figure.app-qr svg")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=leader)
    page.get_by_label("Kode fra autentiseringsappen").fill(code(device))
    page.get_by_role("button", name="Bekreft").click()
    page.wait_for_url("**/ungdommer/")

    # A code is accepted once: make the last one "old", as 30 seconds later it would be.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)

    page.get_by_role("button", name="Logg ut").click()
    login(page, "lise", PASSWORD)
    expect(page.get_by_role("heading", name="Oppgi koden")).to_be_visible()
    assert_accessible(page)
    page.goto("/statistikk/")  # nothing else before the code
    expect(page.get_by_role("heading", name="Oppgi koden")).to_be_visible()
    page.get_by_label("Kode fra autentiseringsappen").fill(code(device))
    page.get_by_role("button", name="Fortsett").click()
    page.wait_for_url("**/statistikk/")
