"""Creating, listing and revoking API clients: `veiviser apiclient` and the Django admin."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from veiviser.api.models import ApiClient
from veiviser.api.services import token_hash
from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, vestfold):
    user = organisation.staff_user_create(
        actor=None,
        username="sysadm",
        password="x-long-password-1",
        role=Role.ADMINISTRATOR,
        county=vestfold,
    )
    client.force_login(user)
    return client


def apiclient(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("apiclient", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_keeps_its_hash(vestfold):
    out, err = apiclient(
        "create", "inntak", "--county", "39", "--scope", "registry:write",
        "--scope", "registry:read", "--purpose", "Inntak fra inntakskontoret",
    )  # fmt: skip
    token = out.strip()
    client = ApiClient.objects.get(name="inntak")
    assert client.token_hash == token_hash(token)
    assert client.scopes == ["registry:read", "registry:write"]
    assert client.user.county == vestfold and client.user.role == "office"
    assert "shown only now" in err or "vises bare nå" in err
    assert AuditEvent.objects.filter(action="api.client.created").exists()
    listed = apiclient("list", "--json")[0]
    row = json.loads(listed)
    assert row["name"] == "inntak" and row["revoked_at"] is None
    assert token not in listed


def test_revoke_ends_the_token(vestfold, make_client):
    client, _ = make_client(vestfold, name="nav")
    apiclient("revoke", "nav")
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert AuditEvent.objects.filter(action="api.client.revoked").count() == 1
    apiclient("revoke", "nav")  # twice is harmless
    assert AuditEvent.objects.filter(action="api.client.revoked").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "x", "--county", "77", "--scope", "registry:read", "--purpose", "p"], "77"),
        (
            ["create", "x", "--county", "39", "--scope", "registry:read", "--purpose", " "],
            "purpose",
        ),
        (["revoke", "nobody"], "nobody"),
    ],
)
def test_bad_input_is_a_clear_error(vestfold, args, message):
    with pytest.raises(CommandError, match=message):
        apiclient(*args)


def test_a_name_is_taken_once(vestfold, make_client):
    make_client(vestfold, name="skole")
    with pytest.raises(CommandError, match="name"):
        apiclient("create", "skole", "--county", "39", "--scope", "registry:read", "--purpose", "p")


def test_the_admin_creates_a_client_and_shows_the_token_once(admin_client, vestfold):
    response = admin_client.post(
        "/admin/api/apiclient/add/",
        {
            "name": "skoleadm",
            "purpose": "Elevdata fra skoleadministrativt system",
            "county": vestfold.pk,
            "scopes": ["registry:read", "contacts:read"],
            "rate_limit": 60,
        },
        follow=True,
    )
    assert response.status_code == 200
    client = ApiClient.objects.get(name="skoleadm")
    shown = [str(m) for m in response.context["messages"]]
    token = next(word for m in shown for word in m.split() if word.startswith("vv_"))
    assert client.token_hash == token_hash(token)
    page = admin_client.get(f"/admin/api/apiclient/{client.pk}/change/").content.decode()
    assert token not in page


def test_the_admin_revokes(admin_client, vestfold, make_client):
    client, _ = make_client(vestfold)
    admin_client.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [client.pk]},
    )
    client.refresh_from_db()
    assert client.revoked_at is not None


def test_the_demo_county_has_an_api_client_that_works(client, vestfold):
    from tests.api.conftest import bearer
    from veiviser.api.demo import DEMO_CLIENT, demo_clients

    [(demo, token)] = demo_clients(vestfold)
    assert demo.name == DEMO_CLIENT
    assert client.get("/api/v1/persons", **bearer(token)).status_code == 200


def test_a_client_can_be_kept_to_one_unit(vestfold, tonsberg, telemark):
    apiclient(
        "create", "tbg", "--county", "39", "--unit", "u-tbg", "--scope", "registry:read",
        "--purpose", "Skolens elevsystem",
    )  # fmt: skip
    client = ApiClient.objects.get(name="tbg")
    assert (client.user.role, client.user.unit) == ("unit_coordinator", tonsberg)
    assert json.loads(apiclient("list", "--json")[0])["unit"] == "u-tbg"
    with pytest.raises(CommandError, match="u-none"):
        apiclient(
            "create", "x", "--county", "39", "--unit", "u-none", "--scope", "registry:read",
            "--purpose", "p",
        )  # fmt: skip


def test_a_unit_clients_service_user_is_nobodys_advisor(vestfold, tonsberg, make_person):
    from datetime import date

    from veiviser.api import services as api_services
    from veiviser.problems import ValidationFailed
    from veiviser.registry import services as registry
    from veiviser.web.forms import advisors_of

    client, _ = api_services.apiclient_create(
        actor=None,
        name="tbg-skole",
        county=vestfold,
        scopes=["registry:read"],
        purpose="Skolens elevsystem",
        unit=tonsberg,
    )
    assert client.user not in advisors_of(vestfold.pk, tonsberg.pk)
    registration = registry.registration_create(
        actor=None,
        person=make_person(),
        school_year=2024,
        registered_on=date(2024, 9, 2),
        reason="other",
        unit=tonsberg,
    )
    with pytest.raises(ValidationFailed):
        registry.registration_assign(actor=None, registration=registration, advisor=client.user)


def test_two_factor_login_does_not_stand_in_the_way_of_a_token(
    client, make_client, world, settings
):
    """The client's service user has the office role, which must give a code in production;
    an API call authenticates with its token alone."""
    settings.VEIVISER_TWO_FACTOR_ROLES = ["office", "unit_coordinator", "county_leader"]
    _, token = make_client(world["vestfold"])
    response = client.get("/api/v1/registrations", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
