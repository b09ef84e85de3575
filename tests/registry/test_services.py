"""Writes to the registry: registrations and their append-only reason and status facts."""

from datetime import date

import pytest
from django.utils import translation

from tests.conftest import at
from veiviser.audit.models import AuditEvent
from veiviser.problems import ValidationFailed
from veiviser.registry import services as registry
from veiviser.registry.models import ImmutableFactError, ReasonFact, Registration, StatusFact


@pytest.fixture
def register(make_person, advisor, tonsberg):
    """Register a (new, by default) person for school year 2023 in the advisor's unit unless
    told otherwise."""

    def make(person=None, **kw):
        kw.setdefault("unit", tonsberg)
        kw.setdefault("school_year", 2023)
        kw.setdefault("registered_on", date(kw["school_year"], 8, 20))
        kw.setdefault("reason", "not_applied")
        return registry.registration_create(
            actor=kw.pop("actor", advisor), person=person or make_person(), **kw
        )

    return make


@pytest.fixture
def registration(register):
    return register()


def fields_of(excinfo) -> list[str]:
    return [problem.field for problem in excinfo.value.problems]


# registration_create


def test_registration_create_stores_the_registration(register, advisor, tonsberg):
    registration = register(reason="dropped_out", reason_code="OESL", unit=tonsberg)
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.school_year, stored.registered_on) == (2023, date(2023, 8, 20))
    assert (stored.reason, stored.reason_code, stored.unit) == ("dropped_out", "OESL", tonsberg)
    assert stored.recorded_by == advisor
    assert stored.county.number == "39"
    assert stored.key.startswith("vv-")


