"""Writes of the public contact page: receiving a request and the coordinator's handling of it.

Each is one transaction and one audit event. Nothing here looks the youth up while receiving a
request, so the answer to the public (and its timing) cannot depend on whether OT knows them.
"""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import school_year_of
from veiviser.organisation.models import County, Municipality
from veiviser.people import identity
from veiviser.people.models import ContactChannel, Person
from veiviser.problems import Problem, require_none
from veiviser.public.models import NEED_MAX_LENGTH, Asker, ReachBy, Referral, ReferralStatus
from veiviser.registry import services as registry
from veiviser.registry.models import Registration, Source

# Digits with spaces, an optional + country code: 8 to 15 digits in all.
PHONE = re.compile(r"\+?(?:\d[ ]?){8,15}")

# A self-referral's reason group: "other reasons" (DOMAIN.md §3: self-referral is one of them).
REASON = "other"


def check_request(
    *,
    county: County,
    municipality: str,
    birth_date: date,
    fnr: str | None,
    reach_by: str,
    reach_at: str,
    need: str,
    asker: str,
    consent_confirmed: bool,
    today: date,
) -> list[Problem]:
    """The rules of a request, as problems (field, why)."""
    problems = []
    if not Municipality.objects.filter(county=county, number=municipality).exists():
        problems.append(Problem("municipality", _("not a municipality of the county")))
    if birth_date > today:
        problems.append(Problem("birth_date", _("is in the future")))
    if fnr:
        try:
            parsed = identity.parse(fnr, allow_synthetic=settings.ALLOW_SYNTHETIC_FNR, today=today)
        except identity.IdentityError as exc:
            problems.append(Problem("fnr", str(exc)))
        else:
            if parsed.birth_date != birth_date:
                problems.append(Problem("fnr", _("does not agree with the birth date")))
    if reach_by not in ReachBy.values:
        problems.append(Problem("reach_by", _("choose how we can reach you")))
    if not reach_at.strip():
        problems.append(Problem("reach_at", _("write the phone number or e-mail address")))
    elif reach_by == ReachBy.EMAIL:
        try:
            validate_email(reach_at.strip())
        except ValidationError:
            problems.append(Problem("reach_at", _("is not an e-mail address")))
    elif reach_by in (ReachBy.PHONE, ReachBy.SMS) and not PHONE.fullmatch(reach_at.strip()):
        problems.append(Problem("reach_at", _("is not a phone number")))
    if len(need) > NEED_MAX_LENGTH:
        problems.append(Problem("need", _("is too long")))
    if asker not in Asker.values:
        problems.append(Problem("asker", _("choose who is asking")))
    elif asker != Asker.SELF and not consent_confirmed:
        problems.append(
            Problem(
                "consent_confirmed",
                _("confirm that the youth knows about and agrees to this request"),
            )
        )
    return problems


def referral_receive(
    *,
    actor=None,
    county: County,
    municipality: str,
    given_name: str,
    family_name: str,
    birth_date: date,
    reach_by: str,
    reach_at: str,
    asker: str,
    fnr: str | None = None,
    need: str = "",
    consent_confirmed: bool = False,
    language: str = "",
) -> Referral:
    """Store a request from the public page as a pending referral for the unit responsible for
    the municipality (DOMAIN.md §1). `actor` is None: the public is not a user. The audit event
    carries no personal data, only the referral's id and unit."""
    fnr = (fnr or "").replace(" ", "") or None
    require_none(
        check_request(
            county=county,
            municipality=municipality,
            birth_date=birth_date,
            fnr=fnr,
            reach_by=reach_by,
            reach_at=reach_at,
            need=need,
            asker=asker,
            consent_confirmed=consent_confirmed,
            today=timezone.localdate(),
        )
    )
    mapping = Municipality.objects.get(county=county, number=municipality)
    with transaction.atomic():
        referral = Referral(
            county=county,
            municipality=municipality,
            unit=mapping.unit,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            birth_date=birth_date,
            fnr=fnr,
            reach_by=reach_by,
            reach_at=reach_at.strip(),
            need=need.strip(),
            asker=asker,
            consent_confirmed=consent_confirmed and asker != Asker.SELF,
            language=language[:10],
        )
        referral.full_clean()
        referral.save()
        audit.log(
            actor,
            "public.referral.received",
            referral,
            data={"unit": mapping.unit_id, "asker": asker},
        )
        if settings.PUBLIC_REFERRAL_NOTICE:
            transaction.on_commit(lambda: referral_notice(referral))
    return referral


def notice_recipients(referral: Referral) -> list:
    """Who hears of a new request: the active unit coordinators of its unit; where there is no
    unit or no coordinator with an e-mail address, the county's office (both handle requests,
    `policy.referral_scope`). Only users with an e-mail address."""
    from veiviser.organisation.models import Role, User

    staff = User.objects.filter(
        county_id=referral.county_id, is_active=True, api_client__isnull=True
    ).exclude(email="")
    coordinators = (
        list(staff.filter(role=Role.UNIT_COORDINATOR, unit_id=referral.unit_id))
        if referral.unit_id
        else []
    )
    return coordinators or list(staff.filter(role=Role.OFFICE))


