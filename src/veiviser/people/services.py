"""Writes to young people and their guardians. Each is one transaction and one audit event."""

import uuid
from datetime import date

from django.db import transaction

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.organisation.models import County
from veiviser.people.models import Guardian, Person
from veiviser.people.rules import check_person
from veiviser.problems import require_none

PERSON_FIELDS = (
    "fnr",
    "birth_date",
    "given_name",
    "family_name",
    "municipality",
    "address",
    "phone",
    "email",
    "preferred_channel",
)


def new_key() -> str:
    return f"vv-{uuid.uuid4().hex}"


def person_create(
    *,
    actor,
    county: County,
    birth_date: date,
    given_name: str,
    family_name: str,
    fnr: str | None = None,
    key: str | None = None,
    **contact,
) -> Person:
    """Register a young person. A missing identity number is allowed and flagged; a number
    must be valid and agree with the birth date (DOMAIN.md §2)."""
    fnr = fnr or None
    require_none(check_person(fnr=fnr, birth_date=birth_date))
    with transaction.atomic():
        person = Person(
            county=county,
            key=key or new_key(),
            fnr=fnr,
            birth_date=birth_date,
            given_name=given_name,
            family_name=family_name,
            **contact,
        )
        person.full_clean()
        person.save()
        audit.log(actor, "people.person.created", person, county=county.number)
    return person


def person_update(*, actor, person: Person, **changes) -> list[str]:
    """Change a person's data; returns the names of the fields that changed (none: no write)."""
    policy.require(actor, policy.CHANGE, person)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update got unknown fields: {sorted(unknown)}")
    if "fnr" in changes:
        changes["fnr"] = changes["fnr"] or None
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    if not changed:
        return []
    require_none(
        check_person(
            fnr=changes.get("fnr", person.fnr),
            birth_date=changes.get("birth_date", person.birth_date),
        )
    )
    with transaction.atomic():
        for name in changed:
            setattr(person, name, changes[name])
        person.full_clean()
        person.save()
        # Field names only: the audit trail must not become a second copy of personal data.
        audit.log(actor, "people.person.updated", person, data={"fields": changed})
    return changed


def guardian_add(*, actor, person: Person, name: str, **contact) -> Guardian:
    """Add a guardian (foresatt) of a youth under 18; they get the same information letter."""
    policy.require(actor, policy.CHANGE, person)
    with transaction.atomic():
        guardian = Guardian(person=person, name=name, **contact)
        guardian.full_clean()
        guardian.save()
        audit.log(actor, "people.guardian.added", person, data={"guardian": guardian.pk})
    return guardian
