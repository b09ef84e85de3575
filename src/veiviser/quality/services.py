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
from veiviser.quality.models import QualitySettings, Submission
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