def referral_notice(referral: Referral) -> int:
    """E-mail whoever handles the request (`notice_recipients`) that one is waiting, with a
    link to the list. Nothing about the request is in it (no name, municipality or need: mail
    leaves Veiviser), and it is the same for every request. A mail server that fails is
    logged, never an error for the youth who sent the request. Audited with the count."""
    import logging

    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils import translation

    recipients = [user.email for user in notice_recipients(referral)]
    if not recipients:
        return 0
    link = settings.VEIVISER_BASE_URL.rstrip("/") + reverse("web:referrals")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Veiviser: a new request from the contact page")
        body = (
            _("A new request from the public contact page is waiting for you in Veiviser.")
            + "\n\n"
            + _("Open the list of requests: %(url)s") % {"url": link}
            + "\n\n"
            + _("This e-mail holds no personal data: read the request in Veiviser.")
            + "\n"
        )
    sent = 0
    for address in recipients:  # one mail each: nobody sees who else handles requests
        try:
            send_mail(subject, body, None, [address])
        except Exception as exc:  # SMTP fails in many ways; the request is stored anyway
            logging.getLogger(__name__).warning(
                "The notice of a new request was not sent: %s", type(exc).__name__
            )
        else:
            sent += 1
    if sent:
        with transaction.atomic():
            audit.log(
                None,
                "public.referral.notice_sent",
                referral,
                data={"recipients": sent, "failed": len(recipients) - sent},
            )
    return sent


def _require_pending(actor, referral: Referral) -> None:
    from veiviser.public.selectors import referrals_for

    if not referrals_for(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied("this referral is not in the user's list")
    if referral.status != ReferralStatus.PENDING:
        require_none([Problem("status", _("the referral has already been handled"))])


def _handled(actor, referral: Referral, status: str, **fields) -> None:
    referral.status = status
    referral.handled_at = timezone.now()
    referral.handled_by = actor if actor is not None and actor.pk else None
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save()


def _contact(referral: Referral) -> dict:
    if referral.reach_by == ReachBy.EMAIL:
        return {"email": referral.reach_at, "preferred_channel": ContactChannel.EMAIL}
    channel = ContactChannel.SMS if referral.reach_by == ReachBy.SMS else ContactChannel.PHONE
    return {"phone": referral.reach_at[:30], "preferred_channel": channel}


def referral_match(*, actor, referral: Referral, person: Person, today: date) -> Registration:
    """The referral is about `person`, already known to OT. If they have a registration this
    school year it is kept as it is; otherwise they are registered with reason "other" and
    source self-referral, to the unit of the referral."""
    _require_pending(actor, referral)
    if person.county_id != referral.county_id:
        raise PermissionDenied("the person belongs to another county")
    school_year = school_year_of(today)
    with transaction.atomic():
        registration = Registration.objects.filter(person=person, school_year=school_year).first()
        if registration is None:
            registration = registry.registration_create(
                actor=actor,
                person=person,
                school_year=school_year,
                registered_on=today,
                reason=REASON,
                source=Source.SELF_REFERRAL,
                unit=referral.unit,
            )
        elif not policy.can(actor, policy.VIEW, registration):
            raise PermissionDenied("the youth's registration is outside the user's scope")
        _handled(
            actor,
            referral,
            ReferralStatus.MATCHED,
            person=person,
            registration=registration,
        )
        audit.log(
            actor,
            "public.referral.matched",
            referral,
            data={"person": person.pk, "registration": registration.pk},
        )
    return registration


def referral_register(
    *, actor, referral: Referral, today: date, confirm_duplicate: bool = False
) -> Registration:
    """Register the youth of the referral as new (reason "other", source self-referral), with
    the intake's duplicate check (`registry.services.youth_register`)."""
    _require_pending(actor, referral)
    with transaction.atomic():
        registration = registry.youth_register(
            actor=actor,
            county=referral.county,
            fnr=referral.fnr,
            birth_date=referral.birth_date,
            given_name=referral.given_name,
            family_name=referral.family_name,
            municipality=referral.municipality,
            school_year=school_year_of(today),
            registered_on=today,
            reason=REASON,
            source=Source.SELF_REFERRAL,
            confirm_duplicate=confirm_duplicate,
            **_contact(referral),
        )
        _handled(
            actor,
            referral,
            ReferralStatus.REGISTERED,
            person=registration.person,
            registration=registration,
        )
        audit.log(
            actor,
            "public.referral.registered",
            referral,
            data={"person": registration.person_id, "registration": registration.pk},
        )
    return registration


def referral_close(*, actor, referral: Referral, reason: str) -> Referral:
    """Close the referral without registering anyone (a prank, a youth outside the county, a
    repeated request ...); the reason is required and kept."""
    _require_pending(actor, referral)
    if not reason.strip():
        require_none([Problem("reason", _("say why the referral is closed"))])
    with transaction.atomic():
        _handled(actor, referral, ReferralStatus.CLOSED, close_reason=reason.strip())
        audit.log(actor, "public.referral.closed", referral)
    return referral
