"""The administrator edits the county's deadlines in the admin; every change is audited."""

import pytest

from veiviser.audit.models import AuditEvent
from veiviser.duties.models import DeadlineSettings
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


def test_the_list_creates_each_countys_settings_with_the_defaults(admin_client, vestfold):
    assert admin_client.get("/admin/duties/deadlinesettings/").status_code == 200
    settings = DeadlineSettings.objects.get(county=vestfold)
    assert (settings.first_contact_days, settings.renewed_contact_days) == (7, 30)
    assert (settings.information_days, settings.plan_days) == (14, 30)


def test_changing_a_deadline_is_audited(admin_client, vestfold):
    admin_client.get("/admin/duties/deadlinesettings/")
    settings = DeadlineSettings.objects.get(county=vestfold)
    response = admin_client.post(
        f"/admin/duties/deadlinesettings/{settings.pk}/change/",
        {
            "first_contact_days": 5,
            "renewed_contact_days": 30,
            "information_days": 14,
            "plan_days": 30,
            "follow_up_days": 14,
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.first_contact_days == 5
    event = AuditEvent.objects.get(action="admin.duties.deadlinesettings.changed")
    assert event.data == {"fields": ["first_contact_days"]}
