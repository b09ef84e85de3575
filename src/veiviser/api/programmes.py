"""The API's endpoints for OT's measures, exams, preventive work and projects, and their counts
(docs/api.md, "Measures, exams, preventive work and projects").

The same patterns as `veiviser.api.api`: each endpoint names its scope (`need`), the one access
policy decides through the client's service user, records of another county (or ones the policy
does not let the client see) are 404, every read of a youth's record is audited
(`people.person.viewed`), every list page as `api.list.read`, and every write goes through the
app's service (which checks the policy again and audits the write). Creates take an
`Idempotency-Key`; recordings that set a state (an end, a result, an outcome) are `PUT`s, the
same request twice giving the same state.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from pydantic import BaseModel, ConfigDict

from veiviser import policy
from veiviser.api import models as scopes
from veiviser.api.api import (
    CREATE_ERRORS,
    ERRORS,
    KEY_FILTER,
    LIMIT,
    OFFSET,
    SCHOOL_YEAR,
    SCHOOL_YEAR_FILTER,
    _idempotent_create,
    _listed,
    _page,
    _page_body,
    _record_on,
    _registration,
    _viewed,
    api,
    need,
)
from veiviser.api.schemas import Page
from veiviser.casework.models import PartnerKind
from veiviser.codes.selectors import kodeverk
from veiviser.exams import services as exams
from veiviser.exams.models import ExamEntry, Result, Subject
from veiviser.measures import selectors as measure_selectors
from veiviser.measures import services as measures
from veiviser.measures.models import (
    AutumnOutcome,
    AutumnPlace,
    EndReason,
    Enrolment,
    FollowUp,
    Measure,
    Party,
    Placement,
)
from veiviser.prevention import services as prevention
from veiviser.prevention.models import ClarificationMeeting, PreventiveCase, PupilKind
from veiviser.problems import Problem, ValidationFailed
from veiviser.projects import services as projects
from veiviser.projects.models import Participant, Project, ProjectOutcome
from veiviser.projects.selectors import projects_for
from veiviser.registry.models import Registration
from veiviser.statistics.counts import report_document
from veiviser.statistics.programmes import NOT_BITEMPORAL

# An integer id in a path: bounded, so that no id overflows the database's integer.
PK = Path(..., ge=1, le=2_147_483_647)
KEY = Path(..., max_length=64)
TEXT = 10_000


def _choices(values) -> type:
    return Literal[tuple(values)]  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Shapes


class MeasureOut(Schema):
    id: str
    name: str
    kind: str
    organiser: str
    unit: str | None = Field(description="the unit's id; null for a county-wide measure")
    capacity: int | None
    starts_on: date
    ends_on: date | None
    implied_status: str | None = Field(description="the status an enrolment proposes")
    participants: int = Field(description="enrolments active today")


class MeasurePage(Page):
    items: list[MeasureOut]


class EnrolmentIn(Schema):
    measure: str = Field(max_length=64, description="the measure's id")
    starts_on: date
    ends_on: date | None = None
    end_reason: _choices((*EndReason.values, "")) = ""  # type: ignore[valid-type]


class EnrolmentEndIn(Schema):
    ends_on: date
    end_reason: _choices(EndReason.values)  # type: ignore[valid-type]


class EnrolmentOut(Schema):
    id: str
    registration: str
    measure: str
    starts_on: date
    ends_on: date | None
    end_reason: str
    proposed_status: str = Field(description="the status the measure implies, if proposed")
    proposal: str = Field(description="'', proposed, confirmed or dismissed")
    created_at: datetime


class EnrolmentPage(Page):
    items: list[EnrolmentOut]


class PlacementIn(Schema):
    employer_orgnr: str = Field(max_length=20, description="9 digits (mod 11)")
    employer_name: str = Field(min_length=1, max_length=200)
    starts_on: date
    hours_per_week: Decimal = Field(gt=0, le=60, max_digits=4, decimal_places=1)
    contact_person: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=40)
    ends_on: date | None = None
    enrolment: str | None = Field(None, max_length=64, description="an enrolment's id")


class PlacementOut(Schema):
    id: str
    registration: str
    enrolment: str | None
    employer_orgnr: str
    employer_name: str
    contact_person: str
    contact_phone: str
    starts_on: date
    ends_on: date | None
    hours_per_week: Decimal
    created_at: datetime


class PlacementPage(Page):
    items: list[PlacementOut]


class FollowUpIn(Schema):
    on: date
    party: _choices(Party.values)  # type: ignore[valid-type]
    note: str = Field("", max_length=TEXT)


class FollowUpOut(Schema):
    id: str
    placement: str
    on: date
    party: str
    note: str
    created_at: datetime


class FollowUpPage(Page):
    items: list[FollowUpOut]


class AutumnOutcomeIn(Schema):
    place: _choices(AutumnPlace.values)  # type: ignore[valid-type]
    observed_on: date
    note: str = Field("", max_length=TEXT)


class AutumnOutcomeOut(Schema):
    id: str
    registration: str
    place: str
    observed_on: date
    note: str
    updated_at: datetime


class AutumnOutcomePage(Page):
    items: list[AutumnOutcomeOut]


class SubjectOut(Schema):
    code: str
    name: str
    active: bool


class SubjectPage(Page):
    items: list[SubjectOut]


class ExamEntryIn(Schema):
    subject: str = Field(max_length=20, description="the subject code")
    exam_date: date
    training: str = Field("", max_length=300)
    training_hours: int | None = Field(None, ge=0, le=10_000)


class ExamResultIn(Schema):
    result: _choices(Result.values)  # type: ignore[valid-type]
    grade: int | None = Field(None, ge=1, le=6)


class ExamEntryOut(Schema):
    id: int
    registration: str
    subject: str
    exam_date: date
    training: str
    training_hours: int | None
    result: str
    grade: int | None
    result_recorded_at: datetime | None
    created_at: datetime


class ExamEntryPage(Page):
    items: list[ExamEntryOut]


class PreventiveCaseIn(Schema):
    kind: _choices(PupilKind.values)  # type: ignore[valid-type]
    school: str = Field(min_length=1, max_length=200)
    started_on: date
    concern: str = Field("", max_length=TEXT)


class PreventiveCaseSummary(Schema):
    id: int
    registration: str
    kind: str
    school: str
    started_on: date
    outcome: str
    outcome_on: date | None
    dropout_reason: str


class PreventiveCaseOut(PreventiveCaseSummary):
    concern: str
    created_at: datetime


class PreventiveCaseSummaryPage(Page):
    items: list[PreventiveCaseSummary]


class PreventiveCasePage(Page):
    items: list[PreventiveCaseOut]


class MeetingIn(Schema):
    held_on: date
    partners: list[_choices(PartnerKind.values)] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=len(PartnerKind.values)
    )
    participants: str = Field("", max_length=300)
    summary: str = Field("", max_length=TEXT)


class MeetingOut(Schema):
    id: int
    case: int
    registration: str
    held_on: date
    partners: list[str]
    participants: str
    summary: str
    created_at: datetime


class MeetingPage(Page):
    items: list[MeetingOut]


class ProjectOut(Schema):
    id: int
    name: str
    description: str
    unit: str | None
    starts_on: date
    ends_on: date | None
    partners: str


class ProjectPage(Page):
    items: list[ProjectOut]


class ParticipantIn(Schema):
    registration: str = Field(max_length=64, description="the registration's id")
    joined_on: date


class ParticipantOutcomeIn(Schema):
    outcome: _choices(ProjectOutcome.values)  # type: ignore[valid-type]
    outcome_on: date


class ParticipantOut(Schema):
    id: int
    project: int
    registration: str
    school_year: int
    joined_on: date
    outcome: str
    outcome_on: date | None


class ParticipantPage(Page):
    items: list[ParticipantOut]


class ReportOut(BaseModel):
    """The JSON of `veiviser stats --report NAME` (docs/statistics.md): the keys below, then the
    report's own counts."""

    model_config = ConfigDict(extra="allow")

    county: str
    school_year: int
    known_at: str | None
    report: str


