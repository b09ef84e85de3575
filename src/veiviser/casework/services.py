"""Writes of the advisor's work. Each is one transaction and one audit event."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.casework.models import (
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
