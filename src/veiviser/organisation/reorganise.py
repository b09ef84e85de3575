"""County split and merge (DOMAIN.md §1: counties merged in 2020 and split in 2024).

A split moves some of a county's units to another county (new, or existing); a merge moves all
of them. With a unit go its municipalities, its staff, and the youths whose latest
registration is in it, each with the whole history: every registration, fact, contact, note,
letter … of the person, whatever table it lives in. Which rows move is found by following the
foreign keys, not from a list: every row that has a county and refers to a moving row moves,
until nothing more does, so a table added later moves with its youths without anyone listing it.

Nothing a fact says changes, only where it lives. Every registration that moves gets a
`registry.CountyChange`, so the statistics read as known before the move still count it under
the old county: every table and report published before can be produced again unchanged.

`plan` is the preview (what would move, and the problems that forbid it); `apply` does it in
one transaction, audited, and refuses a plan with problems.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser.audit import services as audit
from veiviser.organisation.models import County, Municipality, Unit, User
from veiviser.people.models import Person

# Rows of these models stay with their county: the county's own settings and records.
COUNTY_LEVEL = {"organisation.county"}


@dataclass
class Plan:
    source: County
    target_number: str
    target_name: str
    target: County | None
    units: list[Unit]
    on: date
    moving: dict[type[models.Model], set[int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {m._meta.label_lower: len(ids) for m, ids in self.moving.items() if ids}


def _county_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models()
        if m._meta.label_lower not in COUNTY_LEVEL
        and any(f.name == "county" and f.is_relation for f in m._meta.concrete_fields)
    ]


def _persons_of_units(source: County, units: list[Unit]) -> set[int]:
    """Persons of `source` whose latest registration is in one of `units`; without a
    registration, those whose home municipality is served by one of them."""
    from veiviser.registry.models import Registration

    unit_ids = {u.pk for u in units}
    latest: dict[int, tuple[int, int | None]] = {}
    for person_id, year, unit_id in Registration.objects.filter(county=source).values_list(
        "person_id", "school_year", "unit_id"
    ):
        if person_id not in latest or year > latest[person_id][0]:
            latest[person_id] = (year, unit_id)
    moving = {p for p, (_, unit_id) in latest.items() if unit_id in unit_ids}
    served = set(
        Municipality.objects.filter(county=source, unit__in=units).values_list("number", flat=True)
    )
    unregistered = Person.objects.filter(county=source, municipality__in=served).exclude(
        pk__in=latest.keys()
    )
    return moving | set(unregistered.values_list("pk", flat=True))


def plan(
    *, source: County, target_number: str, target_name: str = "", units: list[Unit], on: date
) -> Plan:
    """What moving `units` from `source` to county `target_number` would do (the preview)."""
    target = County.objects.filter(number=target_number).first()
    result = Plan(source, target_number, target_name, target, units, on)
    if target_number == source.number:
        result.problems.append(_("the target county is the county itself"))
    if target is None and not target_name:
        result.problems.append(_("a new county needs a name"))
    strangers = [u.key for u in units if u.county_id != source.pk]
    if strangers:
        result.problems.append(
            _("units of another county: %(units)s") % {"units": ", ".join(strangers)}
        )
    if not units:
        result.problems.append(_("no units to move"))

    moving: dict[type[models.Model], set[int]] = defaultdict(set)
    moving[Unit] = {u.pk for u in units}
    moving[Municipality] = set(
        Municipality.objects.filter(county=source, unit__in=units).values_list("pk", flat=True)
    )
    moving[User] = set(User.objects.filter(unit__in=units).values_list("pk", flat=True))
    moving[Person] = _persons_of_units(source, units)

    # Every row of the source county that refers to a moving row moves, until none is added.
    grew = True
    while grew:
        grew = False
        for model in _county_models():
            if model in (Unit, Municipality, User, Person):
                continue
            q = models.Q(pk__in=[])
            for f in model._meta.concrete_fields:
                target_model = f.related_model if f.is_relation else None
                if f.name != "county" and target_model in moving and moving[target_model]:
                    q |= models.Q(**{f"{f.name}__in": moving[target_model]})
            found = set(
                model._default_manager.filter(q, county=source).values_list("pk", flat=True)
            )
            if found - moving[model]:
                moving[model] |= found
                grew = True
    result.moving = dict(moving)
    result.problems += _problems(result)
    return result


def _problems(plan: Plan) -> list[str]:
    """Rows that cannot move: a moving youth's registration in a unit that stays, and rows
    whose key (unique within a county) is taken in the target county."""
    from veiviser.registry.models import Registration

    problems = []
    staying = (
        Registration.objects.filter(pk__in=plan.moving.get(Registration, set()))
        .exclude(unit__isnull=True)
        .exclude(unit__in=plan.units)
    )
    for registration in staying.select_related("unit")[:20]:
        problems.append(
            _("registration %(key)s of a moving youth is in unit %(unit)s, which stays")
            % {"key": registration.key, "unit": registration.unit.key}
        )
    if plan.target is None:
        return problems
    for model, ids in plan.moving.items():
        for constraint in model._meta.constraints:
            fields = list(getattr(constraint, "fields", ()))
            if "county" not in fields:
                continue
            others = [f for f in fields if f != "county"]
            condition = getattr(constraint, "condition", None) or models.Q()
            rows = model._default_manager.filter(condition)
            values = rows.filter(pk__in=ids).values_list(*others)
            taken = rows.filter(county=plan.target).values_list(*others)
            clash = sorted(set(values) & set(taken))
            for value in clash[:5]:
                problems.append(
                    _("%(model)s %(value)s already exists in county %(county)s")
                    % {
                        "model": model._meta.label_lower,
                        "value": ", ".join(map(str, value)),
                        "county": plan.target.number,
                    }
                )
    return problems


def apply(*, actor, plan: Plan) -> County:
    """Carry out `plan` in one transaction; refuses a plan with problems."""
    from veiviser.registry.models import CountyChange, ReasonFact, Registration, StatusFact

    if plan.problems:
        raise ValueError("; ".join(plan.problems))
    now = timezone.now()
    with transaction.atomic():
        target = plan.target
        if target is None:
            target = County.objects.create(
                number=plan.target_number,
                name=plan.target_name,
                valid_from=plan.on,
                suppression_threshold=plan.source.suppression_threshold,
            )
        CountyChange.objects.bulk_create(
            CountyChange(
                registration_id=pk, from_county=plan.source, to_county=target, recorded_at=now
            )
            for pk in sorted(plan.moving.get(Registration, set()))
        )
        for model, ids in plan.moving.items():
            rows = model._default_manager.filter(pk__in=ids)
            if model in (StatusFact, ReasonFact):
                rows.move_county(target)
            else:
                rows.update(county=target)
        if plan.source.units.count() == 0 and plan.source.valid_to is None:
            County.objects.filter(pk=plan.source.pk).update(valid_to=plan.on)
        audit.log(
            actor,
            "organisation.county.reorganised",
            target,
            data={
                "from": plan.source.number,
                "to": target.number,
                "units": [u.key for u in plan.units],
                "on": plan.on.isoformat(),
                "rows": plan.counts,
            },
        )
    return target