# ---------------------------------------------------------------------------------------------
# Output


def measure_out(measure: Measure) -> dict:
    return {
        "id": measure.key,
        "name": measure.name,
        "kind": measure.kind,
        "organiser": measure.organiser,
        "unit": measure.unit.key if measure.unit_id else None,
        "capacity": measure.capacity,
        "starts_on": measure.starts_on,
        "ends_on": measure.ends_on,
        "implied_status": measure.implied_status,
        "participants": getattr(measure, "participants", 0),
    }


def enrolment_out(enrolment: Enrolment) -> dict:
    return {
        "id": enrolment.key,
        "registration": enrolment.registration.key,
        "measure": enrolment.measure.key,
        "starts_on": enrolment.starts_on,
        "ends_on": enrolment.ends_on,
        "end_reason": enrolment.end_reason,
        "proposed_status": enrolment.proposed_status,
        "proposal": enrolment.proposal,
        "created_at": enrolment.created_at,
    }


def placement_out(placement: Placement) -> dict:
    return {
        "id": placement.key,
        "registration": placement.registration.key,
        "enrolment": placement.enrolment.key if placement.enrolment_id else None,
        "employer_orgnr": placement.employer_orgnr,
        "employer_name": placement.employer_name,
        "contact_person": placement.contact_person,
        "contact_phone": placement.contact_phone,
        "starts_on": placement.starts_on,
        "ends_on": placement.ends_on,
        "hours_per_week": placement.hours_per_week,
        "created_at": placement.created_at,
    }


