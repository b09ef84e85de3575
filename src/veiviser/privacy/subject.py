"""Everything Veiviser holds about one person, for a data subject access report (innsyn,
GDPR art. 15; docs/privacy.md).

Collected by walking the models rather than by a hand-kept list: every model with a foreign key
to the person, to one of the person's registrations, or (recursively) to a row already
collected is included, so a table added by a later feature is in the report without anyone
remembering to add it. Binary fields (letter PDFs) appear as their size and SHA-256; the audit
trail appears as its own section (who read or changed the records, when and why).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import Q

from veiviser.audit.models import AuditEvent
from veiviser.people.models import Person

# Models that are not the person's data even if they point at it.
SKIP = {"audit.auditevent"}


@dataclass
class Section:
    label: str  # the model's label, e.g. casework.contact
    title: str  # its verbose_name_plural, for people
    rows: list[dict] = field(default_factory=list)


def _value(row: models.Model, f: models.Field):
    value = getattr(row, f.attname)
    if isinstance(f, models.BinaryField):
        data = bytes(value or b"")
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if f.choices and value not in (None, ""):
        display = getattr(row, f"get_{f.name}_display")()
        return value if str(display) == str(value) else {"code": value, "text": str(display)}
    return value


def serialise(row: models.Model) -> dict:
    return {f.name: _value(row, f) for f in row._meta.concrete_fields}


def _children(model_rows: dict[type[models.Model], list[models.Model]]):
    """(model, foreign key, parents) for every model pointing at a model collected so far."""
    for model in apps.get_models():
        if model._meta.label_lower in SKIP:
            continue
        for f in model._meta.concrete_fields:
            if f.is_relation and (f.many_to_one or f.one_to_one):
                target = f.related_model
                if model_rows.get(target):
                    yield model, f, model_rows[target]


@dataclass
class SubjectData:
    sections: list[Section]
    audit: list[dict]


def collect(person: Person) -> SubjectData:
    """The person's data, section by section (the person first, then each table), and the
    audit trail of those rows."""
    found: dict[type[models.Model], list[models.Model]] = {Person: [person]}
    grew = True
    while grew:
        grew = False
        for model, fk, parents in list(_children(found)):
            ids = {p.pk for p in parents}
            rows = [
                r
                for r in model._default_manager.filter(**{f"{fk.name}__in": ids}).order_by("pk")
                if r.pk not in {x.pk for x in found.get(model, [])}
            ]
            if rows:
                found.setdefault(model, []).extend(rows)
                grew = True
    sections = []
    for model, rows in found.items():
        sections.append(
            Section(
                label=model._meta.label_lower,
                title=str(model._meta.verbose_name_plural),
                rows=[serialise(r) for r in sorted(rows, key=lambda r: r.pk)],
            )
        )
    sections.sort(key=lambda s: (s.label != "people.person", s.label))
    return SubjectData(sections=sections, audit=_audit_trail(found))


def _audit_trail(found: dict[type[models.Model], list[models.Model]]) -> list[dict]:
    """Who read or changed the person's records: audit events on any collected row."""
    q = Q(pk__in=[])
    for model, rows in found.items():
        q |= Q(object_type=model._meta.label_lower, object_id__in=[str(r.pk) for r in rows])
    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "reason": e.reason,
        }
        for e in AuditEvent.objects.filter(q).order_by("at", "pk")
    ]
