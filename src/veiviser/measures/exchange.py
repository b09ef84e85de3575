"""The measures' record types in version 2 of the exchange format (docs/exchange.md):
`measure`, `enrolment`, `placement`, `follow_up` and `autumn_outcome`, registered with
`exchange.extensions` when the app loads.

They are casework, not bitemporal facts: a record with a known `id` and other content updates
the row (counted as updated; the import is audited as a whole), the same content changes
nothing. References are ids: a unit, registration, measure, enrolment or placement of the same
file or already in the county."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from stdnum.no import orgnr

from veiviser.exchange import keyed
from veiviser.exchange.format import (
    read_date,
    read_id,
    read_int,
    read_optional_date,
    read_optional_id,
    read_optional_text,
    read_text,
)
from veiviser.exchange.keyed import Ref, Spec
from veiviser.exchange.keyed import choice as _choice
from veiviser.exchange.keyed import optional_choice as _optional_choice
from veiviser.measures.models import (
    AutumnOutcome,
    AutumnPlace,
    EndReason,
    Enrolment,
    FollowUp,
    Kind,
    Measure,
    Organiser,
    Party,
    Placement,
    ProposalState,
)
from veiviser.organisation.models import Unit
from veiviser.registry.models import Registration, StatusFact


def _capacity(value: Any) -> int | None:
    if value is None:
        return None
    number = read_int(value)
    if number < 1:
        raise ValueError(_("must be at least 1"))
    return number


def _hours(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(_("must be a number of hours"))
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(_("must be a number of hours")) from None
    if not Decimal(0) < hours <= Decimal(60) or hours != hours.quantize(Decimal("0.1")):
        raise ValueError(_("must be between 0 and 60 hours, at most one decimal"))
    return hours


def _orgnr(value: Any) -> str:
    if not isinstance(value, str) or not orgnr.is_valid(value):
        raise ValueError(_("not a valid organisation number (9 digits, mod 11)"))
    return orgnr.compact(value)


def _name(value: Any) -> str:
    return read_text(value, 200)


DEFAULTS = {"ends_on": None, "capacity": None, "description": "", "end_reason": ""}
DEFAULTS |= {"proposed_status": "", "proposal": "", "contact_person": "", "contact_phone": ""}
DEFAULTS |= {"note": ""}

SPECS = (
    Spec(
        "measure",
        Measure,
        {
            "name": "name",
            "kind": "kind",
            "organiser": "organiser",
            "capacity": "capacity",
            "starts_on": "starts_on",
            "ends_on": "ends_on",
            "description": "description",
        },
        (Ref("unit", "unit", Unit, "unit", required=False),),
        ("id", "name", "kind", "organiser", "starts_on"),
        ("unit", "capacity", "ends_on", "description"),
        {
            "id": read_id,
            "name": _name,
            "kind": _choice(Kind.values),
            "organiser": _choice(Organiser.values),
            "unit": read_optional_id,
            "capacity": _capacity,
            "starts_on": read_date,
            "ends_on": read_optional_date,
            "description": read_optional_text,
        },
        10,
        defaults=DEFAULTS,
    ),
    Spec(
        "enrolment",
        Enrolment,
        {
            "starts_on": "starts_on",
            "ends_on": "ends_on",
            "end_reason": "end_reason",
            "proposed_status": "proposed_status",
            "proposal": "proposal",
        },
        (
            Ref("registration", "registration", Registration, "registration"),
            Ref("measure", "measure", Measure, "measure"),
            Ref("status", "status", StatusFact, "status_fact", required=False),
        ),
        ("id", "registration", "measure", "starts_on"),
        ("ends_on", "end_reason", "proposed_status", "proposal", "status"),
        {
            "id": read_id,
            "registration": read_id,
            "measure": read_id,
            "starts_on": read_date,
            "ends_on": read_optional_date,
            "end_reason": _optional_choice(EndReason.values),
            "proposed_status": read_optional_text,
            "proposal": _optional_choice(ProposalState.values),
            "status": read_optional_id,
        },
        20,
        defaults=DEFAULTS,
    ),
    Spec(
        "placement",
        Placement,
        {
            "employer_orgnr": "employer_orgnr",
            "employer_name": "employer_name",
            "contact_person": "contact_person",
            "contact_phone": "contact_phone",
            "starts_on": "starts_on",
            "ends_on": "ends_on",
            "hours_per_week": "hours_per_week",
        },
        (
            Ref("registration", "registration", Registration, "registration"),
            Ref("enrolment", "enrolment", Enrolment, "enrolment", required=False),
        ),
        ("id", "registration", "employer_orgnr", "employer_name", "starts_on", "hours_per_week"),
        ("enrolment", "contact_person", "contact_phone", "ends_on"),
        {
            "id": read_id,
            "registration": read_id,
            "enrolment": read_optional_id,
            "employer_orgnr": _orgnr,
            "employer_name": _name,
            "contact_person": read_optional_text,
            "contact_phone": read_optional_text,
            "starts_on": read_date,
            "ends_on": read_optional_date,
            "hours_per_week": _hours,
        },
        30,
        defaults=DEFAULTS,
    ),
    Spec(
        "follow_up",
        FollowUp,
        {"on": "on", "party": "party", "note": "note"},
        (Ref("placement", "placement", Placement, "placement"),),
        ("id", "placement", "on", "party"),
        ("note",),
        {
            "id": read_id,
            "placement": read_id,
            "on": read_date,
            "party": _choice(Party.values),
            "note": read_optional_text,
        },
        40,
        defaults=DEFAULTS,
    ),
    Spec(
        "autumn_outcome",
        AutumnOutcome,
        {"place": "place", "observed_on": "observed_on", "note": "note"},
        (Ref("registration", "registration", Registration, "registration"),),
        ("id", "registration", "place", "observed_on"),
        ("note",),
        {
            "id": read_id,
            "registration": read_id,
            "place": _choice(AutumnPlace.values),
            "observed_on": read_date,
            "note": read_optional_text,
        },
        50,
        defaults=DEFAULTS,
        unique=(("registration",),),  # one autumn outcome per registration
    ),
)


def register() -> None:
    keyed.register(SPECS)
