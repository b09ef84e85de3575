"""Writes of the advisor's work. Each is one transaction and one audit event."""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.casework.models import (
    MODE_CHANNEL,
    Appointment,
    AppointmentMode,
    Channel,
    Consent,
    Contact,
    Note,
    Outcome,
    Partner,
    PartnerKind,
    Plan,
    WorkingList,
)
from veiviser.people.rules import is_minor
from veiviser.problems import Problem, require_none
from veiviser.registry.models import Registration


def contact_record(
    *,
    actor,
    registration: Registration,
    at: datetime,
    channel: str,
    outcome: str,
    note: str = "",
) -> Contact:
    """Record a contact attempt or conversation. Whether it establishes contact (and so ends
    OTUK) follows `casework.models.establishes_contact`; the status change itself is the
    advisor's decision, recorded with `registry.services.status_record`."""
    policy.require(actor, policy.CHANGE, registration)
    problems = []
    if channel not in Channel.values:
        problems.append(
            Problem(
                "channel",
                _("%(channel)s is not a contact channel") % {"channel": repr(channel)},
            )
        )
    if outcome not in Outcome.values:
        problems.append(
            Problem("outcome", _("%(outcome)s is not an outcome") % {"outcome": repr(outcome)})
        )
    require_none(problems)
    with transaction.atomic():
        contact = Contact.objects.create(
            county_id=registration.county_id,
            registration=registration,
            at=at,
            channel=channel,
            outcome=outcome,
            note=note,
            recorded_by=actor,
        )
        audit.log(
            actor,
            "casework.contact.recorded",
            contact,
            data={"registration": registration.pk, "outcome": outcome},
        )
    return contact


def working_list_save(*, actor, name: str, query: str, shared: bool) -> WorkingList:
    """Save the worklist's current filter under `name` (replacing the actor's list of that
    name). The query string is kept without its page number."""
    from urllib.parse import parse_qsl, urlencode

    name = name.strip()
    if not name:
        require_none([Problem("name", _("a working list needs a name"))])
    query = urlencode([(k, v) for k, v in parse_qsl(query) if k not in ("page", "list")])
    with transaction.atomic():
        working_list, _created = WorkingList.objects.update_or_create(
            owner=actor, name=name, defaults={"query": query, "shared": shared}
        )
        audit.log(actor, "casework.working_list.saved", working_list, county=actor.county.number)
    return working_list


def working_list_delete(*, actor, working_list: WorkingList) -> None:
    if working_list.owner_id != actor.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("only the owner can delete a working list")
    with transaction.atomic():
        audit.log(actor, "casework.working_list.deleted", working_list, county=actor.county.number)
        working_list.delete()


def note_add(*, actor, registration: Registration, text: str, confidential: bool) -> Note:
    """Write a note on the registration; confidential notes need the right to read them."""
    policy.require(actor, policy.CHANGE, registration)
    if confidential:
        policy.require(actor, policy.CONFIDENTIAL, registration)
    if not text.strip():
        require_none([Problem("text", _("the note is empty"))])
    with transaction.atomic():
        note = Note.objects.create(
            county_id=registration.county_id,
            registration=registration,
            text=text.strip(),
            confidential=confidential,
            created_by=actor,
        )
        audit.log(
            actor,
            "casework.note.added",
            note,
            data={"registration": registration.pk, "confidential": confidential},
        )
    return note


def partner_add(*, actor, registration: Registration, kind: str, since, name: str = "") -> Partner:
    """Record that a partner service is involved with the youth."""
    policy.require(actor, policy.CHANGE, registration)
    if kind not in PartnerKind.values:
        require_none(
            [Problem("kind", _("%(kind)s is not a partner service") % {"kind": repr(kind)})]
        )
    with transaction.atomic():
        partner = Partner.objects.create(
            county_id=registration.county_id,
            registration=registration,
            kind=kind,
            name=name.strip(),
            since=since,
            created_by=actor,
        )
        audit.log(actor, "casework.partner.added", partner, data={"kind": kind})
    return partner


def _partner_kind_problems(partner_kind: str) -> list[Problem]:
    if partner_kind in PartnerKind.values:
        return []
    return [
        Problem(
            "partner_kind", _("%(kind)s is not a partner service") % {"kind": repr(partner_kind)}
        )
    ]


