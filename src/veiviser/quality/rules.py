"""The pre-submission check: the rules that find registrations which would make a counting
date's numbers wrong or doubtful (docs/quality.md has every definition).

Each rule is a small function `rule(rows, ctx)` that narrows `rows` (the registrations counted
at the date, as read by `statistics.tables.registrations_at`, with `status_since` added) to the
registrations it flags. Most are one filter in the database; the identity-number rule parses
numbers in Python because the check digits and the century are `people.identity`'s to decide.
A registration may be flagged by several rules; each rule lists it once.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veiviser.casework.models import Contact, Outcome
from veiviser.codes.selectors import Kodeverk
from veiviser.people import identity
from veiviser.people.selectors import likely_duplicates
from veiviser.quality import measures
from veiviser.statistics.tables import cell_q, main_group_codes

# The group-3 codes that mean a measure or placement OT is part of (DOMAIN.md §4): OT's own
# training and work practice (OTOA), NAV's measure (OTAP) and the combined one (OTKO). The
# "via" codes (OTAR, OTEV, OTVF, OTLL) are the youth's own school, work or apprenticeship.
CODES_EXPECTING_A_MEASURE = ("OTOA", "OTAP", "OTKO")


@dataclass(frozen=True)
class Context:
    """What the rules need besides the rows: the county, the date and its kodeverk, and the
    county's deadlines."""

    county_id: int
    school_year: int
    on: date
    kv: Kodeverk
    first_contact_days: int
    stale_months: int


