from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.prevention import services
from veiviser.prevention.models import ClarificationMeeting, PreventiveCase, YearOutcome
from veiviser.problems import ValidationFailed

pytestmark = pytest.mark.django_db


def _open(registration, actor=None, **kw):
    return services.preventive_case_open(
        actor=actor,
        registration=registration,
        kind=kw.pop("kind", "pupil"),
        school=kw.pop("school", "Eksempel videregående skole"),
        started_on=kw.pop("started_on", date(2023, 9, 15)),
        **kw,
    )


def test_advisor_opens_preventive_work_and_it_is_audited(advisor, register):
    case = _open(register(), actor=advisor, kind="apprentice")
    assert case.expected_status == "ELVG_IM"
    assert AuditEvent.objects.filter(action="prevention.case.opened", object_id=str(case.pk))


def test_lower_secondary_pupils_have_the_elgs_im_status(register):
    assert _open(register(), kind="lower_secondary").expected_status == "ELGS_IM"


def test_one_case_per_registration(register):
    registration = register()
    _open(registration)
    with pytest.raises(ValidationFailed):
        _open(registration)
    assert PreventiveCase.objects.count() == 1


def test_start_outside_the_school_year_and_empty_school_are_refused(register):
    with pytest.raises(ValidationFailed) as failed:
        _open(register(), started_on=date(2024, 9, 1), school=" ")
    assert {p.field for p in failed.value.problems} == {"started_on", "school"}
    assert not PreventiveCase.objects.exists()


def test_meeting_keeps_partners_and_the_summary_stays_out_of_the_trail(advisor, register):
    case = _open(register())
    meeting = services.meeting_record(
        actor=advisor,
        case=case,
        held_on=date(2023, 10, 2),
        partners=["school", "nav", "school"],
        participants="Eleven, kontaktlærer",
        summary="Avtalt tett oppfølging",
    )
    assert meeting.partners == ["nav", "school"]
    event = AuditEvent.objects.get(action="prevention.meeting.recorded")
    assert "Avtalt" not in str(event.data)


def test_a_meeting_with_an_unknown_partner_is_refused(register):
    case = _open(register())
    with pytest.raises(ValidationFailed):
        services.meeting_record(actor=None, case=case, held_on=date(2023, 10, 2), partners=["x"])
    assert not ClarificationMeeting.objects.exists()


@pytest.mark.parametrize(
    "outcome, reason, ok",
    [
        (YearOutcome.COMPLETED, "", True),
        (YearOutcome.COMPLETED, "motivation", False),
        (YearOutcome.DROPPED_OUT, "absence", True),
        (YearOutcome.DROPPED_OUT, "", False),
        ("graduated", "", False),
    ],
)
def test_outcome_rules(register, outcome, reason, ok):
    case = _open(register())
    call = lambda: services.preventive_outcome_record(  # noqa: E731
        actor=None, case=case, outcome=outcome, outcome_on=date(2024, 6, 20), dropout_reason=reason
    )
    if ok:
        assert call().outcome == outcome
    else:
        with pytest.raises(ValidationFailed):
            call()
        case.refresh_from_db()
        assert case.outcome == ""


def test_outcome_before_the_start_is_refused(register):
    case = _open(register(), started_on=date(2024, 1, 10))
    with pytest.raises(ValidationFailed):
        services.preventive_outcome_record(
            actor=None, case=case, outcome="completed", outcome_on=date(2023, 12, 1)
        )


def test_advisor_of_another_unit_cannot_write(vestfold, horten, register):
    per = organisation.staff_user_create(
        actor=None,
        username="per",
        password="pw-123456789",
        role=Role.ADVISOR,
        county=vestfold,
        unit=horten,
    )
    registration = register()
    with pytest.raises(PermissionDenied):
        _open(registration, actor=per)
    case = _open(registration)
    with pytest.raises(PermissionDenied):
        services.meeting_record(actor=per, case=case, held_on=date(2023, 10, 2), partners=[])
    with pytest.raises(PermissionDenied):
        services.preventive_outcome_record(
            actor=per, case=case, outcome="completed", outcome_on=date(2024, 6, 1)
        )
