"""The project worker (Role.PROJECT_WORKER) sees and changes their projects' participants and
their own caseload, nothing else (policy.py, "Projects")."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from veiviser import policy
from veiviser.organisation.models import Role
from veiviser.projects import selectors, services
from veiviser.registry.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(project, register, horten):
    inside = register()
    other_unit = register(unit=horten, owner=None)
    outside = register()
    for registration in (inside, other_unit):
        services.participant_add(
            actor=None, project=project, registration=registration, joined_on=date(2023, 8, 25)
        )
    return {"inside": inside, "other_unit": other_unit, "outside": outside}


def test_project_worker_sees_exactly_the_participants_of_their_projects(pia, cohort):
    seen = set(Registration.objects.filter(policy.registrations_q(pia, policy.VIEW)))
    assert seen == {cohort["inside"], cohort["other_unit"]}
    assert policy.can(pia, policy.VIEW, cohort["inside"].person)
    assert not policy.can(pia, policy.VIEW, cohort["outside"])
    assert policy.can(pia, policy.CHANGE, cohort["other_unit"])
    assert not policy.can(pia, policy.CONFIDENTIAL, cohort["inside"])


def test_project_worker_opens_a_participant_without_a_reason(pia, cohort):
    assert not policy.needs_reason(pia, cohort["inside"].person)


def test_another_project_worker_sees_none_of_them(staff, cohort):
    ivar = staff("ivar", Role.PROJECT_WORKER)
    assert not Registration.objects.filter(policy.registrations_q(ivar, policy.VIEW)).exists()
    assert not selectors.projects_for(ivar).exists()


def test_project_worker_of_another_county_sees_nothing(staff, telemark, cohort, project):
    services_worker = staff("tor", Role.PROJECT_WORKER, county=telemark)
    project.workers.add(services_worker)  # even if wrongly added to the project
    assert not Registration.objects.filter(
        policy.registrations_q(services_worker, policy.VIEW)
    ).exists()
    assert not policy.can_manage_project(services_worker, project)


def test_who_sees_and_manages_the_project(staff, advisor, pia, project, tonsberg, horten):
    coordinator = staff("trine", Role.UNIT_COORDINATOR, unit=tonsberg)
    other_coordinator = staff("hege", Role.UNIT_COORDINATOR, unit=horten)
    office = staff("ola", Role.OFFICE)
    leader = staff("lise", Role.COUNTY_LEADER)
    admin = staff("siv", Role.ADMINISTRATOR)
    sees = {
        u.username
        for u in (advisor, pia, coordinator, other_coordinator, office, leader, admin)
        if selectors.projects_for(u).filter(pk=project.pk).exists()
    }
    assert sees == {"kari", "pia", "trine", "ola", "lise"}
    manages = {
        u.username
        for u in (advisor, pia, coordinator, other_coordinator, office, leader, admin)
        if policy.can_manage_project(u, project)
    }
    assert manages == {"pia", "trine", "ola"}


def test_project_worker_records_an_outcome_but_cannot_add_a_youth_outside_their_reach(
    pia, cohort, project
):
    participant = project.participants.get(registration=cohort["inside"])
    services.participant_outcome_record(
        actor=pia, participant=participant, outcome="school", outcome_on=date(2024, 6, 20)
    )
    with pytest.raises(PermissionDenied):
        services.participant_add(
            actor=pia, project=project, registration=cohort["outside"], joined_on=date(2023, 9, 1)
        )


def test_advisor_cannot_manage_the_project(advisor, cohort, project):
    participant = project.participants.get(registration=cohort["inside"])
    with pytest.raises(PermissionDenied):
        services.participant_outcome_record(
            actor=advisor, participant=participant, outcome="job", outcome_on=date(2024, 6, 20)
        )
