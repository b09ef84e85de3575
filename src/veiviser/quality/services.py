"""Writes of the quality app: producing a submission file (logged and audited)."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import County
from veiviser.quality.models import (
    QualitySettings,
    ReceivedTransfer,
    SentTransfer,
    Submission,
)
from veiviser.quality.submission import FORMAT_VERSION, SubmissionFile, submission_file


def quality_settings_ensure(*, actor, county: County) -> QualitySettings:
    """The county's data-quality settings, created with the documented defaults the first time
    they are asked for (docs/quality.md). The administrator changes them in the admin."""
    with transaction.atomic():
        settings, created = QualitySettings.objects.get_or_create(county=county)
        if created:
            audit.log(actor, "quality.settings.created", settings)
    return settings


class KnownAtInFuture(ValueError):
    pass


def may_submit(user, county: County) -> bool:
    """The submission holds every registration of the county: county scope of STATISTICS
    (county leader, office), or the system."""
    if user is None:
        return True
    return user.county_id == county.pk and policy.scope(user, policy.STATISTICS) == policy.COUNTY


def submission_produce(
    *, actor, county: County, on: date, known_at: datetime | None = None
) -> tuple[SubmissionFile, Submission]:
    """Produce the submission file at `on` as known at `known_at` (default: now) and log it:
    the date, the instant, who, how many rows and the SHA-256. The instant is stored, so the
    same file can be produced again later (docs/quality.md)."""
    if not may_submit(actor, county):
        raise PermissionDenied("submission is not allowed here")
    now = timezone.now()
    if known_at is None:
        known_at = now
    elif known_at > now:
        raise KnownAtInFuture(
            _("the instant %(known_at)s is in the future: what is not yet known cannot be sent")
            % {"known_at": known_at.isoformat()}
        )
    produced = submission_file(kodeverk(), county=county.number, on=on, known_at=known_at)
    with transaction.atomic():
        log = Submission.objects.create(
            county=county,
            on=on,
            known_at=known_at,
            produced_at=now,
            produced_by=actor if actor is not None and actor.pk else None,
            rows=produced.rows,
            sha256=produced.sha256,
            format_version=FORMAT_VERSION,
        )
        audit.log(
            actor,
            "quality.submission.produced",
            log,
            data={
                "date": on.isoformat(),
                "known_at": known_at.isoformat(),
                "rows": produced.rows,
                "sha256": produced.sha256,
            },
        )
    return produced, log


# -- transfers between counties (docs/exchange.md, "Transfer between counties") -------------


def _transfer_consent(registration):
    """The youth's consent to a transfer: the newest, not withdrawn, of any of the person's
    registrations in the county."""
    from veiviser.casework.models import Consent, PartnerKind

    return (
        Consent.objects.filter(
            registration__person_id=registration.person_id,
            registration__county_id=registration.county_id,
            partner_kind=PartnerKind.OTHER_COUNTY,
            withdrawn_on__isnull=True,
            given_on__lte=timezone.localdate(),
        )
        .order_by("-given_on", "-id")
        .first()
    )


def transfer_send(*, actor, registration, to_county: str) -> tuple[bytes, SentTransfer]:
    """Make the transfer file for a youth who moved to `to_county`: the identity, every
    registration in this county with its reason and status history, and the advisor's unit
    contact; never notes or other casework. Needs the status OTFA_IM in force and the youth's
    consent to a transfer recorded (casework Consent, "another county"). Logged and audited."""
    import uuid

    from veiviser.codes.selectors import school_year_bounds
    from veiviser.organisation.services import known_county_names
    from veiviser.problems import Problem, require_none
    from veiviser.quality import transfer
    from veiviser.registry.models import Registration
    from veiviser.registry.selectors import registration_state

    policy.require(actor, policy.CHANGE, registration)
    county = registration.county
    problems = []
    if to_county not in known_county_names() or to_county == county.number:
        problems.append(
            Problem(
                "to_county",
                _("%(county)s is not another county's number") % {"county": repr(to_county)},
            )
        )
    start, end = school_year_bounds(registration.school_year)
    on = min(max(timezone.localdate(), start), end)
    state = registration_state(kodeverk(), registration, on)
    if state.status != "OTFA_IM":
        problems.append(
            Problem(
                "status",
                _("the status must be OTFA_IM (moved to another county), not %(status)s")
                % {"status": state.status},
            )
        )
    consent = _transfer_consent(registration)
    if consent is None:
        problems.append(
            Problem("consent", _("the youth's consent to a transfer to another county is missing"))
        )
    require_none(problems)
    person = registration.person
    now = timezone.now()
    transfer_id = f"t-{uuid.uuid4().hex}"
    records: list[dict] = [
        {
            "type": "header",
            "format": transfer.FORMAT,
            "version": transfer.VERSION,
            "transfer": transfer_id,
            "from_county": county.number,
            "to_county": to_county,
            "sent_at": now.isoformat(),
            "consent_given_on": consent.given_on.isoformat(),
        },
        {
            "type": "person",
            "fnr": person.fnr,
            "birth_date": person.birth_date.isoformat(),
            "given_name": person.given_name,
            "family_name": person.family_name,
        },
    ]
    registrations = (
        Registration.objects.filter(person=person, county=county)
        .select_related("unit")
        .prefetch_related("reason_facts", "status_facts")
        .order_by("school_year")
    )
    facts = []
    for each in registrations:
        records.append(
            {
                "type": "registration",
                "id": each.key,
                "school_year": each.school_year,
                "registered_on": each.registered_on.isoformat(),
                "reason": each.reason,
                "reason_code": each.reason_code,
                "source": each.source,
                "unit": each.unit.name if each.unit else "",
                "recorded_at": each.recorded_at.isoformat(),
            }
        )
        for fact in each.reason_facts.all():
            facts.append(
                {
                    "type": "reason",
                    "registration": each.key,
                    "reason": fact.reason,
                    "valid_from": fact.valid_from.isoformat(),
                    "recorded_at": fact.recorded_at.isoformat(),
                }
            )
        for fact in each.status_facts.all():
            facts.append(
                {
                    "type": "status",
                    "registration": each.key,
                    "code": fact.code,
                    "valid_from": fact.valid_from.isoformat(),
                    "recorded_at": fact.recorded_at.isoformat(),
                }
            )
    records += facts
    advisor = registration.advisor
    records.append(
        {
            "type": "contact",
            "unit": registration.unit.name if registration.unit else "",
            "advisor": advisor.get_full_name() if advisor else "",
            "email": advisor.email if advisor else "",
        }
    )
    content = transfer.build(records)
    with transaction.atomic():
        sent = SentTransfer.objects.create(
            county=county,
            transfer_id=transfer_id,
            registration=registration,
            to_county=to_county,
            consent=consent,
            sent_at=now,
            sent_by=actor if actor is not None and actor.pk else None,
            sha256=transfer.checksum(content),
        )
        audit.log(
            actor,
            "quality.transfer.sent",
            sent,
            data={
                "transfer": transfer_id,
                "to_county": to_county,
                "registrations": len(registrations),
                "sha256": sent.sha256,
            },
        )
    return content, sent


def transfer_receive(
    *, actor, county: County, content: bytes, unit=None
) -> tuple[ReceivedTransfer, bool]:
    """Receive a transfer file: a new registration in this county's current school year with
    source "another county", the youth found by identity number or created, and the history
    kept as sent (read-only). The same transfer a second time changes nothing and returns the
    first result with `created=False`. A file with any problem writes nothing."""
    from veiviser.codes.selectors import school_year_of
    from veiviser.people import services as people
    from veiviser.people.models import Person
    from veiviser.problems import Problem, require_none
    from veiviser.quality import transfer
    from veiviser.registry import services as registry
    from veiviser.registry.models import Source

    if unit is not None:
        policy.require(actor, policy.REGISTER, unit)
    elif policy.scope(actor, policy.REGISTER) != policy.COUNTY:
        raise PermissionDenied("register is not allowed here")
    parsed, problems = transfer.parse(content)
    require_none(problems)
    header = parsed.header
    sha256 = transfer.checksum(content)
    if header["to_county"] != county.number:
        problems.append(
            Problem(
                "to_county",
                _("the transfer is for county %(to)s, not %(county)s")
                % {"to": header["to_county"], "county": county.number},
            )
        )
    if header["from_county"] == county.number:
        problems.append(Problem("from_county", _("a county cannot transfer to itself")))
    require_none(problems)
    existing = ReceivedTransfer.objects.filter(
        county=county, transfer_id=header["transfer"]
    ).first()
    if existing is not None:
        if existing.sha256 != sha256:
            require_none(
                [
                    Problem(
                        "transfer",
                        _("transfer %(id)s was received before with other content")
                        % {"id": header["transfer"]},
                    )
                ]
            )
        return existing, False
    data = parsed.person
    today = timezone.localdate()
    with transaction.atomic():
        person = None
        if data.get("fnr"):
            person = Person.objects.filter(county=county, fnr=data["fnr"]).first()
        if person is None:
            person = people.person_create(
                actor=actor,
                county=county,
                birth_date=date.fromisoformat(data["birth_date"]),
                given_name=data["given_name"],
                family_name=data["family_name"],
                fnr=data.get("fnr") or None,
            )
        registration = registry.registration_create(
            actor=actor,
            person=person,
            school_year=school_year_of(today),
            registered_on=today,
            reason=parsed.latest_reason(),
            source=Source.OTHER_COUNTY,
            unit=unit,
        )
        received = ReceivedTransfer.objects.create(
            county=county,
            transfer_id=header["transfer"],
            registration=registration,
            from_county=header["from_county"],
            sent_at=datetime.fromisoformat(header["sent_at"]),
            received_at=timezone.now(),
            received_by=actor if actor is not None and actor.pk else None,
            history=parsed.history(),
            sha256=sha256,
        )
        audit.log(
            actor,
            "quality.transfer.received",
            received,
            data={
                "transfer": header["transfer"],
                "from_county": header["from_county"],
                "registrations": len(parsed.registrations),
                "sha256": sha256,
            },
        )
    return received, True