def follow_up_out(follow_up: FollowUp) -> dict:
    return {
        "id": follow_up.key,
        "placement": follow_up.placement.key,
        "on": follow_up.on,
        "party": follow_up.party,
        "note": follow_up.note,
        "created_at": follow_up.created_at,
    }


def autumn_out(outcome: AutumnOutcome) -> dict:
    return {
        "id": outcome.key,
        "registration": outcome.registration.key,
        "place": outcome.place,
        "observed_on": outcome.observed_on,
        "note": outcome.note,
        "updated_at": outcome.updated_at,
    }


def entry_out(entry: ExamEntry) -> dict:
    return {
        "id": entry.pk,
        "registration": entry.registration.key,
        "subject": entry.subject.code,
        "exam_date": entry.exam_date,
        "training": entry.training,
        "training_hours": entry.training_hours,
        "result": entry.result,
        "grade": entry.grade,
        "result_recorded_at": entry.result_recorded_at,
        "created_at": entry.created_at,
    }


def case_summary(case: PreventiveCase) -> dict:
    return {
        "id": case.pk,
        "registration": case.registration.key,
        "kind": case.kind,
        "school": case.school,
        "started_on": case.started_on,
        "outcome": case.outcome,
        "outcome_on": case.outcome_on,
        "dropout_reason": case.dropout_reason,
    }


def case_out(case: PreventiveCase) -> dict:
    return {**case_summary(case), "concern": case.concern, "created_at": case.created_at}


def meeting_out(meeting: ClarificationMeeting) -> dict:
    return {
        "id": meeting.pk,
        "case": meeting.case_id,
        "registration": meeting.registration.key,
        "held_on": meeting.held_on,
        "partners": list(meeting.partners),
        "participants": meeting.participants,
        "summary": meeting.summary,
        "created_at": meeting.created_at,
    }


def project_out(project: Project) -> dict:
    return {
        "id": project.pk,
        "name": project.name,
        "description": project.description,
        "unit": project.unit.key if project.unit_id else None,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "partners": project.partners,
    }


def participant_out(participant: Participant) -> dict:
    return {
        "id": participant.pk,
        "project": participant.project_id,
        "registration": participant.registration.key,
        "school_year": participant.registration.school_year,
        "joined_on": participant.joined_on,
        "outcome": participant.outcome,
        "outcome_on": participant.outcome_on,
    }


# ---------------------------------------------------------------------------------------------
# Helpers


