"""The transfer file, `veiviser-transfer` version 1 (docs/exchange.md, "Transfer between
counties"): what the sending county may give the receiving county when a youth moves (OTFA_IM),
with the youth's consent recorded.

JSON Lines, UTF-8, one record per line, the header first:

- `header`: `format` = "veiviser-transfer", `version` = 1, `transfer` (a unique id), `from_county`,
  `to_county`, `sent_at` (instant), `consent_given_on` (date);
- `person`: `fnr` (or null), `birth_date`, `given_name`, `family_name`;
- `registration`: `id`, `school_year`, `registered_on`, `reason`, `reason_code`, `source`, `unit`
  (the unit's name), `recorded_at`;
- `reason` / `status`: `registration`, `reason` / `code`, `valid_from`, `recorded_at`;
- `contact`: `unit`, `advisor` (name), `email`: whom the receiving county may ask.

Nothing else leaves the county: no notes, contacts, plans, partners, guardians or addresses.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from veiviser.problems import Problem

FORMAT = "veiviser-transfer"
VERSION = 1
TYPES = ("header", "person", "registration", "reason", "status", "contact")


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def build(records: list[dict]) -> bytes:
    return ("\n".join(_line(r) for r in records) + "\n").encode("utf-8")


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class Parsed:
    header: dict
    person: dict
    registrations: list[dict]
    reasons: list[dict]
    statuses: list[dict]
    contact: dict | None

    def history(self) -> dict:
        """The history as kept by the receiving county and shown on the youth's page."""
        return {
            "person": self.person,
            "registrations": [
                {
                    **registration,
                    "reasons": [r for r in self.reasons if r["registration"] == registration["id"]],
                    "statuses": sorted(
                        (s for s in self.statuses if s["registration"] == registration["id"]),
                        key=lambda s: (s["valid_from"], s["recorded_at"]),
                    ),
                }
                for registration in sorted(self.registrations, key=lambda r: r["registered_on"])
            ],
            "contact": self.contact,
        }

    def latest_reason(self) -> str:
        """The reason group in force at the end of the latest registration sent."""
        latest = max(self.registrations, key=lambda r: (r["school_year"], r["registered_on"]))
        facts = [r for r in self.reasons if r["registration"] == latest["id"]]
        if not facts:
            return latest["reason"]
        return max(facts, key=lambda r: (r["valid_from"], r["recorded_at"]))["reason"]


REQUIRED = {
    "header": ("format", "version", "transfer", "from_county", "to_county", "sent_at"),
    "person": ("birth_date", "given_name", "family_name"),
    "registration": ("id", "school_year", "registered_on", "reason", "recorded_at"),
    "reason": ("registration", "reason", "valid_from", "recorded_at"),
    "status": ("registration", "code", "valid_from", "recorded_at"),
    "contact": ("unit",),
}
DATES = ("birth_date", "registered_on", "valid_from", "consent_given_on")
INSTANTS = ("sent_at", "recorded_at")


def parse(content: bytes) -> tuple[Parsed | None, list[Problem]]:
    """Read and check a transfer file; every problem names the line, the field and why."""
    problems: list[Problem] = []

    def problem(number: int, field: str, reason: str) -> None:
        problems.append(Problem(_("line %(n)s: %(field)s") % {"n": number, "field": field}, reason))

    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(_("file"), _("is not UTF-8 text"))]
    records: dict[str, list[tuple[int, dict]]] = {t: [] for t in TYPES}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            problem(number, _("line"), _("is not a JSON object"))
            continue
        if not isinstance(record, dict) or record.get("type") not in TYPES:
            problem(number, "type", _("must be one of %(types)s") % {"types": ", ".join(TYPES)})
            continue
        kind = record["type"]
        if kind == "header" and number != 1:
            problem(number, "type", _("the header must be the first line"))
        for field in REQUIRED[kind]:
            if record.get(field) in (None, ""):
                problem(number, field, _("is required"))
        for field in DATES:
            if record.get(field):
                try:
                    date.fromisoformat(record[field])
                except (TypeError, ValueError):
                    problem(number, field, _("is not a date YYYY-MM-DD"))
        for field in INSTANTS:
            if record.get(field):
                try:
                    instant = datetime.fromisoformat(record[field])
                except (TypeError, ValueError):
                    instant = None
                if instant is None or instant.tzinfo is None:
                    problem(number, field, _("is not an instant with a UTC offset"))
        records[kind].append((number, record))
    if len(records["header"]) != 1 or (records["header"] and records["header"][0][0] != 1):
        problems.append(Problem(_("line 1"), _("the file must start with one header")))
    else:
        number, header = records["header"][0]
        if header.get("format") != FORMAT:
            problem(number, "format", _("must be %(format)s") % {"format": FORMAT})
        if header.get("version") != VERSION:
            problem(number, "version", _("must be %(version)s") % {"version": VERSION})
    if len(records["person"]) != 1:
        problems.append(Problem("person", _("a transfer holds exactly one person")))
    if not records["registration"]:
        problems.append(Problem("registration", _("a transfer holds at least one registration")))
    ids = {r.get("id") for _n, r in records["registration"]}
    for kind in ("reason", "status"):
        for number, record in records[kind]:
            if record.get("registration") not in ids:
                problem(number, "registration", _("refers to no registration in the file"))
    if problems:
        return None, problems
    return (
        Parsed(
            header=records["header"][0][1],
            person=records["person"][0][1],
            registrations=[r for _n, r in records["registration"]],
            reasons=[r for _n, r in records["reason"]],
            statuses=[r for _n, r in records["status"]],
            contact=records["contact"][0][1] if records["contact"] else None,
        ),
        [],
    )
