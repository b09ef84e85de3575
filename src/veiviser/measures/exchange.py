"""The measures' record types in version 2 of the exchange format (docs/exchange.md):
`measure`, `enrolment`, `placement`, `follow_up` and `autumn_outcome`, registered with
`exchange.extensions` when the app loads.

They are casework, not bitemporal facts: a record with a known `id` and other content updates
the row (counted as updated; the import is audited as a whole), the same content changes
nothing. References are ids: a unit, registration, measure, enrolment or placement of the same
file or already in the county."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from stdnum.no import orgnr

from veiviser.exchange import extensions
from veiviser.exchange.format import (
    read_date,
    read_id,
    read_int,
    read_optional_date,
    read_optional_id,
    read_optional_text,
    read_text,
)
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


def _choice(values):
    def read(value: Any) -> str:
        if value not in values:
            raise ValueError(
                _("must be one of %(values)s, got %(value)s")
                % {"values": ", ".join(v for v in values if v), "value": json.dumps(value)}
            )
        return value

    return read


def _optional_choice(values):
    inner = _choice(values)
    return lambda value: "" if value in (None, "") else inner(value)


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


@dataclass(frozen=True)
class Ref:
    """A field that names another record: its type and the model to look it up in."""

    field: str
    type: str
    model: Any
    attr: str  # the model's foreign-key attribute (without _id)
    required: bool = True


@dataclass(frozen=True)
class Spec:
    name: str
    model: Any
    fields: dict[str, str]  # record field → model attribute (plain values)
    refs: tuple[Ref, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    readers: dict
    order: int


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
    ),
)
DEFAULTS = {"ends_on": None, "capacity": None, "description": "", "end_reason": ""}
DEFAULTS |= {"proposed_status": "", "proposal": "", "contact_person": "", "contact_phone": ""}
DEFAULTS |= {"note": ""}


def _values(spec: Spec, line) -> dict:
    return {attr: line.values.get(name, DEFAULTS.get(name)) for name, attr in spec.fields.items()}


def _known(ctx: extensions.Context, ref: Ref, key: str) -> bool:
    """Is `key` a record of the file (version 1 or 2) or a row of the county?"""
    in_file = ctx.core.get(ref.type) or ctx.records.get(ref.type) or {}
    if key in in_file:
        return True
    if ctx.county is None:
        return False
    known = ctx.cache.get(ref.type)
    if known is None:
        # One query per referenced type and import, not one per line.
        known = set(ref.model.objects.filter(county=ctx.county).values_list("key", flat=True))
        ctx.cache[ref.type] = known
    return key in known


def _check(spec: Spec):
    def check(ctx: extensions.Context, lines: dict) -> None:
        plan = ctx.plan.setdefault(spec.name, {"create": [], "update": [], "same": []})
        existing = {}
        if ctx.county is not None and lines:
            existing = {
                row.key: row
                for row in spec.model.objects.filter(county=ctx.county, key__in=list(lines))
            }
        for key, line in lines.items():
            broken = False
            for ref in spec.refs:
                value = line.values.get(ref.field)
                if value is None:
                    continue
                if not _known(ctx, ref, value):
                    ctx.error(
                        line.number,
                        ref.field,
                        _("%(type)s %(id)s is neither in the file nor in the county")
                        % {"type": ref.type, "id": repr(value)},
                    )
                    broken = True
            ends_on = line.values.get("ends_on")
            if ends_on is not None and ends_on < line.values["starts_on"]:
                ctx.error(line.number, "ends_on", _("ends before it starts"))
                broken = True
            if spec.name == "autumn_outcome" and ctx.county is not None:
                other = (
                    AutumnOutcome.objects.filter(
                        county=ctx.county, registration__key=line.values["registration"]
                    )
                    .exclude(key=key)
                    .exists()
                )
                if other:
                    ctx.error(
                        line.number,
                        "registration",
                        _("the registration already has an autumn outcome with another id"),
                    )
                    broken = True
            if broken:
                continue
            row = existing.get(key)
            if row is None:
                plan["create"].append(key)
            elif _differs(spec, row, line):
                plan["update"].append(key)
            else:
                plan["same"].append(key)
        if spec.name == "autumn_outcome":
            seen: dict[str, int] = {}
            for line in lines.values():
                registration = line.values["registration"]
                if registration in seen:
                    ctx.error(
                        line.number,
                        "registration",
                        _("a registration has one autumn outcome (also on line %(line)s)")
                        % {"line": seen[registration]},
                    )
                seen[registration] = line.number

    return check


def _ref_keys(spec: Spec, row) -> dict:
    result = {}
    for ref in spec.refs:
        related = getattr(row, ref.attr)
        result[ref.field] = related.key if related is not None else None
    return result


def _differs(spec: Spec, row, line) -> bool:
    values = _values(spec, line)
    if any(getattr(row, attr) != value for attr, value in values.items()):
        return True
    refs = _ref_keys(spec, row)
    return any(refs[ref.field] != line.values.get(ref.field) for ref in spec.refs)


def _write(spec: Spec):
    def write(ctx: extensions.Context, lines: dict) -> None:
        plan = ctx.plan.get(spec.name, {})
        keys = plan.get("create", []) + plan.get("update", [])
        if not keys:
            return
        ids = {}
        for ref in spec.refs:
            wanted = {lines[k].values.get(ref.field) for k in keys} - {None}
            ids[ref.field] = dict(
                ref.model.objects.filter(county=ctx.county, key__in=wanted).values_list("key", "pk")
            )
        rows = {r.key: r for r in spec.model.objects.filter(county=ctx.county, key__in=keys)}
        new = []
        for key in keys:
            line = lines[key]
            values = _values(spec, line)
            for ref in spec.refs:
                ref_key = line.values.get(ref.field)
                values[f"{ref.attr}_id"] = ids[ref.field][ref_key] if ref_key else None
            row = rows.get(key)
            if row is None:
                new.append(spec.model(county=ctx.county, key=key, **values))
            else:
                for attr, value in values.items():
                    setattr(row, attr, value)
                row.save()
        spec.model.objects.bulk_create(new, batch_size=1000)

    return write


def _export(spec: Spec):
    def export(county) -> Iterator[dict]:
        related = [ref.attr for ref in spec.refs]
        rows = spec.model.objects.filter(county=county).select_related(*related).order_by("key")
        for row in rows.iterator(2000):
            record: dict[str, Any] = {"id": row.key}
            refs = _ref_keys(spec, row)
            for ref in spec.refs:
                if refs[ref.field] is not None or ref.required:
                    record[ref.field] = refs[ref.field]
            for name, attr in spec.fields.items():
                value = getattr(row, attr)
                if name not in spec.required and value in (None, ""):
                    continue
                if hasattr(value, "isoformat"):
                    value = value.isoformat()
                elif isinstance(value, Decimal):
                    value = float(value)
                record[name] = value
            yield record

    return export


def register() -> None:
    for spec in SPECS:
        extensions.register(
            extensions.RecordType(
                name=spec.name,
                required=spec.required,
                optional=spec.optional,
                readers=spec.readers,
                check=_check(spec),
                write=_write(spec),
                export=_export(spec),
                order=spec.order,
            )
        )