def _on_record(request, registration_id: str, scope: str, rows, limit, offset, out, order):
    """A list of the `rows` recorded on one registration: a read of the youth's record
    (audited)."""
    need(request, scope)
    registration = _registration(request, registration_id)
    queryset = rows.filter(registration=registration).order_by(*order)
    count, items = _page(queryset, limit, offset)
    _viewed(request, registration.person)
    return _page_body(count, [out(item) for item in items], limit, offset)


def _visible_registrations(request, school_year: int | None, unit: str | None):
    visible = Registration.objects.filter(policy.registrations_q(request.auth.user, policy.VIEW))
    if school_year is not None:
        visible = visible.filter(school_year=school_year)
    if unit is not None:
        visible = visible.filter(unit__key=unit)
    return visible


def _referred(queryset, field: str, reason: str):
    """The one record a body refers to, or 422 on that field: a reference to a record the
    client cannot see is a fault of the request, not a missing page."""
    found = queryset.first()
    if found is None:
        raise ValidationFailed([Problem(field, reason)])
    return found


def _set_state(request, registration_id: str, scope: str):
    """A `PUT` on a youth's record: the scope, then the policy's CHANGE (403 if the client may
    view but not change)."""
    need(request, scope)
    return _registration(request, registration_id, policy.CHANGE)


# ---------------------------------------------------------------------------------------------
# Measures

measures_router = Router(tags=["measures"])
records = Router(tags=["measures"])


