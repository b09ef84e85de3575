"""The plan of an intake file: for every row, what applying it will do and why.

A row will **create** (a new registration for the school year, and the person if the identity
number is new), **update** (the youth is registered that school year already, and the file gives
another reason group, name or home municipality), be **unchanged** (the database already says
what the row says), or is **rejected** with every problem found (row, column, why). The same
function plans the preview and, again, the confirmation: the confirmation applies the plan only
if planning it again against the database gives the same actions (nothing changed in between).
"""

import re
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.codes.selectors import Kodeverk, school_year_of
from veiviser.intake.csvfile import RawFile
from veiviser.intake.models import FIELDS, REQUIRED_FIELDS, Action, ColumnMapping
from veiviser.organisation.models import Municipality, Unit
from veiviser.people import identity
from veiviser.people.models import Person
from veiviser.people.rules import check_person
from veiviser.registry import checks
from veiviser.registry.models import ReasonFact, Registration

PERSON_FIELDS = ("given_name", "family_name", "municipality")
DATE_FORMATS = (
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
)
SCHOOL_YEAR = re.compile(r"^(?P<start>\d{4})(?:\s*[/-]\s*(?P<end>\d{2}|\d{4}))?$")


def parse_date(text: str) -> date:
    for pattern in DATE_FORMATS:
        match = pattern.match(text)
        if match:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
    raise ValueError


def parse_school_year(text: str) -> int:
    match = SCHOOL_YEAR.match(text)
    if not match:
        raise ValueError
    start = int(match["start"])
    end = match["end"]
    if end is not None and int(end) % 100 != (start + 1) % 100:
        raise ValueError
    return start


def column_indexes(mapping: ColumnMapping, header: list[str]) -> tuple[dict, list[tuple]]:
    """Field → column index, and the header's problems (a required column missing)."""
    lowered = [h.lower() for h in header]
    indexes, problems = {}, []
    for field in FIELDS:
        name = mapping.columns.get(field, "")
        if name and name.lower() in lowered:
            indexes[field] = lowered.index(name.lower())
        elif field in REQUIRED_FIELDS:
            problems.append(
                (
                    name or field,
                    _("the column is missing from the header (field %(field)s)") % {"field": field},
                )
            )
    return indexes, problems


def _parse_row(kv: Kodeverk, mapping: ColumnMapping, indexes: dict, cells: list[str]):
    """The row's values (normalised) and its problems as (field, why)."""
    raw = {f: (cells[i] if i < len(cells) else "") for f, i in indexes.items()}
    data: dict = {}
    problems: list[tuple[str, str]] = []
    for field in REQUIRED_FIELDS:
        if not raw.get(field):
            problems.append((field, _("is empty")))
    fnr = re.sub(r"\s", "", raw.get("fnr", ""))
    ident = None
    if fnr:
        try:
            ident = identity.parse(fnr, allow_synthetic=settings.ALLOW_SYNTHETIC_FNR)
        except identity.IdentityError as exc:
            problems.append(("fnr", f"{fnr} {exc}"))
    data["fnr"] = fnr
    data["given_name"] = raw.get("given_name", "")
    data["family_name"] = raw.get("family_name", "")
    birth = None
    if raw.get("birth_date"):
        try:
            birth = parse_date(raw["birth_date"])
        except ValueError:
            problems.append(
                ("birth_date", _("%(value)s is not a date") % {"value": repr(raw["birth_date"])})
            )
    elif ident is not None:
        birth = ident.birth_date
    if birth is not None and ident is not None:
        problems += [(p.field, p.reason) for p in check_person(fnr=fnr, birth_date=birth)]
    data["birth_date"] = birth.isoformat() if birth else ""
    municipality = raw.get("municipality", "")
    if municipality and not re.fullmatch(r"\d{4}", municipality):
        problems.append(
            (
                "municipality",
                _("%(value)s is not a four-digit municipality number") % {"value": municipality},
            )
        )
    data["municipality"] = municipality
    registered_on = None
    if raw.get("registered_on"):
        try:
            registered_on = parse_date(raw["registered_on"])
        except ValueError:
            problems.append(
                (
                    "registered_on",
                    _("%(value)s is not a date") % {"value": repr(raw["registered_on"])},
                )
            )
    data["registered_on"] = registered_on.isoformat() if registered_on else ""
    school_year = None
    if raw.get("school_year"):
        try:
            school_year = parse_school_year(raw["school_year"])
        except ValueError:
            problems.append(
                (
                    "school_year",
                    _("%(value)s is not a school year such as 2024/25")
                    % {"value": repr(raw["school_year"])},
                )
            )
    elif registered_on is not None:
        school_year = school_year_of(registered_on)
    data["school_year"] = school_year
    value = raw.get("reason", "")
    value = mapping.reason_values.get(value, value)
    reason, code = "", ""
    if value in kv.reason_groups:
        reason = value
    elif value and school_year is not None:
        group = kv.reason_group_of_code(value.upper(), school_year)
        if group is None:
            problems.append(
                (
                    "reason",
                    _("%(value)s is neither a reason code of the kodeverk nor a reason group")
                    % {"value": repr(value)},
                )
            )
        else:
            reason, code = group, value.upper()
    data["reason"], data["reason_code"] = reason, code
    if reason and registered_on and school_year is not None:
        problems += [
            (p.field, p.reason)
            for p in checks.check_registration(
                kv,
                school_year=school_year,
                registered_on=registered_on,
                reason=reason,
                reason_code=code,
            )
        ]
    data["unit"] = raw.get("unit", "")
    return data, problems


