"""Record types of version 2 (docs/exchange.md) for casework rows that carry a stable `key`
per county: one declarative `Spec` per type gives its reader, check, write and export.

Casework rows are not bitemporal facts: a record with a known `id` and other content updates
the row (counted as updated; the import is audited as a whole), the same content changes
nothing. References are ids of records of the same file or rows already in the county (or,
for a national table such as subjects, its code). Used by the exams, prevention and projects
apps (`<app>/exchange.py`)."""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from veiviser.codes.selectors import school_year_bounds, school_year_label
from veiviser.exchange import extensions


def choice(values):
    def read(value: Any) -> str:
        if value not in values:
            raise ValueError(
                _("must be one of %(values)s, got %(value)s")
                % {"values": ", ".join(v for v in values if v), "value": json.dumps(value)}
            )
        return value

    return read


def optional_choice(values):
    inner = choice(values)
    return lambda value: "" if value in (None, "") else inner(value)


@dataclass(frozen=True)
class Ref:
    """A field that names another record: its record type and the model to look it up in."""

    field: str
    type: str
    model: Any
    attr: str  # the model's foreign-key attribute (without _id)
    required: bool = True
    lookup: str = "key"  # the referenced model's field holding the id
    scoped: bool = True  # the referenced model is per county


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
    defaults: dict = field(default_factory=dict)  # the value of an absent optional field
    # Record fields (plain or references) unique together per county besides the id.
    unique: tuple[tuple[str, ...], ...] = ()
    # The type's own rules: (ctx, line) → [(field, reason)].
    rules: Callable[[extensions.Context, Any], list[tuple[str, str]]] | None = None
    # Sets attributes that follow from others (e.g. a meeting's registration from its case)
    # on the unsaved or changed objects, just before they are written.
    complete: Callable[[extensions.Context, list], None] | None = None
    # Fields other types' rules read of this type's records (extensions.RecordType.keeps).
    keeps: tuple[str, ...] = ()


def values_of(spec: Spec, line) -> dict:
    return {
        attr: line.values.get(name, spec.defaults.get(name)) for name, attr in spec.fields.items()
    }


def known(ctx: extensions.Context, ref: Ref, key: str) -> bool:
    """Is `key` a record of the file (version 1 or 2) or a row of the county?"""
    if ctx.in_file(ref.type, key):
        return True
    if ref.scoped and ctx.county is None:
        return False
    cache_key = ("known", ref.type)
    found = ctx.cache.get(cache_key)
    if found is None:
        # One query per referenced type and import, not one per line.
        rows = ref.model.objects.all()
        if ref.scoped:
            rows = rows.filter(county=ctx.county)
        found = set(rows.values_list(ref.lookup, flat=True))
        ctx.cache[cache_key] = found
    return key in found


def _ref_keys(spec: Spec, row) -> dict:
    result = {}
    for ref in spec.refs:
        related = getattr(row, ref.attr)
        result[ref.field] = getattr(related, ref.lookup) if related is not None else None
    return result


def _differs(spec: Spec, row, line) -> bool:
    if any(getattr(row, attr) != value for attr, value in values_of(spec, line).items()):
        return True
    refs = _ref_keys(spec, row)
    return any(refs[ref.field] != line.values.get(ref.field) for ref in spec.refs)


def _unique_problems(ctx, spec: Spec, lines: dict) -> None:
    """Each `unique` combination at most once per county: within the file (the values seen in
    the chunks before are kept in ctx.cache), and against rows of the county under another key
    (unless the file gives that row too)."""
    for number, combination in enumerate(spec.unique):
        seen: dict[tuple, int] = ctx.cache.setdefault(("unique", spec.name, number), {})
        in_county = _county_values(ctx, spec, combination)
        for line in lines.values():
            value = tuple(line.values.get(name) for name in combination)
            first = seen.setdefault(value, line.number)
            if first != line.number:
                ctx.error(
                    line.number,
                    combination[0],
                    _("%(fields)s must be unique; the same as on line %(line)s")
                    % {"fields": " + ".join(combination), "line": first},
                )
                continue
            for key in in_county.get(value, ()):
                if ctx.in_file(spec.name, key):
                    continue  # the file gives this row's new content
                ctx.error(
                    line.number,
                    combination[0],
                    _("%(fields)s must be unique; the county already has it under id %(id)s")
                    % {"fields": " + ".join(combination), "id": repr(key)},
                )


