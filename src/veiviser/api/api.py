"""The REST API, `/api/v1/` (docs/api.md): a thin edge over the same selectors and services as
the web app.

Every endpoint names the token scope it needs (`need`), then lets the one access policy decide
(the client's service user, `veiviser.api.models`): a record of another county, or one the
policy does not let the client see, is 404, as if it did not exist. Every read of a youth's
record is audited as `people.person.viewed` with the client's stated purpose as the reason, as
the web app audits the youth page; every write is audited by its service.
"""

import hashlib
import json
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import HttpBearer

from veiviser import policy
from veiviser.api import models as scopes
from veiviser.api.models import IdempotentReply
from veiviser.api.schemas import (
    AppointmentCancelIn,
    AppointmentIn,
    AppointmentOut,
    AppointmentPage,
    ContactIn,
    ContactOut,
    ContactPage,
    Errors,
    PersonIn,
    PersonOut,
    PersonPage,
    ReasonFactIn,
    ReasonFactOut,
    ReasonFactPage,
    RegistrationIn,
    RegistrationOut,
    RegistrationPage,
    StatisticsOut,
    StatusFactIn,
    StatusFactOut,
    StatusFactPage,
)
from veiviser.api.services import apiclient_count_request
from veiviser.audit import services as audit
from veiviser.casework import services as casework
from veiviser.casework.models import Appointment, Contact
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import Municipality, Unit
from veiviser.people import services as people
from veiviser.people.models import Person
from veiviser.problems import Problem, ValidationFailed
from veiviser.registry import services as registry
from veiviser.registry.models import ReasonFact, Registration, StatusFact
from veiviser.registry.queries import reason_in_force, status_in_force
from veiviser.statistics.suppression import suppress_document
from veiviser.statistics.tables import DateOutsideSchoolYear, statistics_document

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000_000
IDEMPOTENCY_HEADER = "Idempotency-Key"

# Query parameters with their bounds in the OpenAPI document (module-level: ruff B008).
LIMIT = Query(50, ge=1, le=MAX_LIMIT, description="items per page")
OFFSET = Query(0, ge=0, le=MAX_OFFSET, description="items to skip")
SCHOOL_YEAR_FILTER = Query(None, ge=2000, le=2100, description="start year: 2024 = 2024/25")
SCHOOL_YEAR = Query(..., ge=2000, le=2100, description="start year: 2024 = 2024/25")
KEY_FILTER = Query(None, max_length=64)


class ApiError(Exception):
    def __init__(self, status: int, reason: str, field: str = "", headers=None):
        self.status, self.reason, self.field = status, reason, field
        self.headers = headers or {}
        super().__init__(reason)


def _has_nul(request) -> bool:
    return (
        "\x00" in request.path
        or "%00" in request.META.get("QUERY_STRING", "")
        or (b"\x00" in request.body or b"\\u0000" in request.body)
    )


class ClientToken(HttpBearer):
    """A bearer token of an active API client (resolved by `ApiClientMiddleware`); counts the
    request against the client's rate limit."""

    def authenticate(self, request, token):
        client = getattr(request, "api_client", None)
        if client is None:
            return None
        if _has_nul(request):
            # PostgreSQL cannot store or compare text with NUL; no field needs one.
            raise ApiError(422, _("NUL characters are not allowed"))
        retry_after = apiclient_count_request(client)
        if retry_after is not None:
            raise ApiError(
                429,
                _("the rate limit of %(limit)d requests per minute is reached")
                % {"limit": client.rate_limit},
                headers={"Retry-After": str(retry_after)},
            )
        return client


