"""Writes of the duties app: only the county's deadline settings (the duties are computed)."""

from django.db import transaction

from veiviser.audit import services as audit
from veiviser.duties.models import DeadlineSettings
from veiviser.organisation.models import County


def deadline_settings_ensure(*, actor, county: County) -> DeadlineSettings:
    """The county's deadline settings, created with the documented defaults the first time they
    are asked for (docs/duties.md). The administrator changes them in the admin (audited)."""
    with transaction.atomic():
        settings, created = DeadlineSettings.objects.get_or_create(county=county)
        if created:
            audit.log(actor, "duties.deadline_settings.created", settings)
    return settings