def consent_record(
    *,
    actor,
    registration: Registration,
    partner_kind: str,
    given_on,
    written: bool,
    signed_by_guardian: bool,
) -> Consent:
    """Record a consent to share information with a partner. NAV needs a written consent, and
    for a youth under 18 a guardian signs (DOMAIN.md §6.6)."""
    policy.require(actor, policy.CHANGE, registration)
    problems = _partner_kind_problems(partner_kind)
    if partner_kind == PartnerKind.NAV and not written:
        problems.append(Problem("written", _("a consent to share with NAV must be written")))
    if is_minor(registration.person.birth_date, given_on) and not signed_by_guardian:
        problems.append(
            Problem(
                "signed_by_guardian",
                _("the youth is under 18: a guardian must sign the consent"),
            )
        )
    require_none(problems)
    with transaction.atomic():
        consent = Consent.objects.create(
            county_id=registration.county_id,
            registration=registration,
            partner_kind=partner_kind,
            given_on=given_on,
            written=written,
            signed_by_guardian=signed_by_guardian,
            created_by=actor,
        )
        audit.log(actor, "casework.consent.recorded", consent, data={"partner": partner_kind})
    return consent


def consent_withdraw(*, actor, consent: Consent, withdrawn_on) -> Consent:
    policy.require(actor, policy.CHANGE, consent.registration)
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
        audit.log(actor, "casework.consent.withdrawn", consent)
    return consent


def _youth_label(person) -> str:
    return f"youth:{person.key}"


def consent_give_by_youth(*, youth, registration: Registration, partner_kind: str, given_on):
    """The youth gives a consent on "Min side" (logged in with ID-porten, so it counts as
    written). A youth under 18 cannot: a guardian must sign (DOMAIN.md §6.6). The advisor sees
    the consent on the youth's page at once; the audit trail names the youth as the actor."""
    if registration.person_id != youth.pk:
        raise PermissionDenied("a youth gives consents only for themself")
    problems = _partner_kind_problems(partner_kind)
    if is_minor(youth.birth_date, given_on):
        problems.append(
            Problem(
                "partner_kind",
                _("you are under 18: a guardian must sign the consent; ask your advisor"),
            )
        )
    if Consent.objects.filter(
        registration=registration, partner_kind=partner_kind, withdrawn_on__isnull=True
    ).exists():
        problems.append(Problem("partner_kind", _("you have already given this consent")))
    require_none(problems)
    with transaction.atomic():
        consent = Consent.objects.create(
            county_id=registration.county_id,
            registration=registration,
            partner_kind=partner_kind,
            given_on=given_on,
            written=True,
            signed_by_guardian=False,
            created_by=None,
        )
        audit.log(
            None,
            "casework.consent.recorded",
            consent,
            data={"partner": partner_kind, "by": "youth"},
            actor_label=_youth_label(youth),
        )
    return consent


def consent_withdraw_by_youth(*, youth, consent: Consent, withdrawn_on) -> Consent:
    """The youth withdraws one of their own consents on "Min side"; kept with the date."""
    if consent.registration.person_id != youth.pk:
        raise PermissionDenied("a youth withdraws only their own consents")
    if consent.withdrawn_on is not None:
        require_none([Problem("consent", _("the consent is already withdrawn"))])
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
        audit.log(
            None,
            "casework.consent.withdrawn",
            consent,
            data={"by": "youth"},
            actor_label=_youth_label(youth),
        )
    return consent


def plan_save(
    *, actor, registration: Registration, goals: str, steps: str, agreed_on, review_on=None
) -> Plan:
    """Make or revise the youth's plan (clarification, goals, agreed steps; DOMAIN.md §6.5)."""
    policy.require(actor, policy.CHANGE, registration)
    if not goals.strip():
        require_none([Problem("goals", _("the plan needs at least one goal"))])
    if review_on is not None and review_on < agreed_on:
        require_none([Problem("review_on", _("the review date is before the plan was agreed"))])
    with transaction.atomic():
        plan, created = Plan.objects.update_or_create(
            registration=registration,
            defaults={
                "county_id": registration.county_id,
                "goals": goals.strip(),
                "steps": steps.strip(),
                "agreed_on": agreed_on,
                "review_on": review_on,
                "updated_by": actor,
            },
        )
        audit.log(actor, "casework.plan.made" if created else "casework.plan.revised", plan)
    return plan


