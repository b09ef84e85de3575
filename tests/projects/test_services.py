from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from veiviser.audit.models import AuditEvent
from veiviser.organisation.models import Role
from veiviser.problems import ValidationFailed
from veiviser.projects import services
from veiviser.projects.models import Participant, Project

pytestmark = pytest.mark.django_db


def test_coordinator_starts_a_project_in_her_unit_only(staff, vestfold, tonsberg, horten):
    trine = staff("trine", Role.UNIT_COORDINATOR, unit=tonsberg)
    project = services.project_create(
        actor=trine,
        county=vestfold,
        unit=tonsberg,
        name="Gode overganger",
        starts_on=date(2023, 8, 1),
    )
    assert AuditEvent.objects.filter(action="projects.project.created", object_id=str(project.pk))
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=trine, county=vestfold, unit=horten, name="Annet", starts_on=date(2023, 8, 1)
        )


def test_advisor_cannot_start_a_project(advisor, vestfold, tonsberg):
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=advisor, county=vestfold, unit=tonsberg, name="X", starts_on=date(2023, 8, 1)
        )


def test_a_project_name_is_unique_in_the_county_and_cannot_end_before_it_starts(vestfold, project):
    with pytest.raises(ValidationFailed) as failed:
        services.project_create(
            actor=None,
            county=vestfold,
            name="Overgangsprosjektet",
            starts_on=date(2023, 8, 1),
            ends_on=date(2023, 1, 1),
        )
    assert {p.field for p in failed.value.problems} == {"name", "ends_on"}
    assert Project.objects.count() == 1


def test_a_youth_joins_once_a_year_within_the_project_period(project, register):
    registration = register()
    services.participant_add(
        actor=None, project=project, registration=registration, joined_on=date(2023, 9, 1)
    )
    with pytest.raises(ValidationFailed):
        services.participant_add(
            actor=None, project=project, registration=registration, joined_on=date(2023, 9, 2)
        )
    with pytest.raises(ValidationFailed) as failed:
        services.participant_add(
            actor=None, project=project, registration=register(), joined_on=date(2024, 9, 2)
        )
    assert failed.value.problems[0].field == "joined_on"
    assert Participant.objects.count() == 1


def test_an_unknown_outcome_is_refused(project, register):
    participant = services.participant_add(
        actor=None, project=project, registration=register(), joined_on=date(2023, 9, 1)
    )
    with pytest.raises(ValidationFailed):
        services.participant_outcome_record(
            actor=None, participant=participant, outcome="famous", outcome_on=date(2024, 6, 1)
        )
    participant.refresh_from_db()
    assert participant.outcome == ""
