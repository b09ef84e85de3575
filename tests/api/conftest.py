"""A small world for the API: Vestfold (Tønsberg, Horten) and Telemark (Grenland), one youth
registered in each county, and a helper that makes a client with chosen scopes."""

from datetime import date, timedelta

import pytest

from veiviser.api import services as api_services
from veiviser.api.models import SCOPES
from veiviser.organisation import services as organisation
from veiviser.registry import services as registry

ALL_SCOPES = sorted(SCOPES)


@pytest.fixture
def grenland(telemark):
    unit, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    return unit


@pytest.fixture
def make_client(db):
    """make_client(county, scopes=ALL_SCOPES, name=...) → (client, token)."""
    counter = iter(range(1, 1000))

    def make(county, scopes=None, name=None, rate_limit=10_000, unit=None):
        return api_services.apiclient_create(
            actor=None,
            name=name or f"system-{next(counter)}",
            county=county,
            scopes=ALL_SCOPES if scopes is None else scopes,
            purpose="Inntak fra fylkeskommunens inntakskontor",
            rate_limit=rate_limit,
            unit=unit,
        )

    return make


@pytest.fixture
def world(vestfold, telemark, tonsberg, horten, grenland, make_person):
    """One registered youth in Vestfold (Tønsberg) and one in Telemark (Grenland)."""
    own_person = make_person(birth_date=date(2006, 3, 14), municipality="3905")
    own = registry.registration_create(
        actor=None,
        person=own_person,
        school_year=2024,
        registered_on=date(2024, 9, 2),
        reason="dropped_out",
        unit=tonsberg,
    )
    registry.status_record(actor=None, registration=own, code="OTOV", valid_from=date(2024, 9, 10))
    other_person = make_person(
        county=telemark, birth_date=date(2007, 1, 2), given="Kari", family="Prøvesen"
    )
    other = registry.registration_create(
        actor=None,
        person=other_person,
        school_year=2024,
        registered_on=date(2024, 9, 3),
        reason="declined",
        unit=grenland,
    )
    return {"own": own, "other": other, "vestfold": vestfold, "telemark": telemark}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def programme_records(world, *, first_time: bool = False) -> dict:
    """In each county, on the world's registration: an appointment, a measure with an
    enrolment and a spare measure, a work-practice placement with a follow-up, an autumn outcome, an exam entry in
    NOR1211 and a project; unless `first_time`, also a preventive case with a meeting and a
    project participant. Returns, per target ("own", "other"), the ids the routes need."""
    from django.utils import timezone

    from veiviser.casework import services as casework
    from veiviser.exams import services as exams
    from veiviser.measures import services as measures
    from veiviser.prevention import services as prevention
    from veiviser.projects import services as projects

    subject = exams.subject_upsert(actor=None, code="NOR1211", name="Norsk")
    records = {}
    for target in ("own", "other"):
        registration = world[target]
        county = world["vestfold" if target == "own" else "telemark"]
        made = [
            measures.measure_create(
                actor=None,
                county=county,
                name=f"Grunnkurs {n}",
                kind="basic_skills",
                starts_on=date(2024, 8, 1),
                key=f"m-{target}-{n}",
            )
            for n in (1, 2)
        ]
        enrolment = measures.enrolment_create(
            actor=None, registration=registration, measure=made[0], starts_on=date(2024, 9, 16)
        )
        placement = measures.placement_create(
            actor=None,
            registration=registration,
            employer_orgnr="974760673",
            employer_name="Bedriften AS",
            starts_on=date(2024, 9, 20),
            hours_per_week=10,
        )
        measures.follow_up_record(
            actor=None, placement=placement, on=date(2024, 9, 30), party="youth"
        )
        measures.autumn_outcome_record(
            actor=None, registration=registration, place="education", observed_on=date(2025, 9, 1)
        )
        entry = exams.exam_entry_register(
            actor=None, registration=registration, subject=subject, exam_date=date(2025, 5, 12)
        )
        project = projects.project_create(
            actor=None, county=county, name="Ungdomsløftet", starts_on=date(2024, 8, 1)
        )
        appointment = casework.appointment_book(
            actor=None,
            registration=registration,
            starts_at=timezone.now() + timedelta(days=7),
            duration_minutes=45,
            mode="phone",
        )
        ids = {
            "appointment_id": appointment.pk,
            "spare_measure": made[1].key,
            "enrolment_id": enrolment.key,
            "placement_id": placement.key,
            "entry_id": entry.pk,
            "project_id": project.pk,
        }
        if not first_time:
            case = prevention.preventive_case_open(
                actor=None,
                registration=registration,
                kind="pupil",
                school="Skolen vgs",
                started_on=date(2024, 9, 5),
            )
            prevention.meeting_record(
                actor=None, case=case, held_on=date(2024, 9, 12), partners=["school"]
            )
            participant = projects.participant_add(
                actor=None, project=project, registration=registration, joined_on=date(2024, 9, 1)
            )
            ids["participant_id"] = participant.pk
        else:
            ids["participant_id"] = 1
        records[target] = ids
    return records