@measures_router.get("", response={200: MeasurePage, **ERRORS}, summary="List the measures")
def measure_list(
    request,
    unit: str | None = KEY_FILTER,
    kind: str | None = KEY_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """The county's catalogue of measures, each with its participants today; filtered by unit
    (its id) and kind."""
    need(request, scopes.MEASURES_READ)
    queryset = measure_selectors.catalogue_for(request.auth.user, on=timezone.localdate())
    if unit is not None:
        queryset = queryset.filter(unit__key=unit)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    count, items = _page(queryset, limit, offset)
    _listed(request, "measures", [m.key for m in items])
    return _page_body(count, [measure_out(m) for m in items], limit, offset)


@records.get(
    "/{registration_id}/enrolments",
    response={200: EnrolmentPage, **ERRORS},
    summary="List a registration's enrolments",
)
def enrolment_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    return _on_record(
        request,
        registration_id,
        scopes.MEASURES_READ,
        Enrolment.objects.select_related("measure", "registration"),
        limit,
        offset,
        enrolment_out,
        ("starts_on", "pk"),
    )


@records.post(
    "/{registration_id}/enrolments",
    response={201: EnrolmentOut, **CREATE_ERRORS},
    summary="Enrol in a measure",
)
def enrolment_create(request, registration_id: str, payload: EnrolmentIn):
    """Enrol the youth in a measure of the county (measures.enrolment.created). The status the
    measure implies is proposed, never written: the advisor confirms it in the web app."""

    def write(actor, registration):
        measure = _referred(
            Measure.objects.filter(county_id=registration.county_id, key=payload.measure),
            "measure",
            _("no measure with this id in the county"),
        )
        return enrolment_out(
            measures.enrolment_create(
                actor=actor,
                registration=registration,
                measure=measure,
                starts_on=payload.starts_on,
                ends_on=payload.ends_on,
                end_reason=payload.end_reason,
            )
        )

    return _record_on(request, registration_id, scopes.MEASURES_WRITE, write)


@records.put(
    "/{registration_id}/enrolments/{enrolment_id}/end",
    response={200: EnrolmentOut, **ERRORS},
    summary="End an enrolment",
)
def enrolment_end(request, registration_id: str, payload: EnrolmentEndIn, enrolment_id: str = KEY):
    """End the enrolment on `ends_on` for `end_reason` (measures.enrolment.ended). The same
    end again (a retry) answers the enrolment as it is and writes nothing; another end of an
    ended enrolment is 422, as in the web app."""
    registration = _set_state(request, registration_id, scopes.MEASURES_WRITE)
    enrolment = (
        Enrolment.objects.filter(registration=registration, key=enrolment_id)
        .select_related("measure", "registration")
        .first()
    )
    if enrolment is None:
        raise Http404
    if (enrolment.ends_on, enrolment.end_reason) == (payload.ends_on, payload.end_reason):
        return enrolment_out(enrolment)
    ended = measures.enrolment_end(
        actor=request.auth.user,
        enrolment=enrolment,
        ends_on=payload.ends_on,
        end_reason=payload.end_reason,
    )
    return enrolment_out(ended)


@records.get(
    "/{registration_id}/placements",
    response={200: PlacementPage, **ERRORS},
    summary="List a registration's work-practice placements",
)
def placement_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    return _on_record(
        request,
        registration_id,
        scopes.MEASURES_READ,
        Placement.objects.select_related("registration", "enrolment"),
        limit,
        offset,
        placement_out,
        ("starts_on", "pk"),
    )


@records.post(
    "/{registration_id}/placements",
    response={201: PlacementOut, **CREATE_ERRORS},
    summary="Record a work-practice placement",
)
def placement_create(request, registration_id: str, payload: PlacementIn):
    """A placement with an employer (measures.placement.created), optionally under one of the
    registration's enrolments (its id)."""

    def write(actor, registration):
        enrolment = None
        if payload.enrolment:
            enrolment = _referred(
                Enrolment.objects.filter(registration=registration, key=payload.enrolment),
                "enrolment",
                _("no enrolment with this id on the registration"),
            )
        return placement_out(
            measures.placement_create(
                actor=actor,
                registration=registration,
                employer_orgnr=payload.employer_orgnr,
                employer_name=payload.employer_name,
                starts_on=payload.starts_on,
                hours_per_week=payload.hours_per_week,
                contact_person=payload.contact_person,
                contact_phone=payload.contact_phone,
                ends_on=payload.ends_on,
                enrolment=enrolment,
            )
        )

    return _record_on(request, registration_id, scopes.MEASURES_WRITE, write)


def _placement(registration, placement_id: str) -> Placement:
    placement = (
        Placement.objects.filter(registration=registration, key=placement_id)
        .select_related("registration")
        .first()
    )
    if placement is None:
        raise Http404
    return placement


@records.get(
    "/{registration_id}/placements/{placement_id}/follow-ups",
    response={200: FollowUpPage, **ERRORS},
    summary="List a placement's follow-ups",
)
def follow_up_list(
    request,
    registration_id: str,
    placement_id: str = KEY,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    need(request, scopes.MEASURES_READ)
    registration = _registration(request, registration_id)
    placement = _placement(registration, placement_id)
    queryset = placement.follow_ups.select_related("placement").order_by("on", "pk")
    count, items = _page(queryset, limit, offset)
    _viewed(request, registration.person)
    return _page_body(count, [follow_up_out(f) for f in items], limit, offset)


@records.post(
    "/{registration_id}/placements/{placement_id}/follow-ups",
    response={201: FollowUpOut, **CREATE_ERRORS},
    summary="Record a follow-up in a placement",
)
def follow_up_create(request, registration_id: str, payload: FollowUpIn, placement_id: str = KEY):
    """A follow-up of the youth or the employer on a day within the placement
    (measures.follow_up.recorded)."""

    def write(actor, registration):
        return follow_up_out(
            measures.follow_up_record(
                actor=actor,
                placement=_placement(registration, placement_id),
                on=payload.on,
                party=payload.party,
                note=payload.note,
            )
        )

    return _record_on(request, registration_id, scopes.MEASURES_WRITE, write)


autumn = Router(tags=["measures"])


@autumn.get("", response={200: AutumnOutcomePage, **ERRORS}, summary="List autumn outcomes")
def autumn_list(
    request,
    school_year: int | None = SCHOOL_YEAR_FILTER,
    unit: str | None = KEY_FILTER,
    place: str | None = KEY_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """Where the participants of OT's training measures were in the autumn after the school
    year, for the registrations the client may see; filtered by the registration's school year
    and unit (id), and by place."""
    need(request, scopes.MEASURES_READ)
    visible = _visible_registrations(request, school_year, unit)
    queryset = AutumnOutcome.objects.filter(
        county_id=request.auth.county_id, registration__in=visible
    ).select_related("registration")
    if place is not None:
        queryset = queryset.filter(place=place)
    count, items = _page(queryset.order_by("registration__school_year", "pk"), limit, offset)
    _listed(request, "autumn-outcomes", [o.key for o in items])
    return _page_body(count, [autumn_out(o) for o in items], limit, offset)


@records.put(
    "/{registration_id}/autumn-outcome",
    response={200: AutumnOutcomeOut, **ERRORS},
    summary="Record a registration's autumn outcome",
)
def autumn_record(request, registration_id: str, payload: AutumnOutcomeIn):
    """Record (or revise) where the youth is in the autumn after the school year
    (measures.autumn_outcome.recorded / revised): one per registration."""
    registration = _set_state(request, registration_id, scopes.MEASURES_WRITE)
    outcome = measures.autumn_outcome_record(
        actor=request.auth.user,
        registration=registration,
        place=payload.place,
        observed_on=payload.observed_on,
        note=payload.note,
    )
    return autumn_out(outcome)


# ---------------------------------------------------------------------------------------------
# Exams

subjects = Router(tags=["exams"])


@subjects.get("", response={200: SubjectPage, **ERRORS}, summary="List the exam subjects")
def subject_list(request, active: bool | None = None, limit: int = LIMIT, offset: int = OFFSET):
    """The subjects a youth can be registered for an exam in (national, not per county)."""
    need(request, scopes.EXAMS_READ)
    queryset = Subject.objects.order_by("code")
    if active is not None:
        queryset = queryset.filter(active=active)
    count, items = _page(queryset, limit, offset)
    return _page_body(
        count,
        [{"code": s.code, "name": s.name, "active": s.active} for s in items],
        limit,
        offset,
    )


@records.get(
    "/{registration_id}/exam-entries",
    response={200: ExamEntryPage, **ERRORS},
    summary="List a registration's exam entries",
)
def entry_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    return _on_record(
        request,
        registration_id,
        scopes.EXAMS_READ,
        ExamEntry.objects.select_related("registration", "subject"),
        limit,
        offset,
        entry_out,
        ("exam_date", "pk"),
    )


@records.post(
    "/{registration_id}/exam-entries",
    response={201: ExamEntryOut, **CREATE_ERRORS},
    summary="Register for an exam",
)
def entry_create(request, registration_id: str, payload: ExamEntryIn):
    """Register the youth for an exam in a subject (its code) on a day, with the subject
    training OT gives towards it (exams.entry.registered)."""

    def write(actor, registration):
        subject = _referred(
            Subject.objects.filter(code=payload.subject), "subject", _("no subject with this code")
        )
        return entry_out(
            exams.exam_entry_register(
                actor=actor,
                registration=registration,
                subject=subject,
                exam_date=payload.exam_date,
                training=payload.training,
                training_hours=payload.training_hours,
            )
        )

    return _record_on(request, registration_id, scopes.EXAMS_WRITE, write)


@records.put(
    "/{registration_id}/exam-entries/{entry_id}/result",
    response={200: ExamEntryOut, **ERRORS},
    summary="Record an exam result",
)
def entry_result(request, registration_id: str, payload: ExamResultIn, entry_id: int = PK):
    """Record or correct the result, with the grade where there is one
    (exams.entry.result_recorded)."""
    registration = _set_state(request, registration_id, scopes.EXAMS_WRITE)
    entry = (
        ExamEntry.objects.filter(registration=registration, pk=entry_id)
        .select_related("registration", "subject")
        .first()
    )
    if entry is None:
        raise Http404
    return entry_out(
        exams.exam_result_record(
            actor=request.auth.user, entry=entry, result=payload.result, grade=payload.grade
        )
    )


# ---------------------------------------------------------------------------------------------
# Preventive work

cases = Router(tags=["prevention"])


@cases.get("", response={200: PreventiveCaseSummaryPage, **ERRORS}, summary="List preventive cases")
def case_list(
    request,
    school_year: int | None = SCHOOL_YEAR_FILTER,
    unit: str | None = KEY_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """The preventive cases of the registrations the client may see, without the concern (read
    it on the registration); filtered by school year and unit (id)."""
    need(request, scopes.PREVENTION_READ)
    visible = _visible_registrations(request, school_year, unit)
    queryset = PreventiveCase.objects.filter(
        county_id=request.auth.county_id, registration__in=visible
    ).select_related("registration")
    count, items = _page(queryset.order_by("started_on", "pk"), limit, offset)
    _listed(request, "preventive-cases", [str(c.pk) for c in items])
    return _page_body(count, [case_summary(c) for c in items], limit, offset)


@records.get(
    "/{registration_id}/preventive-cases",
    response={200: PreventiveCasePage, **ERRORS},
    summary="List a registration's preventive case",
)
def record_case_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    """At most one: preventive work is one case per registration (school year)."""
    return _on_record(
        request,
        registration_id,
        scopes.PREVENTION_READ,
        PreventiveCase.objects.select_related("registration"),
        limit,
        offset,
        case_out,
        ("started_on", "pk"),
    )


@records.post(
    "/{registration_id}/preventive-cases",
    response={201: PreventiveCaseOut, **CREATE_ERRORS},
    summary="Open a preventive case",
)
def record_case_create(request, registration_id: str, payload: PreventiveCaseIn):
    """Start preventive work with a pupil or apprentice (prevention.case.opened); one case per
    registration."""
    return _record_on(
        request,
        registration_id,
        scopes.PREVENTION_WRITE,
        lambda actor, registration: case_out(
            prevention.preventive_case_open(
                actor=actor,
                registration=registration,
                kind=payload.kind,
                school=payload.school,
                started_on=payload.started_on,
                concern=payload.concern,
            )
        ),
    )


@records.get(
    "/{registration_id}/meetings",
    response={200: MeetingPage, **ERRORS},
    summary="List a registration's clarification meetings",
)
def meeting_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    """The summaries are personal data: the read is audited as a read of the youth's record."""
    return _on_record(
        request,
        registration_id,
        scopes.PREVENTION_READ,
        ClarificationMeeting.objects.select_related("registration"),
        limit,
        offset,
        meeting_out,
        ("held_on", "pk"),
    )


@records.post(
    "/{registration_id}/meetings",
    response={201: MeetingOut, **CREATE_ERRORS},
    summary="Record a clarification meeting",
)
def meeting_create(request, registration_id: str, payload: MeetingIn):
    """A clarification meeting in the registration's preventive case
    (prevention.meeting.recorded); 422 on `case` when the registration has none."""

    def write(actor, registration):
        case = _referred(
            PreventiveCase.objects.filter(registration=registration),
            "case",
            _("open a preventive case for this registration first"),
        )
        return meeting_out(
            prevention.meeting_record(
                actor=actor,
                case=case,
                held_on=payload.held_on,
                partners=list(payload.partners),
                participants=payload.participants,
                summary=payload.summary,
            )
        )

    return _record_on(request, registration_id, scopes.PREVENTION_WRITE, write)


# ---------------------------------------------------------------------------------------------
# Projects

projects_router = Router(tags=["projects"])


def _project(request, project_id: int) -> Project:
    project = projects_for(request.auth.user).filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


@projects_router.get("", response={200: ProjectPage, **ERRORS}, summary="List projects")
def project_list(request, unit: str | None = KEY_FILTER, limit: int = LIMIT, offset: int = OFFSET):
    """The projects the client may see (county-wide ones and its units'), filtered by unit."""
    need(request, scopes.PROJECTS_READ)
    queryset = projects_for(request.auth.user)
    if unit is not None:
        queryset = queryset.filter(unit__key=unit)
    count, items = _page(queryset.order_by("starts_on", "pk"), limit, offset)
    return _page_body(count, [project_out(p) for p in items], limit, offset)


@projects_router.get(
    "/{project_id}/participants",
    response={200: ParticipantPage, **ERRORS},
    summary="List a project's participants",
)
def participant_list(
    request,
    project_id: int = PK,
    school_year: int | None = SCHOOL_YEAR_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """The participants whose registration the client may see; filtered by the cohort's
    school year."""
    need(request, scopes.PROJECTS_READ)
    project = _project(request, project_id)
    visible = _visible_registrations(request, school_year, None)
    queryset = (
        Participant.objects.filter(project=project, registration__in=visible)
        .select_related("registration")
        .order_by("joined_on", "pk")
    )
    count, items = _page(queryset, limit, offset)
    _listed(request, "project-participants", [str(p.pk) for p in items])
    return _page_body(count, [participant_out(p) for p in items], limit, offset)


@projects_router.post(
    "/{project_id}/participants",
    response={201: ParticipantOut, **CREATE_ERRORS},
    summary="Add a participant",
)
def participant_create(request, payload: ParticipantIn, project_id: int = PK):
    """Add a youth's registration (its id) to the project's cohort of that school year
    (projects.participant.added). The client must be allowed to manage the project."""
    need(request, scopes.PROJECTS_WRITE)
    project = _project(request, project_id)
    user = request.auth.user
    if not policy.can_manage_project(user, project):
        raise PermissionDenied
    registration = _referred(
        Registration.objects.filter(policy.registrations_q(user, policy.VIEW)).filter(
            county_id=request.auth.county_id, key=payload.registration
        ),
        "registration",
        _("no registration with this id in the county"),
    )

    def make():
        return participant_out(
            projects.participant_add(
                actor=user, project=project, registration=registration, joined_on=payload.joined_on
            )
        )

    return _idempotent_create(request, make)


@projects_router.put(
    "/{project_id}/participants/{participant_id}/outcome",
    response={200: ParticipantOut, **ERRORS},
    summary="Record a participant's outcome",
)
def participant_outcome(
    request, payload: ParticipantOutcomeIn, project_id: int = PK, participant_id: int = PK
):
    """Where the participant is at the end of the project year
    (projects.participant.outcome_recorded); again corrects."""
    need(request, scopes.PROJECTS_WRITE)
    project = _project(request, project_id)
    user = request.auth.user
    participant = (
        Participant.objects.filter(project=project, pk=participant_id)
        .filter(policy.registrations_q(user, policy.VIEW, "registration__"))
        .select_related("registration", "project")
        .first()
    )
    if participant is None:
        raise Http404
    return participant_out(
        projects.participant_outcome_record(
            actor=user,
            participant=participant,
            outcome=payload.outcome,
            outcome_on=payload.outcome_on,
        )
    )


# ---------------------------------------------------------------------------------------------
# Counts

reports = Router(tags=["statistics"])
REPORT = Path(..., description="exams, prevention or projects")
KNOWN_AT = Query(None, description="not for these reports: they are recorded work as it is now")


@reports.get(
    "/{report}",
    response={200: ReportOut, **ERRORS},
    summary="Counts of exams, prevention, projects",
)
def report_read(
    request,
    report: _choices(NOT_BITEMPORAL) = REPORT,  # type: ignore[valid-type]
    school_year: int = SCHOOL_YEAR,
):
    """Exactly the JSON of `veiviser stats --report NAME` for the client's county, computed by
    the same function. County-wide counts: a client kept to a unit gets 403."""
    need(request, scopes.STATISTICS_READ)
    user = request.auth.user
    if policy.scope(user, policy.STATISTICS) != policy.COUNTY:
        raise PermissionDenied
    return report_document(
        kodeverk(), report=report, county=request.auth.county.number, school_year=school_year
    )


api.add_router("/measures", measures_router)
api.add_router("/autumn-outcomes", autumn)
api.add_router("/exam-subjects", subjects)
api.add_router("/preventive-cases", cases)
api.add_router("/projects", projects_router)
api.add_router("/statistics/reports", reports)
api.add_router("/registrations", records)