def months_before(on: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is
    shorter: 31 August − 6 months = 28/29 February)."""
    index = on.year * 12 + on.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(on.day, calendar.monthrange(year, month)[1]))


def _codes(ctx: Context, *groups: int) -> list[str]:
    by_group = main_group_codes(ctx.kv, ctx.school_year)
    return [code for group in groups for code in by_group.get(group, [])]


def otuk_past_deadline(rows: QuerySet, ctx: Context) -> QuerySet:
    """Status in main group 1 (OTUK, unknown activity) at the date, and it has been so for
    longer than the county's deadline for the first contact (duties setting, default 7 days):
    contact should have been established, or the status is out of date."""
    deadline = ctx.on - timedelta(days=ctx.first_contact_days)
    return rows.filter(status_now__in=_codes(ctx, 1), status_since__lt=deadline)


def stale_status(rows: QuerySet, ctx: Context) -> QuerySet:
    """Status in main groups 2–4 in force since more than the county's number of months
    (default 6) before the date, and no contact established (the youth reached, or a
    guardian's account) in those months: the status needs re-verification."""
    cutoff = months_before(ctx.on, ctx.stale_months)
    contact = Contact.objects.filter(
        registration=OuterRef("pk"),
        outcome__in=[Outcome.REACHED, Outcome.GUARDIAN],
        at__date__gte=cutoff,
        at__date__lte=ctx.on,
    )
    return rows.filter(status_now__in=_codes(ctx, 2, 3, 4), status_since__lt=cutoff).filter(
        ~Exists(contact)
    )


def no_identity_number(rows: QuerySet, ctx: Context) -> QuerySet:
    """The youth has no identity number (fødselsnummer or D-number) yet: the office should
    find it, and the submission row has no identity."""
    return rows.filter(Q(person__fnr__isnull=True) | Q(person__fnr=""))


def likely_duplicate(rows: QuerySet, ctx: Context) -> QuerySet:
    """The youth has the same name and birth date as another person in the county (the
    duplicate finder of `people.selectors.likely_duplicates`): probably one youth twice."""
    from veiviser.organisation.models import County

    county = County.objects.get(pk=ctx.county_id)
    persons = [person.pk for group in likely_duplicates(county) for person in group]
    return rows.filter(person_id__in=persons)


def birth_date_mismatch(rows: QuerySet, ctx: Context) -> QuerySet:
    """The identity number is not acceptable, or gives another birth date than the one
    recorded (`people.identity.parse`): the age, and so the target group, may be wrong."""
    wrong = []
    for pk, fnr, birth_date in rows.exclude(
        Q(person__fnr__isnull=True) | Q(person__fnr="")
    ).values_list("pk", "person__fnr", "person__birth_date"):
        try:
            parsed = identity.parse(fnr, allow_synthetic=settings.ALLOW_SYNTHETIC_FNR)
        except identity.IdentityError:
            wrong.append(pk)
            continue
        if parsed.birth_date != birth_date:
            wrong.append(pk)
    return rows.filter(pk__in=wrong)


def outside_age_in_groups_1_4(rows: QuerySet, ctx: Context) -> QuerySet:
    """Status in main groups 1–4 but outside the school year's age limit: not in Udir's
    target group, though the status says OT follows the youth up (Table 2, "outside the age
    limit"). Either the status should be in group 5 or the birth date is wrong."""
    return rows.filter(cell_q(ctx.kv, "table2.outside_age", school_year=ctx.school_year, on=ctx.on))


def group3_without_measure(rows: QuerySet, ctx: Context) -> QuerySet:
    """Status OTOA, OTAP or OTKO (a measure or placement OT is part of) without a measure
    recorded for the registration at the date. Flags nothing until the measures app answers
    (`quality.measures`)."""
    with_measure = measures.registrations_with_measure(county_id=ctx.county_id, on=ctx.on)
    if with_measure is None:
        return rows.none()
    return rows.filter(status_now__in=CODES_EXPECTING_A_MEASURE).exclude(pk__in=with_measure)


def no_unit(rows: QuerySet, ctx: Context) -> QuerySet:
    """The registration has no OT unit: it is counted for the county but in no unit's
    numbers, and no unit's coordinator sees it."""
    return rows.filter(unit__isnull=True)


@dataclass(frozen=True)
class Rule:
    """A rule as the users see it: its key (stable, in files), its name and what it means
    (shown on the page; the functions' docstrings say the same for developers)."""

    key: str
    label: Promise
    description: Promise
    check: Callable[[QuerySet, Context], QuerySet]


RULES: tuple[Rule, ...] = (
    Rule(
        "otuk_past_deadline",
        _("OTUK past the contact deadline"),
        _(
            "The status is OTUK (unknown activity) and has been so for longer than the "
            "county's deadline for the first contact. Establish contact, or record the status "
            "the youth has."
        ),
        otuk_past_deadline,
    ),
    Rule(
        "stale_status",
        _("Stale status"),
        _(
            "The status (main group 2–4) is older than the county's number of months, and no "
            "contact has been established in that time. Verify the status with the youth."
        ),
        stale_status,
    ),
    Rule(
        "no_identity_number",
        _("No identity number"),
        _(
            "The youth has no fødselsnummer or D-number, so the submission row has no "
            "identity. Find the number."
        ),
        no_identity_number,
    ),
    Rule(
        "likely_duplicate",
        _("Likely duplicate"),
        _(
            "Another youth in the county has the same name and birth date: probably the same "
            "youth registered twice."
        ),
        likely_duplicate,
    ),
    Rule(
        "birth_date_mismatch",
        _("Birth date and identity number disagree"),
        _(
            "The identity number is not valid, or gives another birth date than the one "
            "recorded: the age, and so the target group, may be wrong."
        ),
        birth_date_mismatch,
    ),
    Rule(
        "outside_age_in_groups_1_4",
        _("Outside the age limit but in main groups 1–4"),
        _(
            "The status is in main groups 1–4, but the youth is outside the school year's age "
            "limit and not in Udir's target group. Check the birth date or the status."
        ),
        outside_age_in_groups_1_4,
    ),
    Rule(
        "group3_without_measure",
        _("Group 3 code without a measure"),
        _(
            "The status is OTOA, OTAP or OTKO, but no measure or placement is recorded for the "
            "date."
        ),
        group3_without_measure,
    ),
    Rule(
        "no_unit",
        _("No unit"),
        _(
            "The registration has no OT unit: it counts for the county but in no unit's "
            "numbers, and no coordinator sees it."
        ),
        no_unit,
    ),
)
RULE_KEYS = tuple(rule.key for rule in RULES)
