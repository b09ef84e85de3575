"""Build small exchange files for tests: a valid base file and ways to break it."""

import json
from datetime import date

from tests.conftest import synthetic_fnr

HEADER = {"type": "header", "format": "veiviser-exchange", "version": 1, "county": "39"}
BIRTH = date(2005, 5, 1)


def base_records() -> list[dict]:
    """One unit, two persons, two registrations with a reason and status history."""
    return [
        dict(HEADER),
        {"type": "unit", "id": "u-tbg", "name": "Tønsberg", "municipalities": ["3905", "3911"]},
        {
            "type": "person",
            "id": "p-1",
            "fnr": synthetic_fnr(BIRTH),
            "birth_date": BIRTH.isoformat(),
            "given_name": "Ola",
            "family_name": "Testesen",
            "municipality": "3905",
        },
        {
            "type": "person",
            "id": "p-2",
            "fnr": None,
            "birth_date": "2007-02-03",
            "given_name": "Kari",
            "family_name": "Prøvesen",
        },
        {
            "type": "registration",
            "id": "r-1",
            "person": "p-1",
            "school_year": 2023,
            "registered_on": "2023-08-20",
            "reason": "not_applied",
            "reason_code": "OSON",
            "unit": "u-tbg",
            "recorded_at": "2023-08-21T09:00:00+02:00",
        },
        {
            "type": "registration",
            "id": "r-2",
            "person": "p-2",
            "school_year": 2023,
            "registered_on": "2024-01-05",
            "reason": "dropped_out",
            "recorded_at": "2024-01-05T12:00:00+01:00",
        },
        {
            "type": "reason",
            "id": "c-1",
            "registration": "r-1",
            "reason": "dropped_out",
            "valid_from": "2024-01-10",
            "recorded_at": "2024-01-11T09:00:00+01:00",
        },
        {
            "type": "status",
            "id": "s-1",
            "registration": "r-1",
            "code": "OTOV",
            "valid_from": "2023-09-01",
            "recorded_at": "2023-09-02T10:00:00+02:00",
        },
        {
            "type": "status",
            "id": "s-2",
            "registration": "r-1",
            "code": "OTEV",
            "valid_from": "2024-02-01",
            "recorded_at": "2024-02-03T10:00:00+01:00",
        },
    ]


def lines(records: list[dict]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) + "\n" for r in records]


def changed(records: list[dict], record_id: str, **changes) -> list[dict]:
    """The records with the record `record_id` changed (a value of None removes a field when
    given as the string "<drop>")."""
    out = []
    for record in records:
        if record.get("id") == record_id:
            record = dict(record)
            for name, value in changes.items():
                if value == "<drop>":
                    record.pop(name, None)
                else:
                    record[name] = value
        out.append(record)
    return out
