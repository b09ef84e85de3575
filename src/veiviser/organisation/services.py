"""Writes to the organisation: counties, units, the municipality→unit mapping, staff users."""

import json
from functools import cache
from pathlib import Path

from django.db import transaction

from veiviser.audit import services as audit
from veiviser.organisation.models import County, Municipality, Role, Unit, User


@cache
def known_county_names() -> dict[str, str]:
    """County numbers and names of the current classification (data/counties.json)."""
    path = Path(__file__).resolve().parent / "data" / "counties.json"
    with path.open(encoding="utf-8") as fh:
        return {row["number"]: row["name"] for row in json.load(fh)["counties"]}


def county_ensure(*, actor, number: str, name: str = "") -> County:
    """The county with `number`, created if it does not exist yet (named `name`, or as the
    classification names it)."""
    name = name or known_county_names().get(number, f"Fylke {number}")
    with transaction.atomic():
        county, created = County.objects.get_or_create(number=number, defaults={"name": name})
        if created:
            audit.log(actor, "organisation.county.created", county)
    return county


def unit_upsert(
    *, actor, county: County, key: str, name: str, municipalities: list[str]
) -> tuple[Unit, str]:
    """Create or update the unit `key` and make it responsible for `municipalities`.

    Returns the unit and what happened: "created", "updated" or "unchanged". A municipality
    moved here from another unit of the county is moved (responsibility follows the
    municipality); municipalities no longer listed keep their unit until given another.
    """
    with transaction.atomic():
        unit = Unit.objects.filter(county=county, key=key).first()
        if unit is None:
            unit = Unit.objects.create(county=county, key=key, name=name)
            outcome = "created"
        elif unit.name != name:
            unit.name = name
            unit.save(update_fields=["name"])
            outcome = "updated"
        else:
            outcome = "unchanged"
        moved = []
        for number in municipalities:
            municipality, _ = Municipality.objects.get_or_create(county=county, number=number)
            if municipality.unit_id != unit.pk:
                municipality.unit = unit
                municipality.save(update_fields=["unit"])
                moved.append(number)
        if moved and outcome == "unchanged":
            outcome = "updated"
        if outcome != "unchanged":
            audit.log(
                actor,
                f"organisation.unit.{outcome}",
                unit,
                data={"name": name, "municipalities": moved},
            )
    return unit, outcome


def municipality_name(*, actor, county: County, number: str, name: str) -> Municipality:
    with transaction.atomic():
        municipality, _ = Municipality.objects.get_or_create(county=county, number=number)
        if municipality.name != name:
            municipality.name = name
            municipality.save(update_fields=["name"])
            audit.log(actor, "organisation.municipality.named", municipality, county=county.number)
    return municipality


def staff_user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    county: County,
    unit: Unit | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """A staff user with a role; administrators also get the Django admin (is_staff)."""
    if role not in Role.values:
        raise ValueError(f"{role!r} is not a role")
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            county=county,
            unit=unit,
            is_staff=True,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        audit.log(
            actor, "organisation.user.created", user, county=county.number, data={"role": role}
        )
    return user
