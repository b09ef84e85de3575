"""History cannot be rewritten: not by the ORM, not by a hand-written UPDATE."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction

from veiviser.audit.models import AuditEvent
from veiviser.registry import services as registry
from veiviser.registry.models import ImmutableFactError, StatusFact


@pytest.fixture
def fact(make_person, tonsberg):
    registration = registry.registration_create(
        actor=None,
        person=make_person(),
        school_year=2023,
        registered_on=date(2023, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    return registry.status_record(
        actor=None, registration=registration, code="OTOV", valid_from=date(2023, 9, 1)
    )


def test_queryset_update_of_facts_is_refused(fact):
    with pytest.raises(ImmutableFactError):
        StatusFact.objects.filter(pk=fact.pk).update(code="OTAR")


def test_queryset_delete_of_facts_is_refused(fact):
    with pytest.raises(ImmutableFactError):
        StatusFact.objects.filter(pk=fact.pk).delete()


def test_database_refuses_an_sql_update_of_a_fact(fact):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE registry_statusfact SET code = 'OTAR' WHERE id = %s", [fact.pk])
    assert StatusFact.objects.get(pk=fact.pk).code == "OTOV"


@pytest.mark.parametrize(
    "column", ["key", "valid_from", "recorded_at", "recorded_by_id", "registration_id", "code"]
)
def test_database_refuses_an_sql_update_of_every_column_of_what_a_fact_says(fact, column):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE registry_statusfact SET {column} = {column} WHERE id = %s", [fact.pk]
        )


def test_only_a_county_reorganisation_moves_a_fact_to_another_county(fact, telemark):
    """Where a fact lives (the tenant wall's county) may change; what it says may not."""
    StatusFact.objects.filter(pk=fact.pk).move_county(telemark)
    assert StatusFact.objects.get(pk=fact.pk).county == telemark


def test_database_refuses_an_sql_update_of_an_audit_event(fact):
    event = AuditEvent.objects.filter(action="registry.status.recorded").get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "registry.status.recorded"


def test_purge_removes_facts_for_retention(fact):
    assert StatusFact.objects.filter(pk=fact.pk).purge() == 1
    assert not StatusFact.objects.filter(pk=fact.pk).exists()
