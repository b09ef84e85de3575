"""Reads of referrals from the public contact page, through the access policy."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.organisation.models import County, Unit
from veiviser.people.models import Person
from veiviser.people.selectors import likely_matches
from veiviser.public.models import Referral, ReferralStatus


def referrals_for(user, *, status: str | None = None) -> QuerySet[Referral]:
    """The referrals `user` handles (`policy.referral_scope`): the own unit's, or the county's
    (including those of a municipality no unit is responsible for)."""
    kind = policy.scope(user, policy.REGISTER) if user is None else policy.referral_scope(user)
    qs = Referral.objects.select_related("unit", "handled_by")
    if user is not None:
        if kind == policy.COUNTY:
            qs = qs.filter(county_id=user.county_id)
        elif kind == policy.UNIT and user.unit_id:
            qs = qs.filter(county_id=user.county_id, unit_id=user.unit_id)
        else:
            return Referral.objects.none()
    if status:
        qs = qs.filter(status=status)
    return qs


def pending_for(user) -> QuerySet[Referral]:
    return referrals_for(user, status=ReferralStatus.PENDING)


def referral_open(user, pk: int) -> Referral:
    """One referral for its page; 404 outside the user's list. Every opening is audited, as a
    youth's page is (the referral holds a youth's personal data)."""
    referral = referrals_for(user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    audit.log(user, "public.referral.viewed", referral)
    return referral


def match_suggestions(user, referral: Referral) -> list[Person]:
    """Youths who may be the one of the referral (the people app's duplicate rule: same name
    and birth date, or the same identity number) that `user` may see: registered in their scope,
    or not registered anywhere."""
    visible = policy.registrations_q(user, policy.VIEW, prefix="registrations__") | Q(
        registrations__isnull=True
    )
    candidates = likely_matches(
        referral.county,
        given_name=referral.given_name,
        family_name=referral.family_name,
        birth_date=referral.birth_date,
        fnr=referral.fnr,
    )
    return list(candidates.filter(visible).distinct()[:10])


def contact_points(county: County) -> dict:
    """The phone numbers and e-mail addresses the public page shows: the county's letterhead
    and each open unit's contact details (letters app)."""
    from veiviser.letters.models import Letterhead, UnitContact

    head = Letterhead.objects.filter(county=county).first()
    units = Unit.objects.filter(county=county, closed_on__isnull=True).order_by("name")
    contacts = {c.unit_id: c for c in UnitContact.objects.filter(unit__in=units)}
    return {
        "county": head,
        "units": [
            {"unit": unit, "phone": contacts[unit.pk].phone, "email": contacts[unit.pk].email}
            for unit in units
            if unit.pk in contacts and (contacts[unit.pk].phone or contacts[unit.pk].email)
        ],
    }


def public_counties() -> QuerySet[County]:
    """Counties with a contact page: those with at least one municipality mapped to a unit."""
    return County.objects.filter(municipalities__unit__isnull=False).distinct().order_by("number")


# "Min side": the youth's own reads. The person is the logged-in youth; every read is of their
# own rows only, and nothing of the notes (confidential or not) or the contacts' notes is read.


def youth_by_identity_number(number: str) -> Person | None:
    """The person with this fødselsnummer or D-number; in more than one county (moved), the one
    most recently registered."""
    from django.db.models import Max

    if not number:
        return None
    return (
        Person.objects.filter(fnr=number)
        .annotate(latest=Max("registrations__school_year"))
        .order_by("-latest", "-id")
        .first()
    )


def youth_overview(person: Person, *, now) -> dict:
    """What "Min side" shows: the latest registration with its unit and advisor (and how to
    reach them), the plan (with its review date when it is today or later), the appointments
    not over yet (the next one first; cancelled ones shown as cancelled), the letters sent to
    the youth, the consents. Contacts are records of what happened, so they are not shown."""
    from veiviser.casework import selectors as casework
    from veiviser.casework.models import Consent, Plan
    from veiviser.letters.models import Audience, Letter, StaffContact, UnitContact

    registration = (
        person.registrations.select_related("unit", "advisor").order_by("-school_year").first()
    )
    if registration is None:
        return {"person": person, "registration": None}
    advisor = registration.advisor
    advisor_phone = (
        StaffContact.objects.filter(user=advisor).values_list("phone", flat=True).first()
        if advisor
        else None
    )
    unit_contact = (
        UnitContact.objects.filter(unit=registration.unit).first() if registration.unit else None
    )
    plan = Plan.objects.filter(registration=registration).first()
    letters = (
        Letter.objects.filter(registration__person=person, audience=Audience.YOUTH)
        .defer("pdf")
        .order_by("-created_at")
    )
    consents = Consent.objects.filter(registration=registration).order_by("-given_on", "-id")
    appointments = casework.youth_appointments(person, now=now)
    return {
        "person": person,
        "registration": registration,
        "advisor": advisor,
        "advisor_phone": advisor_phone or "",
        "unit_contact": unit_contact,
        "plan": plan,
        "review_on": (
            plan.review_on
            if plan and plan.review_on and plan.review_on >= timezone.localdate(now)
            else None
        ),
        "appointments": appointments,
        "next_appointment": casework.next_appointment(appointments, now=now),
        "letters": list(letters),
        "consents": list(consents),
    }


def youth_letter(person: Person, pk: int):
    """A letter sent to the youth (not to a guardian), or 404: another youth's id is not found."""
    from veiviser.letters.models import Audience, Letter

    letter = Letter.objects.filter(
        pk=pk, registration__person=person, audience=Audience.YOUTH
    ).first()
    if letter is None:
        raise Http404
    return letter


def youth_consent(person: Person, pk: int):
    from veiviser.casework.models import Consent

    consent = (
        Consent.objects.filter(pk=pk, registration__person=person)
        .select_related("registration")
        .first()
    )
    if consent is None:
        raise Http404
    return consent