# Appointments (docs/casework.md, "Appointments"). An appointment is booked for a time to come
# and at most this far ahead: a date further out is almost always a typing error.
APPOINTMENT_MAX_AHEAD = timedelta(days=366)
APPOINTMENT_MINUTES = (5, 480)  # the shortest and the longest appointment
PLACE_MAX_LENGTH = 200
APPOINTMENT_NOTE_MAX_LENGTH = 1000
CANCEL_REASON_MAX_LENGTH = 500
# Who an appointment can be with: the roles that follow up youths (as `web.forms.advisors_of`).
APPOINTMENT_STAFF_ROLES = ("advisor", "unit_coordinator", "project_worker")


def _utc(value: datetime) -> str:
    """An instant as the audit trail keeps it: ISO 8601 in UTC."""
    return value.astimezone(UTC).isoformat()


def _appointment_problems(
    *,
    registration: Registration,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    place: str,
    note: str,
    advisor,
    now: datetime,
) -> list[Problem]:
    problems = []
    if timezone.is_naive(starts_at):
        problems.append(Problem("starts_at", _("give the time with its UTC offset (time zone)")))
    elif starts_at < now:
        problems.append(
            Problem(
                "starts_at",
                _("the time has passed: record what happened as a contact instead"),
            )
        )
    elif starts_at > now + APPOINTMENT_MAX_AHEAD:
        problems.append(Problem("starts_at", _("more than a year ahead: check the date")))
    low, high = APPOINTMENT_MINUTES
    if not isinstance(duration_minutes, int) or not low <= duration_minutes <= high:
        problems.append(
            Problem(
                "duration_minutes",
                _("an appointment lasts from %(low)d to %(high)d minutes")
                % {"low": low, "high": high},
            )
        )
    if mode not in AppointmentMode.values:
        problems.append(
            Problem("mode", _("%(mode)s is not a kind of appointment") % {"mode": repr(mode)})
        )
    elif mode == AppointmentMode.MEETING and not place.strip():
        problems.append(Problem("place", _("a meeting needs a place")))
    if len(place) > PLACE_MAX_LENGTH:
        problems.append(
            Problem("place", _("at most %(max)d characters") % {"max": PLACE_MAX_LENGTH})
        )
    if len(note) > APPOINTMENT_NOTE_MAX_LENGTH:
        problems.append(
            Problem("note", _("at most %(max)d characters") % {"max": APPOINTMENT_NOTE_MAX_LENGTH})
        )
    if advisor is not None and (
        advisor.county_id != registration.county_id
        or not advisor.is_active
        or advisor.role not in APPOINTMENT_STAFF_ROLES
    ):
        problems.append(
            Problem("advisor", _("not a member of the county's staff who follows up youths"))
        )
    return problems


def appointment_book(
    *,
    actor,
    registration: Registration,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    place: str = "",
    note: str = "",
    advisor=None,
) -> Appointment:
    """Book an appointment with the youth for a time to come (at most a year ahead). With whom:
    `advisor`, by default the registration's advisor. A meeting needs a place. The note is the
    youth's to read on "Min side", so it must hold nothing confidential."""
    policy.require(actor, policy.CHANGE, registration)
    if advisor is None:
        advisor = registration.advisor
    place, note = place.strip(), note.strip()
    require_none(
        _appointment_problems(
            registration=registration,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            mode=mode,
            place=place,
            note=note,
            advisor=advisor,
            now=timezone.now(),
        )
    )
    with transaction.atomic():
        appointment = Appointment.objects.create(
            county_id=registration.county_id,
            registration=registration,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=duration_minutes),
            mode=mode,
            place=place,
            advisor=advisor,
            note=note,
            created_by=actor,
        )
        audit.log(
            actor,
            "casework.appointment.booked",
            appointment,
            data={
                "registration": registration.pk,
                "starts_at": _utc(starts_at),
                "mode": mode,
            },
        )
    return appointment


