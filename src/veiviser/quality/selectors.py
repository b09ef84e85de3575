"""Reads for the pre-submission check: the county's settings, the findings at a date and the
trend of their counts across the counting dates (docs/quality.md)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from veiviser import policy
from veiviser.codes.selectors import Kodeverk, school_year_of
from veiviser.duties.models import DEFAULTS as DEADLINE_DEFAULTS
from veiviser.duties.models import DeadlineSettings
from veiviser.organisation.models import County
from veiviser.quality.models import QualitySettings
from veiviser.quality.rules import RULES, Context, Rule
from veiviser.registry.models import StatusFact
from veiviser.statistics.tables import check_in_school_year, registrations_at


def settings_for(county: County) -> QualitySettings:
    """The county's saved settings, or an unsaved row with the documented defaults."""
    return QualitySettings.objects.filter(county=county).first() or QualitySettings(county=county)


def context_for(kv: Kodeverk, county: County, on: date) -> Context:
    deadlines = DeadlineSettings.objects.filter(county=county).first()
    first_contact_days = (
        deadlines.first_contact_days if deadlines else DEADLINE_DEFAULTS.first_contact_days
    )
    return Context(
        county_id=county.pk,
        school_year=school_year_of(on),
        on=on,
        kv=kv,
        first_contact_days=first_contact_days,
        stale_months=settings_for(county).stale_months,
    )


def checked_rows(ctx: Context, county: County, *, user=None, unit_id: int | None = None):
    """The registrations counted at the date (as known now), read as the statistics read them
    (`registrations_at`), with `status_since`: the valid_from of the status in force (the
    registration date when none is recorded). Limited to the user's STATISTICS scope."""
    since = (
        StatusFact.objects.filter(registration=OuterRef("pk"), valid_from__lte=ctx.on)
        .order_by("-valid_from", "-recorded_at")
        .values("valid_from")[:1]
    )
    rows = registrations_at(
        county=county.number, school_year=ctx.school_year, on=ctx.on, unit_id=unit_id
    ).annotate(status_since=Coalesce(Subquery(since), F("registered_on")))
    if user is not None:
        rows = rows.filter(policy.registrations_q(user, policy.STATISTICS))
    return rows


@dataclass
class Finding:
    registration_id: int
    registration_key: str
    person_id: int
    name: str
    unit: str
    status: str
    status_since: date
    registered_on: date


@dataclass
class RuleResult:
    rule: Rule
    findings: list[Finding] = field(default_factory=list)


def run_check(
    kv: Kodeverk, *, county: County, on: date, user=None, unit_id: int | None = None
) -> list[RuleResult]:
    """Every rule's findings at `on` (which must lie in a school year with a kodeverk), in the
    order of `RULES`, each list ordered by unit, name and registration."""
    check_in_school_year(school_year_of(on), on)
    ctx = context_for(kv, county, on)
    rows = checked_rows(ctx, county, user=user, unit_id=unit_id)
    results = []
    for rule in RULES:
        flagged = rule.check(rows, ctx).values(
            "pk",
            "key",
            "person_id",
            "person__given_name",
            "person__family_name",
            "unit__name",
            "status_now",
            "status_since",
            "registered_on",
        )
        findings = [
            Finding(
                registration_id=row["pk"],
                registration_key=row["key"],
                person_id=row["person_id"],
                name=f"{row['person__given_name']} {row['person__family_name']}",
                unit=row["unit__name"] or "",
                status=row["status_now"],
                status_since=row["status_since"],
                registered_on=row["registered_on"],
            )
            for row in flagged
        ]
        findings.sort(key=lambda f: (f.unit, f.name, f.registration_key))
        results.append(RuleResult(rule=rule, findings=findings))
    return results


NO_UNIT = ""


def trend(
    kv: Kodeverk, *, county: County, dates: list[date], user=None
) -> dict[date, dict[str, dict[str, int]]]:
    """Counts per rule per unit name (NO_UNIT for registrations without one) at each date:
    `{date: {rule key: {unit name: count}}}`. One grouped query per rule and date."""
    from django.db.models import Count

    out: dict[date, dict[str, dict[str, int]]] = {}
    for on in dates:
        ctx = context_for(kv, county, on)
        rows = checked_rows(ctx, county, user=user)
        per_rule: dict[str, dict[str, int]] = {}
        for rule in RULES:
            counts: dict[str, int] = defaultdict(int)
            grouped = (
                rule.check(rows, ctx)
                .order_by()
                .values("unit__name")
                .annotate(n=Count("pk", distinct=True))
            )
            for row in grouped:
                counts[row["unit__name"] or NO_UNIT] += row["n"]
            per_rule[rule.key] = dict(counts)
        out[on] = per_rule
    return out
