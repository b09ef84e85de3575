"""Export a county in the veiviser-exchange format (EXCHANGE.md §4).

Everything the county holds, facts with their original `recorded_at` (as instants, written in
Norwegian local time with its offset). Records are written in a stable order (by type, then id),
so two exports of the same data differ only in the header's `exported_at`.
"""

import json
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from veiviser.exchange import extensions
from veiviser.exchange.extensions import VERSION_2
from veiviser.exchange.format import FORMAT, VERSION
from veiviser.organisation.models import County, Municipality, Unit
from veiviser.people.models import Person
from veiviser.registry.models import ReasonFact, Registration, StatusFact

OSLO = ZoneInfo("Europe/Oslo")


def _instant(value: datetime) -> str:
    return value.astimezone(OSLO).isoformat()


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_lines(
    county: County, *, exported_at: datetime | None = None, version: int = VERSION
) -> Iterator[str]:
    """The county's records; `version=2` adds the record types of `exchange.extensions`."""
    yield from _version_1(county, exported_at=exported_at, version=version)
    if version == VERSION_2:
        for record_type in extensions.ordered():
            for record in record_type.export(county):
                yield _line({"type": record_type.name, **record})


def _version_1(county: County, *, exported_at: datetime | None, version: int) -> Iterator[str]:
    yield _line(
        {
            "type": "header",
            "format": FORMAT,
            "version": version,
            "county": county.number,
            "exported_at": _instant(exported_at or timezone.now()),
        }
    )
    municipalities: dict[int, list[str]] = {}
    for unit_id, number in Municipality.objects.filter(
        county=county, unit__isnull=False
    ).values_list("unit_id", "number"):
        municipalities.setdefault(unit_id, []).append(number)
    for unit in Unit.objects.filter(county=county).order_by("key"):
        yield _line(
            {
                "type": "unit",
                "id": unit.key,
                "name": unit.name,
                "municipalities": sorted(municipalities.get(unit.pk, [])),
            }
        )
    for person in Person.objects.filter(county=county).order_by("key").iterator(2000):
        record = {
            "type": "person",
            "id": person.key,
            "fnr": person.fnr,
            "birth_date": person.birth_date.isoformat(),
            "given_name": person.given_name,
            "family_name": person.family_name,
        }
        if person.municipality:
            record["municipality"] = person.municipality
        yield _line(record)
    registrations = (
        Registration.objects.filter(county=county)
        .order_by("key")
        .values_list(
            "key",
            "person__key",
            "school_year",
            "registered_on",
            "reason",
            "reason_code",
            "unit__key",
            "recorded_at",
        )
    )
    for key, person, year, registered_on, reason, code, unit, recorded_at in registrations.iterator(
        2000
    ):
        record = {
            "type": "registration",
            "id": key,
            "person": person,
            "school_year": year,
            "registered_on": registered_on.isoformat(),
            "reason": reason,
        }
        if code:
            record["reason_code"] = code
        if unit:
            record["unit"] = unit
        record["recorded_at"] = _instant(recorded_at)
        yield _line(record)
    for kind, model, value_field in (
        ("reason", ReasonFact, "reason"),
        ("status", StatusFact, "code"),
    ):
        facts = (
            model.objects.filter(county=county)
            .order_by("key")
            .values_list("key", "registration__key", value_field, "valid_from", "recorded_at")
        )
        for key, registration, value, valid_from, recorded_at in facts.iterator(2000):
            yield _line(
                {
                    "type": kind,
                    "id": key,
                    "registration": registration,
                    value_field: value,
                    "valid_from": _iso(valid_from),
                    "recorded_at": _instant(recorded_at),
                }
            )


def _iso(value: date) -> str:
    return value.isoformat()
