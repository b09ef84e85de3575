"""Reads of young people. Access control arrives with the access policy (casework UI issue);
until then these are used by operators' commands and the admin only."""

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Lower

from veiviser.organisation.models import County
from veiviser.people.models import Person


def persons_without_number(county: County) -> QuerySet[Person]:
    """Flagged: youths registered without an identity number (DOMAIN.md §2)."""
    return Person.objects.filter(county=county, fnr__isnull=True)


def likely_matches(
    county: County, *, given_name: str, family_name: str, birth_date, fnr: str | None = None
) -> QuerySet[Person]:
    """Persons of the county who may be this youth, by the rule of `likely_duplicates`: the same
    name (case-insensitive) and birth date, or the same identity number."""
    same_name = Q(
        g=given_name.strip().lower(), f=family_name.strip().lower(), birth_date=birth_date
    )
    keyed = Person.objects.filter(county=county).annotate(
        g=Lower("given_name"), f=Lower("family_name")
    )
    return keyed.filter(same_name | Q(fnr=fnr) if fnr else same_name).order_by(
        F("fnr").asc(nulls_last=True), "id"
    )


def likely_duplicates(county: County) -> list[list[Person]]:
    """Groups of persons in the county with the same name (case-insensitive) and birth date:
    likely the same youth registered twice, typically once without an identity number.
    Anonymised persons (the retention run, docs/privacy.md) have no name left to match."""
    keyed = Person.objects.filter(county=county, anonymisation__isnull=True).annotate(
        g=Lower("given_name"), f=Lower("family_name")
    )
    groups = (
        keyed.values("g", "f", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("f", "g", "birth_date")
    )
    result = []
    for group in groups:
        members = keyed.filter(g=group["g"], f=group["f"], birth_date=group["birth_date"])
        result.append(list(members.order_by(F("fnr").asc(nulls_last=True), "id")))
    return result
