"""Measures, enrolments, placements, follow-ups and autumn outcomes: one behaviour per test."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from veiviser.audit.models import AuditEvent
from veiviser.measures import rules, services
from veiviser.measures.models import Enrolment, ProposalState
from veiviser.problems import ValidationFailed
from veiviser.registry.models import StatusFact

pytestmark = pytest.mark.django_db

ORGNR = "974760673"  # a valid organisation number (mod 11), used in python-stdnum's own tests


def test_the_kind_and_organiser_imply_the_status():
    assert rules.implied_status("basic_skills", "county") == "OTOA"
    assert rules.implied_status("work_practice", "nav") == "OTAP"
    assert rules.implied_status("group", "combined") == "OTKO"
    assert rules.implied_status("practical_support", "county") is None


def test_a_coordinator_manages_only_the_own_units_measures(vestfold, horten, coordinator):
    with pytest.raises(PermissionDenied):
        services.measure_create(
            actor=coordinator,
            county=vestfold,
            unit=horten,
            name="X",
            kind="group",
            starts_on=date(2024, 9, 1),
        )
    with pytest.raises(PermissionDenied):
        services.measure_create(
            actor=coordinator,
            county=vestfold,
            unit=None,
            name="X",
            kind="group",
            starts_on=date(2024, 9, 1),
        )


def test_the_leader_adds_a_county_wide_measure(vestfold, leader):
    measure = services.measure_create(
        actor=leader,
        county=vestfold,
        name="Windjammer",
        kind="windjammer",
        starts_on=date(2025, 5, 1),
    )
    assert measure.unit is None
    assert AuditEvent.objects.filter(action="measures.measure.created").count() == 1


def test_an_advisor_cannot_manage_measures(vestfold, tonsberg, advisor):
    with pytest.raises(PermissionDenied):
        services.measure_create(
            actor=advisor,
            county=vestfold,
            unit=tonsberg,
            name="X",
            kind="group",
            starts_on=date(2024, 9, 1),
        )


def test_a_measure_that_ends_before_it_starts_is_refused(vestfold, leader):
    with pytest.raises(ValidationFailed) as failed:
        services.measure_create(
            actor=leader,
            county=vestfold,
            name="X",
            kind="group",
            starts_on=date(2024, 9, 1),
            ends_on=date(2024, 8, 1),
            capacity=0,
        )
    assert {p.field for p in failed.value.problems} == {"ends_on", "capacity"}


def test_enrolling_proposes_the_implied_status_without_writing_it(registration, measure, advisor):
    enrolment = services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
    )
    assert enrolment.proposal == ProposalState.PROPOSED
    assert enrolment.proposed_status == "OTOA"
    assert list(registration.status_facts.values_list("code", flat=True)) == ["OTOV"]


def test_confirming_records_the_status_through_the_registry(registration, measure, advisor):
    enrolment = services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
    )
    fact = services.enrolment_confirm_status(actor=advisor, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert (fact.code, fact.valid_from) == ("OTOA", date(2024, 9, 10))
    assert enrolment.status_fact == fact and enrolment.proposal == ProposalState.CONFIRMED
    assert AuditEvent.objects.filter(action="registry.status.recorded", object_id=str(fact.pk))
    with pytest.raises(ValidationFailed):
        services.enrolment_confirm_status(actor=advisor, enrolment=enrolment)


def test_dismissing_records_nothing(registration, measure, advisor):
    enrolment = services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
    )
    services.enrolment_dismiss_status(actor=advisor, enrolment=enrolment)
    assert StatusFact.objects.filter(registration=registration).count() == 1


def test_no_proposal_when_the_youth_already_has_the_status(registration, measure, advisor):
    from veiviser.registry import services as registry

    registry.status_record(
        actor=advisor, registration=registration, code="OTOA", valid_from=date(2024, 9, 1)
    )
    enrolment = services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
    )
    assert enrolment.proposal == ProposalState.NONE


def test_a_full_measure_refuses_another_youth(
    registration, measure, advisor, make_person, tonsberg
):
    from veiviser.registry import services as registry

    for n in range(2):
        person = make_person(birth_date=date(2006, 4, 1 + n), given=f"Test{n}")
        other = registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="other",
            unit=tonsberg,
        )
        services.enrolment_create(
            actor=None, registration=other, measure=measure, starts_on=date(2024, 9, 2)
        )
    with pytest.raises(ValidationFailed, match="full"):
        services.enrolment_create(
            actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
        )
    assert not Enrolment.objects.filter(registration=registration).exists()


def test_the_same_youth_cannot_take_part_twice_at_once(registration, measure, advisor):
    services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
    )
    with pytest.raises(ValidationFailed, match="already"):
        services.enrolment_create(
            actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 10, 1)
        )


def test_an_advisor_of_another_unit_cannot_enrol(registration, measure, vestfold, horten):
    from veiviser.organisation import services as organisation

    other = organisation.staff_user_create(
        actor=None,
        username="hanne",
        password="not-a-real-password-1",
        role="advisor",
        county=vestfold,
        unit=horten,
    )
    with pytest.raises(PermissionDenied):
        services.enrolment_create(
            actor=other, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
        )


def test_ending_needs_a_reason_and_a_day_after_the_start(registration, measure, advisor):
    enrolment = services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 10)
    )
    with pytest.raises(ValidationFailed) as failed:
        services.enrolment_end(
            actor=advisor, enrolment=enrolment, ends_on=date(2024, 9, 1), end_reason=""
        )
    assert {p.field for p in failed.value.problems} == {"ends_on", "end_reason"}
    services.enrolment_end(
        actor=advisor, enrolment=enrolment, ends_on=date(2024, 12, 20), end_reason="completed"
    )
    enrolment.refresh_from_db()
    assert (enrolment.ends_on, enrolment.end_reason) == (date(2024, 12, 20), "completed")
    # An open proposal lapses when the enrolment ends.
    assert enrolment.proposal == ProposalState.DISMISSED


def test_a_placement_needs_a_valid_organisation_number(registration, advisor):
    with pytest.raises(ValidationFailed) as failed:
        services.placement_create(
            actor=advisor,
            registration=registration,
            employer_orgnr="974760674",
            employer_name="Bakeri AS",
            starts_on=date(2024, 10, 1),
            hours_per_week=Decimal(20),
        )
    assert [p.field for p in failed.value.problems] == ["employer_orgnr"]
    placement = services.placement_create(
        actor=advisor,
        registration=registration,
        employer_orgnr="974 760 673",
        employer_name="Bakeri AS",
        starts_on=date(2024, 10, 1),
        hours_per_week=Decimal(20),
    )
    assert placement.employer_orgnr == ORGNR


def test_a_follow_up_must_fall_within_the_placement(registration, advisor):
    placement = services.placement_create(
        actor=advisor,
        registration=registration,
        employer_orgnr=ORGNR,
        employer_name="Bakeri AS",
        starts_on=date(2024, 10, 1),
        hours_per_week=Decimal(20),
        ends_on=date(2024, 12, 1),
    )
    with pytest.raises(ValidationFailed):
        services.follow_up_record(
            actor=advisor, placement=placement, on=date(2024, 12, 2), party="youth"
        )
    follow_up = services.follow_up_record(
        actor=advisor, placement=placement, on=date(2024, 10, 14), party="employer"
    )
    assert follow_up.county_id == registration.county_id


def test_the_autumn_outcome_is_recorded_after_the_year_and_revised(registration, advisor):
    with pytest.raises(ValidationFailed):
        services.autumn_outcome_record(
            actor=advisor, registration=registration, place="work", observed_on=date(2025, 6, 1)
        )
    services.autumn_outcome_record(
        actor=advisor, registration=registration, place="work", observed_on=date(2025, 9, 15)
    )
    outcome = services.autumn_outcome_record(
        actor=advisor, registration=registration, place="education", observed_on=date(2025, 9, 20)
    )
    assert outcome.place == "education"
    actions = list(
        AuditEvent.objects.filter(action__startswith="measures.autumn").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "measures.autumn_outcome.recorded",
        "measures.autumn_outcome.revised",
    ]