def test_registration_create_writes_one_audit_event(make_person, advisor):
    person = make_person()
    before = AuditEvent.objects.count()
    registration = registry.registration_create(
        actor=advisor,
        person=person,
        school_year=2023,
        registered_on=date(2023, 8, 20),
        reason="not_applied",
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "registry.registration.created"
    assert (event.object_type, event.object_id) == ("registry.registration", str(registration.pk))
    assert event.actor == advisor
    assert event.county == "39"


def test_registration_create_refuses_registered_on_outside_the_school_year(register):
    with pytest.raises(ValidationFailed) as excinfo:
        register(school_year=2023, registered_on=date(2023, 7, 31))
    assert fields_of(excinfo) == ["registered_on"]
    assert "2023/24" in str(excinfo.value)


def test_registration_create_explains_in_bokmal(register):
    with translation.override("nb"), pytest.raises(ValidationFailed) as excinfo:
        register(school_year=2023, registered_on=date(2023, 7, 31))
    assert [p.reason for p in excinfo.value.problems] == [
        "2023-07-31 er utenfor skoleåret 2023/24 (2023-08-01 – 2024-07-31)"
    ]


def test_registration_create_accepts_the_last_day_of_the_school_year(register):
    assert register(school_year=2023, registered_on=date(2024, 7, 31)).pk


def test_registration_create_refuses_an_unknown_reason_group(register):
    with pytest.raises(ValidationFailed) as excinfo:
        register(reason="bored")
    assert fields_of(excinfo) == ["reason"]


def test_registration_create_refuses_a_second_registration_in_the_same_school_year(
    register, make_person
):
    person = make_person()
    register(person=person)
    with pytest.raises(ValidationFailed) as excinfo:
        register(person=person, registered_on=date(2024, 1, 10), reason="dropped_out")
    assert fields_of(excinfo) == ["school_year"]
    assert Registration.objects.filter(person=person).count() == 1


def test_registration_create_allows_the_same_person_in_another_school_year(register, make_person):
    person = make_person()
    register(person=person, school_year=2023)
    register(person=person, school_year=2024)
    assert Registration.objects.filter(person=person).count() == 2


def test_registration_create_refuses_a_known_reason_code_of_another_group(register):
    with pytest.raises(ValidationFailed) as excinfo:
        register(reason="dropped_out", reason_code="OSON")
    assert fields_of(excinfo) == ["reason_code"]
    assert "not_applied" in str(excinfo.value)


def test_registration_create_keeps_an_unknown_reason_code_as_data(register):
    assert register(reason="other", reason_code="XLOCAL").reason_code == "XLOCAL"


def test_registration_create_refuses_a_unit_of_another_county(register, make_person, telemark):
    from veiviser.organisation import services as organisation

    grenland, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    with pytest.raises(ValidationFailed) as excinfo:
        register(unit=grenland, actor=None)
    assert fields_of(excinfo) == ["unit"]


def test_registration_create_refuses_an_unknown_source(register):
    with pytest.raises(ValidationFailed) as excinfo:
        register(source="rumour")
    assert fields_of(excinfo) == ["source"]


def test_registration_create_reports_every_problem_at_once(register):
    with pytest.raises(ValidationFailed) as excinfo:
        register(registered_on=date(2025, 1, 1), reason="bored", source="rumour")
    assert sorted(fields_of(excinfo)) == ["reason", "registered_on", "source"]


def test_refused_registration_writes_nothing(register, make_person):
    person = make_person()
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        register(person=person, reason="bored")
    assert Registration.objects.count() == 0
    assert AuditEvent.objects.count() == events


# status_record


def test_status_record_stores_the_fact(registration, advisor):
    fact = registry.status_record(
        actor=advisor, registration=registration, code="OTOV", valid_from=date(2023, 9, 1)
    )
    stored = StatusFact.objects.get(pk=fact.pk)
    assert (stored.code, stored.valid_from, stored.recorded_by) == (
        "OTOV",
        date(2023, 9, 1),
        advisor,
    )
    assert stored.recorded_at is not None


def test_status_record_writes_one_audit_event(registration, advisor):
    before = AuditEvent.objects.count()
    fact = registry.status_record(
        actor=advisor, registration=registration, code="OTOV", valid_from=date(2023, 9, 1)
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "registry.status.recorded"
    assert (event.object_type, event.object_id) == ("registry.statusfact", str(fact.pk))
    assert event.data == {"registration": registration.pk, "code": "OTOV"}
    assert event.county == "39"


def test_status_record_refuses_an_unknown_code(registration, advisor):
    with pytest.raises(ValidationFailed) as excinfo:
        registry.status_record(
            actor=advisor, registration=registration, code="OTXX", valid_from=date(2023, 9, 1)
        )
    assert fields_of(excinfo) == ["code"]
    assert "not an OT status code" in str(excinfo.value)


def test_status_record_refuses_a_code_not_valid_in_the_school_year(register, advisor):
    # OTVF (private upper secondary school) exists from school year 2016/17.
    registration = register(school_year=2015)
    with pytest.raises(ValidationFailed) as excinfo:
        registry.status_record(
            actor=advisor, registration=registration, code="OTVF", valid_from=date(2015, 9, 1)
        )
    assert fields_of(excinfo) == ["code"]
    assert "not valid in school year 2015/16" in str(excinfo.value)


def test_status_record_accepts_a_code_from_its_first_school_year(register, advisor):
    registration = register(school_year=2016)
    fact = registry.status_record(
        actor=advisor, registration=registration, code="OTVF", valid_from=date(2016, 9, 1)
    )
    assert fact.code == "OTVF"


@pytest.mark.parametrize("valid_from", [date(2023, 7, 31), date(2024, 8, 1)])
def test_status_record_refuses_valid_from_outside_the_school_year(
    registration, advisor, valid_from
):
    with pytest.raises(ValidationFailed) as excinfo:
        registry.status_record(
            actor=advisor, registration=registration, code="OTOV", valid_from=valid_from
        )
    assert fields_of(excinfo) == ["valid_from"]


def test_status_record_accepts_valid_from_before_registered_on(registration, advisor):
    # Valid, though the registration only exists from registered_on (EXCHANGE.md §5).
    fact = registry.status_record(
        actor=advisor, registration=registration, code="OTOV", valid_from=date(2023, 8, 1)
    )
    assert fact.valid_from < registration.registered_on


def test_refused_status_writes_nothing(registration, advisor):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        registry.status_record(
            actor=advisor, registration=registration, code="OTXX", valid_from=date(2023, 9, 1)
        )
    assert StatusFact.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_status_record_refuses_an_ambiguous_fact(registration, advisor):
    # Same valid_from and same recorded_at as an existing fact: the reading would be ambiguous.
    same = {"valid_from": date(2023, 9, 1), "recorded_at": at("2023-09-02 10:00")}
    registry.status_record(actor=advisor, registration=registration, code="OTOV", **same)
    with pytest.raises(ValidationFailed) as excinfo:
        registry.status_record(actor=advisor, registration=registration, code="OTEV", **same)
    assert fields_of(excinfo) == ["recorded_at"]
    assert StatusFact.objects.count() == 1


# reason_record


def test_reason_record_writes_one_audit_event(registration, advisor):
    before = AuditEvent.objects.count()
    fact = registry.reason_record(
        actor=advisor, registration=registration, reason="dropped_out", valid_from=date(2024, 1, 10)
    )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "registry.reason.recorded"
    assert (event.object_type, event.object_id) == ("registry.reasonfact", str(fact.pk))
    assert event.data == {"registration": registration.pk}


def test_reason_record_refuses_an_unknown_reason_group(registration, advisor):
    with pytest.raises(ValidationFailed) as excinfo:
        registry.reason_record(
            actor=advisor, registration=registration, reason="bored", valid_from=date(2024, 1, 10)
        )
    assert fields_of(excinfo) == ["reason"]


def test_reason_record_refuses_valid_from_outside_the_school_year(registration, advisor):
    with pytest.raises(ValidationFailed) as excinfo:
        registry.reason_record(
            actor=advisor, registration=registration, reason="other", valid_from=date(2024, 8, 1)
        )
    assert fields_of(excinfo) == ["valid_from"]


def test_reason_record_refuses_an_ambiguous_fact(registration, advisor):
    same = {"valid_from": date(2024, 1, 10), "recorded_at": at("2024-01-11 09:00")}
    registry.reason_record(actor=advisor, registration=registration, reason="other", **same)
    with pytest.raises(ValidationFailed) as excinfo:
        registry.reason_record(
            actor=advisor, registration=registration, reason="dropped_out", **same
        )
    assert fields_of(excinfo) == ["recorded_at"]


# Facts are append-only


@pytest.fixture
def status_fact(registration, advisor):
    return registry.status_record(
        actor=advisor, registration=registration, code="OTOV", valid_from=date(2023, 9, 1)
    )


@pytest.fixture
def reason_fact(registration, advisor):
    return registry.reason_record(
        actor=advisor, registration=registration, reason="other", valid_from=date(2023, 9, 1)
    )


def test_saving_an_existing_status_fact_is_refused(status_fact):
    status_fact.code = "OTEV"
    with pytest.raises(ImmutableFactError):
        status_fact.save()
    assert StatusFact.objects.get(pk=status_fact.pk).code == "OTOV"


def test_deleting_a_status_fact_is_refused(status_fact):
    with pytest.raises(ImmutableFactError):
        status_fact.delete()
    assert StatusFact.objects.filter(pk=status_fact.pk).exists()


def test_saving_an_existing_reason_fact_is_refused(reason_fact):
    reason_fact.reason = "declined"
    with pytest.raises(ImmutableFactError):
        reason_fact.save()
    assert ReasonFact.objects.get(pk=reason_fact.pk).reason == "other"


def test_deleting_a_reason_fact_is_refused(reason_fact):
    with pytest.raises(ImmutableFactError):
        reason_fact.delete()
    assert ReasonFact.objects.filter(pk=reason_fact.pk).exists()