def plan(*, actor, county, mapping: ColumnMapping, kv: Kodeverk, raw: RawFile, unit=None):
    """The plan of every row of `raw` for `county` (see the module docstring). With `unit` (a
    unit coordinator's run) rows of other units are rejected. Returns (plan, header problems);
    with header problems there are no rows."""
    indexes, header_problems = column_indexes(mapping, raw.header)
    if header_problems:
        return [], header_problems
    parsed = [(number, *_parse_row(kv, mapping, indexes, cells)) for number, cells in raw.rows]
    return plan_parsed(actor=actor, county=county, kv=kv, rows=parsed, unit=unit), []


def _column(mapping: ColumnMapping, field: str) -> str:
    return mapping.columns.get(field) or field


def plan_parsed(*, actor, county, kv: Kodeverk, rows, unit=None, mapping=None) -> list[dict]:
    """Plan rows already parsed: [(row number, data, problems)]. Queries the database in bulk
    (persons, registrations and reasons of the file's identity numbers), not per row."""
    mapping = mapping or ColumnMapping(county=county)
    fnrs = {data["fnr"] for _n, data, problems in rows if data["fnr"]}
    persons = {p.fnr: p for p in Person.objects.filter(county=county, fnr__in=fnrs)}
    registrations = {
        (r.person_id, r.school_year): r
        for r in Registration.objects.filter(county=county, person__in=persons.values())
    }
    current_reason = {r.pk: r.reason for r in registrations.values()}
    for fact in ReasonFact.objects.filter(registration__in=registrations.values()).order_by(
        "valid_from", "recorded_at"
    ):
        current_reason[fact.registration_id] = fact.reason
    municipalities = {
        m.number: m.unit for m in Municipality.objects.filter(county=county).select_related("unit")
    }
    units = list(Unit.objects.filter(county=county))
    # Name and birth date of everyone born on the file's birth dates: the likely duplicates.
    # Compared in Python: SQLite's lower() folds ASCII only (Ø, Å stay upper case).
    alike = {
        (given.casefold(), family.casefold(), born)
        for given, family, born in Person.objects.filter(
            county=county, birth_date__in={d["birth_date"] for _n, d, _p in rows if d["birth_date"]}
        ).values_list("given_name", "family_name", "birth_date")
    }
    seen: dict[tuple, int] = {}
    result = []
    for number, data, problems in rows:
        problems = list(problems)
        target = None
        if data["unit"]:
            wanted = data["unit"].lower()
            target = next(
                (u for u in units if u.key.lower() == wanted or u.name.lower() == wanted), None
            )
            if target is None:
                problems.append(
                    ("unit", _("%(value)s is not a unit of the county") % {"value": data["unit"]})
                )
        elif data["municipality"]:
            if data["municipality"] not in municipalities:
                problems.append(("municipality", _("not a municipality of the county")))
            else:
                target = municipalities[data["municipality"]]
                if target is None:
                    problems.append(
                        ("municipality", _("no unit is responsible for this municipality"))
                    )
        if target is not None and (
            not policy.can(actor, policy.REGISTER, target) or (unit and target.pk != unit.pk)
        ):
            problems.append(("unit", _("%(unit)s is outside your unit") % {"unit": target.name}))
        data = {**data, "unit_id": target.pk if target else None}
        key = (data["fnr"], data["school_year"])
        if not problems and key in seen:
            problems.append(
                (
                    "fnr",
                    _("the same youth and school year as row %(row)s") % {"row": seen[key]},
                )
            )
        action, changes, registration_id = Action.REJECTED, [], None
        if not problems:
            seen[key] = number
            person = persons.get(data["fnr"])
            if person is not None and person.birth_date.isoformat() != data["birth_date"]:
                problems.append(
                    ("birth_date", _("does not agree with the registered youth with this number"))
                )
            elif person is None:
                likely = (
                    data["given_name"].casefold(),
                    data["family_name"].casefold(),
                    date.fromisoformat(data["birth_date"]),
                )
                if likely in alike:
                    problems.append(
                        (
                            "fnr",
                            _(
                                "a youth with the same name and birth date but another or no "
                                "identity number is registered: check by hand"
                            ),
                        )
                    )
                else:
                    action = Action.CREATE
            if person is not None and not problems:
                changes = [f for f in PERSON_FIELDS if getattr(person, f) != data[f]]
                registration = registrations.get((person.pk, data["school_year"]))
                if registration is None:
                    action = Action.CREATE
                else:
                    registration_id = registration.pk
                    if current_reason[registration.pk] != data["reason"]:
                        changes.append("reason")
                    action = Action.UPDATE if changes else Action.UNCHANGED
                if changes and not policy.can(actor, policy.CHANGE, person):
                    problems.append(("fnr", _("you may not change this youth's records")))
        if problems:
            action, changes = Action.REJECTED, []
        result.append(
            {
                "row": number,
                "action": str(action),
                "changes": changes,
                "registration": registration_id,
                "data": data,
                "problems": [
                    {"field": f, "column": _column(mapping, f), "reason": why}
                    for f, why in problems
                ],
            }
        )
    return result


def counts(rows: list[dict]) -> dict:
    result = {str(a): 0 for a in Action}
    for row in rows:
        result[row["action"]] += 1
    return result


def signature(rows: list[dict]) -> list:
    """What the confirmation must find again: each row's action and changes."""
    return [(r["row"], r["action"], r["changes"], r["registration"]) for r in rows]
