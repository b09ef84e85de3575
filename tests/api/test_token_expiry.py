"""API tokens expire (VEIVISER_API_TOKEN_DAYS) and are renewed by issuing a new one."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from veiviser.api import services as api_services
from veiviser.api.demo import demo_clients
from veiviser.api.models import ApiClient
from veiviser.audit.models import AuditEvent
from veiviser.problems import ValidationFailed

pytestmark = pytest.mark.django_db


def get(client, token):
    return client.get(
        "/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en"
    )


def apiclient(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("apiclient", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_token_expires_after_the_configured_days(world, make_client, settings):
    settings.API_TOKEN_DAYS = 30
    before = timezone.now()
    api_client, _ = make_client(world["vestfold"])
    assert (
        before + timedelta(days=30) <= api_client.expires_at <= timezone.now() + timedelta(days=30)
    )
    client, _ = api_services.apiclient_create(
        actor=None,
        name="kort",
        county=world["vestfold"],
        scopes=["registry:read"],
        purpose="Prøve",
        days=7,
    )
    assert client.expires_at <= timezone.now() + timedelta(days=7)


def test_an_expired_token_is_401_saying_so(client, world, make_client):
    api_client, token = make_client(world["vestfold"])
    assert get(client, token).status_code == 200
    with time_machine.travel(api_client.expires_at + timedelta(seconds=1), tick=False):
        response = get(client, token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "errors": [
            {"field": "", "reason": "the token has expired; ask the administrator to renew it"}
        ]
    }


def test_the_expiry_message_goes_only_to_the_holder_of_the_expired_token(
    client, world, make_client
):
    """Another client's expiry, or an unknown token, gets the plain answer: nothing about
    other clients leaks."""
    expired, _ = make_client(world["vestfold"])
    ApiClient.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    response = get(client, "vv_not-a-token")
    assert response.status_code == 401
    assert response.json()["errors"][0]["reason"] == "a valid bearer token is needed"


def test_an_expired_token_does_not_count_as_a_use(client, world, make_client):
    api_client, token = make_client(world["vestfold"])
    ApiClient.objects.filter(pk=api_client.pk).update(expires_at=timezone.now())
    get(client, token)
    api_client.refresh_from_db()
    assert api_client.last_used_at is None


def test_renewing_issues_a_new_token_and_ends_the_old_one(client, world, make_client):
    api_client, old = make_client(world["vestfold"])
    ApiClient.objects.filter(pk=api_client.pk).update(expires_at=timezone.now())
    api_client.refresh_from_db()
    new = api_services.apiclient_renew(actor=None, client=api_client, days=90)
    assert new != old
    assert get(client, old).status_code == 401
    assert get(client, new).status_code == 200
    api_client.refresh_from_db()
    assert api_client.expires_at > timezone.now() + timedelta(days=89)
    assert api_client.token_hint == new[:8]
    event = AuditEvent.objects.get(action="api.client.token_renewed")
    assert event.object_id == str(api_client.pk) and new not in json.dumps(event.data)


def test_a_revoked_client_is_not_renewed(world, make_client):
    api_client, _ = make_client(world["vestfold"])
    api_services.apiclient_revoke(actor=None, client=api_client)
    with pytest.raises(ValidationFailed, match="revoked"):
        api_services.apiclient_renew(actor=None, client=api_client)


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_a_lifetime_outside_one_day_to_ten_years_is_refused(world, make_client, days):
    api_client, _ = make_client(world["vestfold"])
    with pytest.raises(ValidationFailed):
        api_services.apiclient_renew(actor=None, client=api_client, days=days)


def test_the_command_shows_the_expiry_and_renews(client, world, make_client):
    api_client, old = make_client(world["vestfold"], name="nav")
    row = json.loads(apiclient("list", "--json")[0])
    assert row["expires_at"] == api_client.expires_at.isoformat()
    ApiClient.objects.filter(pk=api_client.pk).update(expires_at=timezone.now())
    assert "\texpired\t" in apiclient("list")[0] or "\tutløpt\t" in apiclient("list")[0]
    out, err = apiclient("renew", "nav", "--days", "60")
    token = out.strip()
    assert get(client, token).status_code == 200
    assert get(client, old).status_code == 401
    api_client.refresh_from_db()
    expires = timezone.localtime(api_client.expires_at).strftime("%Y-%m-%d %H:%M")
    assert expires in err
    with pytest.raises(CommandError, match="no API client"):
        apiclient("renew", "finnes-ikke")


def test_create_prints_when_the_token_expires(vestfold):
    _, err = apiclient(
        "create", "inntak", "--county", "39", "--scope", "registry:read",
        "--purpose", "Inntak", "--days", "10",
    )  # fmt: skip
    expires = ApiClient.objects.get(name="inntak").expires_at
    assert timezone.localtime(expires).strftime("%Y-%m-%d %H:%M") in err


def test_the_admin_lists_and_renews(client, world, make_client):
    from veiviser.organisation import services as organisation
    from veiviser.organisation.models import Role

    api_client, old = make_client(world["vestfold"])
    admin = organisation.staff_user_create(
        actor=None,
        username="sysadm",
        password="x-long-password-1",
        role=Role.ADMINISTRATOR,
        county=world["vestfold"],
    )
    client.force_login(admin)
    listing = client.get("/admin/api/apiclient/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert "token expires" in listing.content.decode().lower()
    response = client.post(
        "/admin/api/apiclient/",
        {"action": "renew", "_selected_action": [api_client.pk]},
        follow=True,
    )
    assert response.status_code == 200
    api_client.refresh_from_db()
    assert api_client.token_hint != old[:8]
    assert api_client.token_hint in response.content.decode()


def test_the_demo_token_works(client, world):
    ((_, token),) = demo_clients(world["vestfold"])
    assert get(client, token).status_code == 200
