"""The audit trail: append-only, and it names the actor even after the user is gone."""

import pytest

from veiviser.audit import services as audit
from veiviser.audit.models import AppendOnlyError, AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit.log(None, "tests.something.happened", data={"n": 1})


def test_saving_an_existing_event_is_refused(event):
    event.action = "tests.something.else"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something.happened"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_of_events_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tests.rewritten")
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something.happened"


def test_queryset_delete_of_events_is_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_log_without_actor_is_by_the_system(event):
    assert event.actor is None
    assert event.actor_label == "system"


def test_log_keeps_the_users_username(advisor):
    event = audit.log(advisor, "tests.something.happened")
    assert event.actor == advisor
    assert event.actor_label == "kari"


def test_log_names_an_unsaved_user_without_referring_to_it():
    event = audit.log(User(username="ghost"), "tests.something.happened")
    assert event.actor is None
    assert event.actor_label == "ghost"


def test_event_keeps_the_username_after_the_user_is_deleted(vestfold):
    user = organisation.staff_user_create(
        actor=None,
        username="vikar",
        password="not-a-real-password-2",
        role=Role.ADVISOR,
        county=vestfold,
    )
    event = audit.log(user, "tests.something.happened")
    user.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == "vikar"


def test_log_takes_the_county_from_the_object(tonsberg):
    event = audit.log(None, "tests.something.happened", tonsberg)
    assert event.county == "39"
    assert (event.object_type, event.object_id) == ("organisation.unit", str(tonsberg.pk))


def test_log_keeps_an_explicit_county(tonsberg):
    assert audit.log(None, "tests.something.happened", tonsberg, county="40").county == "40"


def test_log_without_object_has_no_county_or_object(event):
    assert (event.county, event.object_type, event.object_id) == ("", "", "")


def test_log_keeps_data_and_reason():
    event = audit.log(None, "tests.something.happened", data={"rows": 3}, reason="yearly run")
    event.refresh_from_db()
    assert event.data == {"rows": 3}
    assert event.reason == "yearly run"
