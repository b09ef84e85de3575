"""Reads of letters, through the access policy."""

from datetime import date

from veiviser import policy
from veiviser.letters.models import (
    Audience,
    Letter,
    LetterBlock,
    LetterBlockChange,
    LetterKind,
    LetterTemplate,
)
from veiviser.people.rules import is_minor
from veiviser.registry.models import Registration


def active_templates():
    return LetterTemplate.objects.filter(active=True).order_by("kind", "audience", "title")


def letters_for(user, registration: Registration):
    """The registration's letters, newest first; none when `user` may not view it."""
    if not policy.can(user, policy.VIEW, registration):
        return Letter.objects.none()
    return (
        Letter.objects.filter(registration=registration)
        .select_related("template", "created_by")
        .defer("pdf")
    )


def letters_of(registrations):
    """The letters of registrations the caller has already checked the user may view."""
    return (
        Letter.objects.filter(registration__in=registrations)
        .select_related("template", "created_by", "appointment")
        .defer("pdf")
    )


def guardian_letters_blocked(person) -> LetterBlock | None:
    return LetterBlock.objects.filter(person=person).first()


def letter_block_history(person) -> list[LetterBlockChange]:
    """The block's history for the youth page, newest first: set, reason changed, lifted."""
    return list(LetterBlockChange.objects.filter(person=person).select_related("by"))


def batch_candidates(*, county, since: date, unit=None, user=None, today: date):
    """What an information-letter batch would make (DOMAIN.md §6 duty 2): for every
    registration of the county (or unit) registered on or after `since` that `user` may
    change, a letter to the youth unless the registration has one, and for a youth under 18 on
    `today` a letter to each guardian who has none. Where letters to the guardians are blocked
    they are listed too: the service (`services.letter_create`) refuses them, so the batch
    counts them as refused and nobody wonders where they went. Returns [(registration,
    audience, guardian or None)] in a stable order."""
    registrations = (
        Registration.objects.filter(
            policy.registrations_q(user, policy.CHANGE),
            county=county,
            registered_on__gte=since,
        )
        .select_related("person", "unit", "advisor")
        .prefetch_related("person__guardians")
        .order_by("registered_on", "pk")
    )
    if unit is not None:
        registrations = registrations.filter(unit=unit)
    sent = set(
        Letter.objects.filter(
            registration__in=registrations, kind=LetterKind.INFORMATION
        ).values_list("registration_id", "audience", "guardian_id")
    )
    out = []
    for registration in registrations:
        if (registration.pk, Audience.YOUTH, None) not in sent:
            out.append((registration, Audience.YOUTH, None))
        person = registration.person
        if not is_minor(person.birth_date, today):
            continue
        for guardian in person.guardians.all():
            if (registration.pk, Audience.GUARDIAN, guardian.pk) not in sent:
                out.append((registration, Audience.GUARDIAN, guardian))
    return out
