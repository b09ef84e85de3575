"""Writes of the advisor's work. Each is one transaction and one audit event."""

from datetime import datetime

from django.db import transaction

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.casework.models import Channel, Contact, Outcome
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
        problems.append(Problem("channel", f"{channel!r} is not a contact channel"))
    if outcome not in Outcome.values:
        problems.append(Problem("outcome", f"{outcome!r} is not an outcome"))
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