def _county_values(ctx, spec: Spec, combination: tuple[str, ...]) -> dict[tuple, list[str]]:
    """The county's rows by their values of `combination` (→ their keys), read once per import."""
    cache_key = ("county-unique", spec.name, combination)
    found = ctx.cache.get(cache_key)
    if found is None:
        found = {}
        if ctx.county is not None:
            refs = {ref.field: ref for ref in spec.refs}
            rows = spec.model.objects.filter(county=ctx.county).select_related(
                *(ref.attr for ref in spec.refs)
            )
            for row in rows.iterator(2000):
                refs_of_row = _ref_keys(spec, row)
                value = tuple(
                    refs_of_row[name] if name in refs else getattr(row, spec.fields[name])
                    for name in combination
                )
                found.setdefault(value, []).append(row.key)
        ctx.cache[cache_key] = found
    return found


def _check(spec: Spec):
    def check(ctx: extensions.Context, lines: dict) -> None:
        plan = ctx.plan.setdefault(spec.name, {"create": [], "update": [], "same": []})
        existing = {}
        if ctx.county is not None and lines:
            rows = spec.model.objects.filter(county=ctx.county, key__in=list(lines))
            existing = {row.key: row for row in rows.select_related(*(r.attr for r in spec.refs))}
        for key, line in lines.items():
            broken = False
            for ref in spec.refs:
                value = line.values.get(ref.field)
                if value is not None and not known(ctx, ref, value):
                    ctx.error(
                        line.number,
                        ref.field,
                        _("%(type)s %(id)s is neither in the file nor in the county")
                        % {"type": ref.type, "id": repr(value)},
                    )
                    broken = True
            starts, ends = line.values.get("starts_on"), line.values.get("ends_on")
            if starts is not None and ends is not None and ends < starts:
                ctx.error(line.number, "ends_on", _("ends before it starts"))
                broken = True
            if not broken and spec.rules is not None:
                for field_name, reason in spec.rules(ctx, line):
                    ctx.error(line.number, field_name, reason)
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
        _unique_problems(ctx, spec, lines)

    return check


def _write(spec: Spec):
    def write(ctx: extensions.Context, lines: dict) -> None:
        plan = ctx.plan.get(spec.name, {})
        keys = plan.get("create", []) + plan.get("update", [])
        if not keys:
            return
        ids = {}
        for ref in spec.refs:
            wanted = {lines[k].values.get(ref.field) for k in keys} - {None}
            rows = ref.model.objects.filter(**{f"{ref.lookup}__in": wanted})
            if ref.scoped:
                rows = rows.filter(county=ctx.county)
            ids[ref.field] = dict(rows.values_list(ref.lookup, "pk"))
        rows = {r.key: r for r in spec.model.objects.filter(county=ctx.county, key__in=keys)}
        new, changed = [], []
        for key in keys:
            line = lines[key]
            values = values_of(spec, line)
            for ref in spec.refs:
                ref_key = line.values.get(ref.field)
                values[f"{ref.attr}_id"] = ids[ref.field][ref_key] if ref_key else None
            row = rows.get(key)
            if row is None:
                new.append(spec.model(county=ctx.county, key=key, **values))
            else:
                for attr, value in values.items():
                    setattr(row, attr, value)
                changed.append(row)
        if spec.complete is not None:
            spec.complete(ctx, new + changed)
        # Rows that trade a unique combination must not meet half-way: those that change
        # are saved one by one before the new ones are added.
        for row in changed:
            row.save()
        spec.model.objects.bulk_create(new, batch_size=1000)

    return write


def exported(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


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
                if name not in spec.required and value in (None, "", []):
                    continue
                record[name] = exported(value)
            yield record

    return export


def register(specs) -> None:
    for spec in specs:
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
                keeps=spec.keeps,
            )
        )


def registration_year(ctx: extensions.Context, key: str) -> int | None:
    """The school year of registration `key`, from the file or the county."""
    kept = ctx.record("registration", key)
    if kept is not None:
        return kept["school_year"]
    years = ctx.cache.get("registration_years")
    if years is None:
        from veiviser.registry.models import Registration

        years = {}
        if ctx.county is not None:
            years = dict(
                Registration.objects.filter(county=ctx.county).values_list("key", "school_year")
            )
        ctx.cache["registration_years"] = years
    return years.get(key)


def in_school_year(field: str, day, year: int | None) -> list[tuple[str, str]]:
    """[(field, reason)] unless `day` lies in school year `year` (1 Aug – 31 Jul); an unknown
    day or year is left to the other checks."""
    if day is None or year is None:
        return []
    start, end = school_year_bounds(year)
    if start <= day <= end:
        return []
    return [
        (
            field,
            _("the date must lie in the school year %(year)s of the registration")
            % {"year": school_year_label(year)},
        )
    ]