api = NinjaAPI(
    title="Veiviser API",
    version="1",
    description=(
        "Persons, registrations, reason and status facts, contacts, measures, exams, preventive "
        "work, projects and statistics of one county. "
        "Authenticate with `Authorization: Bearer <token>`; see docs/api.md."
    ),
    urls_namespace="api",
    auth=ClientToken(),
    # The docs page loads Swagger UI from the static files bundled with django-ninja (never a
    # CDN, as "ninja" is an installed app); no call to the public validator either.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# Every error has the same shape: {"errors": [{"field": ..., "reason": ...}]}.
ERRORS = {code: Errors for code in (400, 401, 403, 404, 422, 429)}
CREATE_ERRORS = {**ERRORS, 409: Errors}


def errors_response(request, status: int, problems: list[tuple[str, str]], headers=None):
    response = api.create_response(
        request,
        {"errors": [{"field": field, "reason": reason} for field, reason in problems]},
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return errors_response(request, exc.status, [(exc.field, exc.reason)], exc.headers)


@api.exception_handler(NinjaValidationError)
def _input_error(request, exc: NinjaValidationError):
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "field") or ("query", "field"): the field is what the client sent.
        if location and location[0] == "body" and len(location) > 1:
            location = location[2:] or location[1:]
        elif location:
            location = location[1:]
        problems.append((".".join(location), error.get("msg", "invalid")))
    return errors_response(request, 422, problems)


@api.exception_handler(ValidationFailed)
def _domain_error(request, exc: ValidationFailed):
    return errors_response(request, 422, [(p.field, p.reason) for p in exc.problems])


@api.exception_handler(DjangoValidationError)
def _model_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        problems = [
            (field if field != "__all__" else "", message)
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        problems = [("", message) for message in exc.messages]
    return errors_response(request, 422, problems)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return errors_response(request, 403, [("", _("the access policy does not allow this"))])


@api.exception_handler(Http404)
def _not_found(request, exc):
    return errors_response(request, 404, [("", _("not found"))])


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    """ninja's own refusals (no valid token: 401; a body that is not JSON: 400), in our shape."""
    if isinstance(exc, AuthenticationError):
        if getattr(request, "api_token_expired", False):
            reason = _("the token has expired; ask the administrator to renew it")
        else:
            reason = _("a valid bearer token is needed")
        response = errors_response(request, 401, [("", reason)])
        response["WWW-Authenticate"] = "Bearer"
        return response
    return errors_response(request, exc.status_code, [("", str(exc))])


# ---------------------------------------------------------------------------------------------
# Helpers shared by the endpoints


def need(request, scope: str) -> None:
    if scope not in request.auth.scopes:
        raise ApiError(403, _("the token lacks the scope %(scope)s") % {"scope": scope})


def _viewed(request, person: Person) -> None:
    """A read of a youth's record, audited as the web app audits the youth page; the client's
    purpose is the stated reason."""
    client = request.auth
    audit.log(
        client.user,
        "people.person.viewed",
        person,
        reason=client.purpose,
        data={"api_client": client.name},
    )


def _listed(request, what: str, keys: list[str]) -> None:
    """A list read: one event naming the records returned (their ids, not their content)."""
    client = request.auth
    audit.log(
        client.user,
        "api.list.read",
        county=client.county.number,
        reason=client.purpose,
        data={"api_client": client.name, "what": what, "ids": keys},
    )


def _page(queryset, limit: int, offset: int) -> tuple[int, list]:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(422, _("must be between 1 and %(max)d") % {"max": MAX_LIMIT}, field="limit")
    if offset < 0:
        raise ApiError(422, _("must be 0 or more"), field="offset")
    return queryset.count(), list(queryset[offset : offset + limit])


def _page_body(count: int, items: list, limit: int, offset: int) -> dict:
    following = offset + limit
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next_offset": following if following < count else None,
        "items": items,
    }


def _registration(request, key: str, action: str = policy.VIEW) -> Registration:
    """The client's county's registration with this id, if the policy lets the client view it
    (404 otherwise: another county's records do not exist here); 403 if it may view but not
    do `action`."""
    user = request.auth.user
    registration = (
        Registration.objects.select_related("person", "unit")
        .filter(county_id=request.auth.county_id, key=key)
        .first()
    )
    if registration is None or not policy.can(user, policy.VIEW, registration):
        raise Http404
    if action != policy.VIEW:
        policy.require(user, action, registration)
    return registration


def _person(request, key: str) -> Person:
    person = Person.objects.filter(county_id=request.auth.county_id, key=key).first()
    if person is None or not policy.can(request.auth.user, policy.VIEW, person):
        raise Http404
    return person


def _request_hash(request) -> str:
    """The method, path and JSON body (key order and spacing aside: the same body is the same
    request). The body has already parsed as JSON when a create gets here."""
    body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _idempotent_create(request, make, status: int = 201):
    """Run `make()` (which writes through a service and returns the reply's body) once per
    `Idempotency-Key`: the same key with the same request returns the stored reply; with a
    different request, 409. Without the header, every call creates."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    client = request.auth
    if not key:
        return Status(status, make())
    if len(key) > 200:
        raise ApiError(422, _("at most 200 characters"), field=IDEMPOTENCY_HEADER)
    digest = _request_hash(request)
    stored = IdempotentReply.objects.filter(client=client, key=key).first()
    if stored is not None:
        if stored.request_hash != digest:
            raise ApiError(
                409,
                _("this Idempotency-Key was used with a different request"),
                field=IDEMPOTENCY_HEADER,
            )
        return Status(stored.status, stored.body)
    try:
        with transaction.atomic():
            body = make()
            # Through JSON, so that the stored reply is exactly what the client received.
            body = json.loads(api.renderer.render(request, body, response_status=status))
            IdempotentReply.objects.create(
                client=client,
                county_id=client.county_id,
                key=key,
                request_hash=digest,
                status=status,
                body=body,
            )
    except IntegrityError:
        # A concurrent request with the same key won: nothing of ours was written.
        raise ApiError(
            409, _("a request with this Idempotency-Key is in progress"), field=IDEMPOTENCY_HEADER
        ) from None
    return Status(status, body)


def _record_on(request, registration_id: str, scope: str, write):
    """A create on a registration: the scope, then the policy's CHANGE, then `write(actor,
    registration)` (a service call returning the reply's body), once per Idempotency-Key."""
    need(request, scope)
    registration = _registration(request, registration_id, policy.CHANGE)
    return _idempotent_create(request, lambda: write(request.auth.user, registration))


# ---------------------------------------------------------------------------------------------
# Output


def person_out(person: Person) -> dict:
    return {
        "id": person.key,
        "fnr": person.fnr,
        "birth_date": person.birth_date,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "municipality": person.municipality,
        "address": person.address,
        "phone": person.phone,
        "email": person.email,
        "preferred_channel": person.preferred_channel,
        "lacks_identity_number": person.lacks_identity_number,
    }


def registration_out(registration: Registration) -> dict:
    return {
        "id": registration.key,
        "person": registration.person.key,
        "school_year": registration.school_year,
        "registered_on": registration.registered_on,
        "reason": registration.reason,
        "reason_code": registration.reason_code,
        "source": registration.source,
        "unit": registration.unit.key if registration.unit_id else None,
        "recorded_at": registration.recorded_at,
        "status_now": getattr(registration, "status_now", None),
        "reason_now": getattr(registration, "reason_now", None),
    }


def _with_reading(queryset):
    today = timezone.localdate()
    return queryset.annotate(status_now=status_in_force(today), reason_now=reason_in_force(today))


def fact_out(fact) -> dict:
    out = {
        "id": fact.key,
        "registration": fact.registration.key,
        "valid_from": fact.valid_from,
        "recorded_at": fact.recorded_at,
    }
    if isinstance(fact, StatusFact):
        out["code"] = fact.code
    else:
        out["reason"] = fact.reason
    return out


def contact_out(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "registration": contact.registration.key,
        "at": contact.at,
        "channel": contact.channel,
        "outcome": contact.outcome,
        "note": contact.note,
        "recorded_at": contact.recorded_at,
    }


def appointment_out(appointment: Appointment) -> dict:
    return {
        "id": appointment.pk,
        "registration": appointment.registration.key,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "mode": appointment.mode,
        "place": appointment.place,
        "note": appointment.note,
        "created_at": appointment.created_at,
        "moved_at": appointment.moved_at,
        "cancelled_at": appointment.cancelled_at,
        "cancel_reason": appointment.cancel_reason,
        "contact": appointment.contact_id,
    }


# ---------------------------------------------------------------------------------------------
# Persons

persons = Router(tags=["persons"])


@persons.get("", response={200: PersonPage, **ERRORS}, summary="List persons")
def person_list(
    request,
    school_year: int | None = SCHOOL_YEAR_FILTER,
    unit: str | None = KEY_FILTER,
    fnr: str | None = KEY_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """The youths the client may see: those with a registration the policy allows, filtered by
    the registration's school year and unit (its id) and by identity number."""
    need(request, scopes.REGISTRY_READ)
    visible = Registration.objects.filter(policy.registrations_q(request.auth.user, policy.VIEW))
    if school_year is not None:
        visible = visible.filter(school_year=school_year)
    if unit is not None:
        visible = visible.filter(unit__key=unit)
    queryset = Person.objects.filter(
        county_id=request.auth.county_id, pk__in=visible.values("person_id")
    ).order_by("family_name", "given_name", "pk")
    if fnr is not None:
        queryset = queryset.filter(fnr=fnr)
    count, items = _page(queryset, limit, offset)
    _listed(request, "persons", [p.key for p in items])
    return _page_body(count, [person_out(p) for p in items], limit, offset)


@persons.post("", response={201: PersonOut, **CREATE_ERRORS}, summary="Create a person")
def person_create(request, payload: PersonIn):
    """Create a youth (people.person.created). The youth is visible to the client, as in the
    web app, once registered (POST /registrations)."""
    need(request, scopes.REGISTRY_WRITE)
    user = request.auth.user
    if policy.scope(user, policy.REGISTER) == policy.NOTHING:
        raise PermissionDenied

    def make():
        person = people.person_create(
            actor=user, county=request.auth.county, **payload.model_dump(exclude_none=True)
        )
        return person_out(person)

    return _idempotent_create(request, make)


@persons.get("/{person_id}", response={200: PersonOut, **ERRORS}, summary="Read a person")
def person_detail(request, person_id: str):
    need(request, scopes.REGISTRY_READ)
    person = _person(request, person_id)
    _viewed(request, person)
    return person_out(person)


# ---------------------------------------------------------------------------------------------
# Registrations and their facts

registrations = Router(tags=["registrations"])


@registrations.get("", response={200: RegistrationPage, **ERRORS}, summary="List registrations")
def registration_list(
    request,
    school_year: int | None = SCHOOL_YEAR_FILTER,
    unit: str | None = KEY_FILTER,
    person: str | None = KEY_FILTER,
    status: str | None = KEY_FILTER,
    reason: str | None = KEY_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """The registrations the client may see, with the status and reason in force today;
    filtered by school year, unit (id), person (id), status code and reason group today."""
    need(request, scopes.REGISTRY_READ)
    queryset = Registration.objects.filter(
        policy.registrations_q(request.auth.user, policy.VIEW)
    ).select_related("person", "unit")
    if school_year is not None:
        queryset = queryset.filter(school_year=school_year)
    if unit is not None:
        queryset = queryset.filter(unit__key=unit)
    if person is not None:
        queryset = queryset.filter(person__key=person)
    queryset = _with_reading(queryset)
    if status is not None:
        queryset = queryset.filter(status_now=status)
    if reason is not None:
        queryset = queryset.filter(reason_now=reason)
    count, items = _page(queryset.order_by("school_year", "registered_on", "pk"), limit, offset)
    _listed(request, "registrations", [r.key for r in items])
    return _page_body(count, [registration_out(r) for r in items], limit, offset)


@registrations.post(
    "", response={201: RegistrationOut, **CREATE_ERRORS}, summary="Register a person"
)
def registration_create(request, payload: RegistrationIn):
    """Register a youth of the county for a school year (registry.registration.created). The
    unit is the given one (its id) or the one responsible for the youth's home municipality."""
    need(request, scopes.REGISTRY_WRITE)
    user, county_id = request.auth.user, request.auth.county_id
    person = Person.objects.filter(county_id=county_id, key=payload.person).first()
    if person is None:
        raise ValidationFailed([Problem("person", _("no person with this id in the county"))])
    if payload.unit:
        unit = Unit.objects.filter(county_id=county_id, key=payload.unit).first()
        if unit is None:
            raise ValidationFailed([Problem("unit", _("no unit with this id in the county"))])
    else:
        mapping = Municipality.objects.filter(
            county_id=county_id, number=person.municipality
        ).first()
        unit = mapping.unit if mapping else None

    def make():
        registration = registry.registration_create(
            actor=user,
            person=person,
            school_year=payload.school_year,
            registered_on=payload.registered_on,
            reason=payload.reason,
            reason_code=payload.reason_code,
            source=payload.source,
            unit=unit,
        )
        return registration_out(_with_reading(Registration.objects).get(pk=registration.pk))

    return _idempotent_create(request, make)


@registrations.get(
    "/{registration_id}",
    response={200: RegistrationOut, **ERRORS},
    summary="Read a registration",
)
def registration_detail(request, registration_id: str):
    need(request, scopes.REGISTRY_READ)
    registration = _registration(request, registration_id)
    _viewed(request, registration.person)
    return registration_out(_with_reading(Registration.objects).get(pk=registration.pk))


def _facts(request, registration_id: str, model, limit: int, offset: int):
    need(request, scopes.REGISTRY_READ)
    registration = _registration(request, registration_id)
    queryset = model.objects.filter(registration=registration).order_by(
        "valid_from", "recorded_at", "pk"
    )
    count, items = _page(queryset.select_related("registration"), limit, offset)
    _viewed(request, registration.person)
    return _page_body(count, [fact_out(f) for f in items], limit, offset)


@registrations.get(
    "/{registration_id}/statuses",
    response={200: StatusFactPage, **ERRORS},
    summary="List a registration's status facts",
)
def status_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    """Every status fact, corrections included (the newer recorded_at wins for its valid_from)."""
    return _facts(request, registration_id, StatusFact, limit, offset)


@registrations.post(
    "/{registration_id}/statuses",
    response={201: StatusFactOut, **CREATE_ERRORS},
    summary="Record a status fact",
)
def status_create(request, registration_id: str, payload: StatusFactIn):
    """The youth's OT status from valid_from on (registry.status.recorded). A correction is a
    new fact with the same valid_from."""
    return _record_on(
        request,
        registration_id,
        scopes.REGISTRY_WRITE,
        lambda actor, registration: fact_out(
            registry.status_record(
                actor=actor,
                registration=registration,
                code=payload.code,
                valid_from=payload.valid_from,
            )
        ),
    )


@registrations.get(
    "/{registration_id}/reasons",
    response={200: ReasonFactPage, **ERRORS},
    summary="List a registration's reason facts",
)
def reason_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    return _facts(request, registration_id, ReasonFact, limit, offset)


@registrations.post(
    "/{registration_id}/reasons",
    response={201: ReasonFactOut, **CREATE_ERRORS},
    summary="Record a reason fact",
)
def reason_create(request, registration_id: str, payload: ReasonFactIn):
    """The registration's reason group from valid_from on (registry.reason.recorded)."""
    return _record_on(
        request,
        registration_id,
        scopes.REGISTRY_WRITE,
        lambda actor, registration: fact_out(
            registry.reason_record(
                actor=actor,
                registration=registration,
                reason=payload.reason,
                valid_from=payload.valid_from,
            )
        ),
    )


@registrations.get(
    "/{registration_id}/contacts",
    response={200: ContactPage, **ERRORS},
    summary="List a registration's contacts",
)
def contact_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    need(request, scopes.CONTACTS_READ)
    registration = _registration(request, registration_id)
    queryset = Contact.objects.filter(registration=registration).select_related("registration")
    count, items = _page(queryset.order_by("at", "pk"), limit, offset)
    _viewed(request, registration.person)
    return _page_body(count, [contact_out(c) for c in items], limit, offset)


@registrations.post(
    "/{registration_id}/contacts",
    response={201: ContactOut, **CREATE_ERRORS},
    summary="Record a contact",
)
def contact_create(request, registration_id: str, payload: ContactIn):
    """A contact attempt or conversation (casework.contact.recorded)."""
    return _record_on(
        request,
        registration_id,
        scopes.CONTACTS_WRITE,
        lambda actor, registration: contact_out(
            casework.contact_record(
                actor=actor,
                registration=registration,
                at=payload.at,
                channel=payload.channel,
                outcome=payload.outcome,
                note=payload.note,
            )
        ),
    )


@registrations.get(
    "/{registration_id}/appointments",
    response={200: AppointmentPage, **ERRORS},
    summary="List a registration's appointments",
)
def appointment_list(request, registration_id: str, limit: int = LIMIT, offset: int = OFFSET):
    """Every appointment, cancelled ones too, in time order."""
    need(request, scopes.APPOINTMENTS_READ)
    registration = _registration(request, registration_id)
    queryset = Appointment.objects.filter(registration=registration).select_related("registration")
    count, items = _page(queryset.order_by("starts_at", "pk"), limit, offset)
    _viewed(request, registration.person)
    return _page_body(count, [appointment_out(a) for a in items], limit, offset)


@registrations.post(
    "/{registration_id}/appointments",
    response={201: AppointmentOut, **CREATE_ERRORS},
    summary="Book an appointment",
)
def appointment_create(request, registration_id: str, payload: AppointmentIn):
    """An appointment with the youth, with the registration's advisor
    (casework.appointment.booked). The youth sees it on Min side."""
    return _record_on(
        request,
        registration_id,
        scopes.APPOINTMENTS_WRITE,
        lambda actor, registration: appointment_out(
            casework.appointment_book(
                actor=actor,
                registration=registration,
                starts_at=payload.starts_at,
                duration_minutes=payload.duration_minutes,
                mode=payload.mode,
                place=payload.place,
                note=payload.note,
            )
        ),
    )


@registrations.put(
    "/{registration_id}/appointments/{appointment_id}/cancel",
    response={200: AppointmentOut, **ERRORS},
    summary="Cancel an appointment",
)
def appointment_cancel(
    request, registration_id: str, appointment_id: int, payload: AppointmentCancelIn
):
    """Cancel with a reason (casework.appointment.cancelled). Cancelling again with the same
    reason (a retry) answers the appointment as it is and writes nothing; cancelling a cancelled
    appointment with another reason, or a held one, is 422."""
    need(request, scopes.APPOINTMENTS_WRITE)
    registration = _registration(request, registration_id, policy.CHANGE)
    appointment = (
        Appointment.objects.filter(registration=registration, pk=appointment_id)
        .select_related("registration")
        .first()
    )
    if appointment is None:
        raise Http404
    if appointment.cancelled_at is not None and appointment.cancel_reason == payload.reason.strip():
        return appointment_out(appointment)
    return appointment_out(
        casework.appointment_cancel(
            actor=request.auth.user, appointment=appointment, reason=payload.reason
        )
    )


# ---------------------------------------------------------------------------------------------
# Statistics

statistics = Router(tags=["statistics"])
DATE_PARAMETER = Query(None, description="one date in the school year; default: its counting dates")
KNOWN_AT_PARAMETER = Query(
    None, description="count only what was recorded by this instant (ISO 8601 with UTC offset)"
)


@statistics.get("", response={200: StatisticsOut, **ERRORS}, summary="Table 1 and Table 2")
def statistics_read(
    request,
    school_year: int = SCHOOL_YEAR,
    date: date | None = DATE_PARAMETER,
    known_at: datetime | None = KNOWN_AT_PARAMETER,
    suppress: bool = False,
    unit: str | None = KEY_FILTER,
):
    """Exactly the JSON of `veiviser stats --format json` (EXCHANGE.md §3), computed by the
    same function; with `unit` (its id), that unit's numbers."""
    need(request, scopes.STATISTICS_READ)
    user, county = request.auth.user, request.auth.county
    allowed = policy.statistics_units(user)
    if policy.scope(user, policy.STATISTICS) == policy.NOTHING:
        raise PermissionDenied
    unit_id = None
    if unit is not None:
        chosen = allowed.filter(key=unit).first()
        if chosen is None:
            raise Http404
        unit_id = chosen.pk
    elif policy.scope(user, policy.STATISTICS) != policy.COUNTY:
        unit_id = user.unit_id  # a unit's client: its own unit, as on the statistics page
    if known_at is not None and (known_at.tzinfo is None or not 1900 <= known_at.year <= 2100):
        raise ApiError(422, _("an instant with a UTC offset"), field="known_at")
    if not 1900 <= school_year <= 2200:
        raise ApiError(422, _("not a school year"), field="school_year")
    try:
        document = statistics_document(
            kodeverk(),
            county=county.number,
            school_year=school_year,
            on=date,
            known_at=known_at,
            known_at_text=known_at.isoformat() if known_at else None,
            unit_id=unit_id,
        )
    except (DateOutsideSchoolYear, LookupError) as exc:
        raise ApiError(422, str(exc), field="date" if date else "school_year") from None
    if suppress:
        document = suppress_document(document, county.suppression_threshold)
    return document


api.add_router("/persons", persons)
api.add_router("/registrations", registrations)
api.add_router("/statistics", statistics)

# The endpoints of measures, exams, preventive work and projects add their routers to `api`.
from veiviser.api import programmes  # noqa: E402, F401