def _require_open(appointment: Appointment) -> list[Problem]:
    if appointment.cancelled_at is not None:
        return [Problem("appointment", _("the appointment is cancelled"))]
    if appointment.contact_id is not None:
        return [Problem("appointment", _("the appointment is already recorded as held"))]
    return []


def appointment_move(
    *,
    actor,
    appointment: Appointment,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    place: str = "",
    note: str = "",
    advisor=None,
) -> Appointment:
    """Move the appointment (its time, length, place or mode) or change its note or advisor.
    Same rules as booking; a cancelled or held appointment cannot be changed. A change of
    time, place or mode is remembered (`moved_at`): appointment letters made before it show the
    old details. Saving it unchanged writes nothing."""
    registration = appointment.registration
    policy.require(actor, policy.CHANGE, registration)
    if advisor is None:
        advisor = appointment.advisor
    place, note = place.strip(), note.strip()
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        require_none(
            _require_open(current)
            or _appointment_problems(
                registration=registration,
                starts_at=starts_at,
                duration_minutes=duration_minutes,
                mode=mode,
                place=place,
                note=note,
                advisor=advisor,
                now=timezone.now(),
            )
        )
        ends_at = starts_at + timedelta(minutes=duration_minutes)
        new = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "mode": mode,
            "place": place,
            "note": note,
            "advisor_id": advisor.pk if advisor else None,
        }
        changed = [name for name, value in new.items() if getattr(current, name) != value]
        if not changed:
            return current
        before = current.starts_at
        for name, value in new.items():
            setattr(current, name, value)
        if {"starts_at", "ends_at", "mode", "place"} & set(changed):
            current.moved_at = timezone.now()
        current.save()
        audit.log(
            actor,
            "casework.appointment.moved",
            current,
            data={
                "registration": registration.pk,
                "from": _utc(before),
                "to": _utc(starts_at),
                "changed": sorted(name.removesuffix("_id") for name in changed),
            },
        )
    return current


def appointment_cancel(*, actor, appointment: Appointment, reason: str) -> Appointment:
    """Cancel the appointment with a reason (kept with it; the youth sees only that it is
    cancelled). It is never deleted: the youth's page and Min side show it as cancelled."""
    policy.require(actor, policy.CHANGE, appointment.registration)
    reason = reason.strip()
    problems = []
    if not reason:
        problems.append(Problem("reason", _("give the reason for cancelling")))
    elif len(reason) > CANCEL_REASON_MAX_LENGTH:
        problems.append(
            Problem("reason", _("at most %(max)d characters") % {"max": CANCEL_REASON_MAX_LENGTH})
        )
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        require_none(_require_open(current) + problems)
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason
        current.cancelled_by = actor
        current.save(update_fields=["cancelled_at", "cancel_reason", "cancelled_by"])
        audit.log(
            actor,
            "casework.appointment.cancelled",
            current,
            data={"registration": current.registration_id},
        )
    return current


def appointment_held(*, actor, appointment: Appointment, outcome: str, note: str = "") -> Contact:
    """Record an appointment that has begun as a contact in one step: at its start, with the
    channel of its mode (`MODE_CHANNEL`), and the outcome (the youth came: contact established;
    or did not come: no contact). The contact is recorded by `contact_record` (its own audit
    event); the appointment keeps the link, so it is recorded once."""
    registration = appointment.registration
    policy.require(actor, policy.CHANGE, registration)
    problems = []
    if outcome not in (Outcome.REACHED, Outcome.NO_ANSWER):
        problems.append(
            Problem("outcome", _("%(outcome)s is not an outcome") % {"outcome": repr(outcome)})
        )
    with transaction.atomic():
        current = Appointment.objects.select_for_update().get(pk=appointment.pk)
        problems = _require_open(current) + problems
        if current.starts_at > timezone.now():
            problems.append(Problem("appointment", _("the appointment has not begun yet")))
        require_none(problems)
        contact = contact_record(
            actor=actor,
            registration=registration,
            at=current.starts_at,
            channel=MODE_CHANNEL[current.mode],
            outcome=outcome,
            note=note,
        )
        current.contact = contact
        current.save(update_fields=["contact"])
        audit.log(
            actor,
            "casework.appointment.held",
            current,
            data={"registration": registration.pk, "contact": contact.pk, "outcome": outcome},
        )
    return contact
