"""Two-factor login: the roles that must give a code reach nothing else until they have, the
first time they set up an app, and every step is audited."""

import pytest
from django.core import checks
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from veiviser.accounts.apps import check_two_factor_roles
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456789-x"


def code(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift = drift
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password=PASSWORD,
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )


@pytest.fixture
def required_for_leaders(settings):
    settings.VEIVISER_TWO_FACTOR_ROLES = ["county_leader"]


def log_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_a_required_role_sets_up_an_app_before_anything_else(
    client, leader, required_for_leaders, time_machine
):
    time_machine.move_to("2026-11-25 10:00:00+00:00", tick=False)
    log_in(client, "lise")
    response = client.get(reverse("web:statistics"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor-setup"))
    page = client.get(response.url)
    assert "<svg" in page.content.decode()  # the QR code, inline

    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    wrong = client.post(reverse("two-factor-setup"), {"token": "000000"})
    assert wrong.status_code == 200 and "aria-invalid" in wrong.content.decode()
    time_machine.move_to("2026-11-25 10:00:30+00:00", tick=False)  # past the throttle's delay
    done = client.post(reverse("two-factor-setup") + "?next=/statistikk/", {"token": code(device)})
    assert done.status_code == 302
    assert client.get(reverse("web:statistics")).status_code == 200
    assert TOTPDevice.objects.get(user=leader).confirmed
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "accounts.two_factor.failed" in actions and "accounts.two_factor.enrolled" in actions


def test_next_time_the_code_is_asked_and_a_wrong_one_refused(
    client, leader, required_for_leaders, time_machine
):
    time_machine.move_to("2026-11-25 10:00:00+00:00", tick=False)
    device = TOTPDevice.objects.create(user=leader, name="Veiviser", confirmed=True)
    log_in(client, "lise")
    response = client.get(reverse("web:worklist"))
    assert response.url.startswith(reverse("two-factor"))
    # The set-up page cannot be used to get around the code.
    assert client.get(reverse("two-factor-setup")).url == reverse("two-factor")
    client.post(
        reverse("two-factor"), {"token": "123456" if code(device) != "123456" else "654321"}
    )
    assert client.get(reverse("web:worklist")).status_code == 302
    # Right away, even the right code is refused: the throttle's delay after a failure.
    client.post(reverse("two-factor"), {"token": code(device)})
    assert client.get(reverse("web:worklist")).status_code == 302
    time_machine.move_to("2026-11-25 10:01:00+00:00", tick=False)
    client.post(reverse("two-factor"), {"token": code(device)})
    assert client.get(reverse("web:worklist")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.two_factor.verified").count() == 1
    failed = AuditEvent.objects.filter(action="accounts.two_factor.failed").order_by("pk")
    assert [e.data for e in failed] == [{"throttled": False}, {"throttled": True}]


def test_other_roles_log_in_with_the_password_alone(client, advisor, required_for_leaders):
    client.post(reverse("login"), {"username": "kari", "password": "not-a-real-password-1"})
    assert client.get(reverse("web:worklist")).status_code == 200


def test_whoever_has_set_up_an_app_must_use_it(client, advisor):
    TOTPDevice.objects.create(user=advisor, name="Veiviser", confirmed=True)
    client.post(reverse("login"), {"username": "kari", "password": "not-a-real-password-1"})
    assert client.get(reverse("web:worklist")).url.startswith(reverse("two-factor"))


def test_production_requires_it_for_the_wide_roles():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "VEIVISER_ENV": "production",
        "VEIVISER_SECRET_KEY": "x" * 60,
        "VEIVISER_ALLOWED_HOSTS": "ot.example.no",
        "VEIVISER_ALLOW_SYNTHETIC_FNR": "0",
        "DJANGO_SETTINGS_MODULE": "veiviser.config.settings",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(sorted(settings.VEIVISER_TWO_FACTOR_ROLES))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "['administrator', 'county_leader', 'office', 'unit_coordinator']"


def test_a_misspelt_role_is_a_system_check_error(settings):
    settings.VEIVISER_TWO_FACTOR_ROLES = ["county_leadr"]
    (error,) = check_two_factor_roles()
    assert error.id == "veiviser.E001" and error.level == checks.ERROR


def test_a_csp_header_refuses_inline_code_and_framing(client, advisor):
    client.force_login(advisor)
    policy = client.get(reverse("web:worklist"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and "unsafe" not in policy
