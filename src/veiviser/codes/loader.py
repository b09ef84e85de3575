"""Load the kodeverk data file into the database.

`sync(get_model, data)` is written against a model getter so the same code runs in the data
migration (historical models) and in `veiviser loadcodes` (current models). It is idempotent:
rows are matched on their natural keys and updated in place; nothing is deleted, because
registrations in earlier school years keep referring to retired codes (set `valid_to` instead).
"""

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "kodeverk.json"


def read(path: Path = DATA_FILE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def sync(get_model: Callable[[str], Any], data: dict[str, Any]) -> dict[str, int]:
    MainGroup = get_model("MainGroup")
    StatusCode = get_model("StatusCode")
    ReasonGroup = get_model("ReasonGroup")
    ReasonCode = get_model("ReasonCode")
    AgeLimit = get_model("AgeLimit")
    CountingDate = get_model("CountingDate")

    groups = {}
    for row in data["main_groups"]:
        groups[row["number"]], _ = MainGroup.objects.update_or_create(
            number=row["number"],
            defaults={"name": row["name"], "in_target_group": row["in_target_group"]},
        )
    for row in data["status_codes"]:
        StatusCode.objects.update_or_create(
            code=row["code"],
            valid_from=row["valid_from"],
            defaults={
                "main_group": groups[row["main_group"]],
                "name": row["name"],
                "via": row.get("via", False),
                "twin_of": row.get("twin_of", ""),
                "valid_to": row.get("valid_to"),
            },
        )
    reasons = {}
    for row in data["reason_groups"]:
        reasons[row["key"]], _ = ReasonGroup.objects.update_or_create(
            key=row["key"], defaults={"name": row["name"], "order": row["order"]}
        )
    for row in data["reason_codes"]:
        ReasonCode.objects.update_or_create(
            code=row["code"],
            valid_from=row["valid_from"],
            defaults={
                "reason_group": reasons[row["reason"]],
                "name": row["name"],
                "valid_to": row.get("valid_to"),
            },
        )
    for row in data["age_limits"]:
        AgeLimit.objects.update_or_create(
            valid_from=row["valid_from"],
            defaults={
                "min_age": row["min_age"],
                "max_age": row["max_age"],
                "source": row.get("source", ""),
            },
        )
    for row in data["counting_dates"]:
        for ordinal, when in enumerate(row["dates"], start=1):
            CountingDate.objects.update_or_create(
                valid_from=row["valid_from"],
                ordinal=ordinal,
                defaults={
                    "month": when["month"],
                    "day": when["day"],
                    "valid_to": row.get("valid_to"),
                },
            )
    try:  # absent in the historical models of migration 0002, which runs before 0003
        Version = get_model("KodeverkVersion")
    except LookupError:
        Version = None
    if Version is not None:  # every process's cached snapshot is read again (selectors)
        Version.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
    return {
        "main_groups": len(data["main_groups"]),
        "status_codes": len(data["status_codes"]),
        "reason_groups": len(data["reason_groups"]),
        "reason_codes": len(data["reason_codes"]),
        "age_limits": len(data["age_limits"]),
        "counting_dates": sum(len(r["dates"]) for r in data["counting_dates"]),
    }
