"""Background work of the duties (Django's tasks API, django-tasks backport): the daily
reminder, for a scheduler that enqueues tasks rather than running commands."""

from datetime import date

from django_tasks import task


@task()
def reminders_task(county: str | None = None, on: str | None = None) -> dict:
    """`veiviser remind [--county NN] [--date D]` as a task; `on` is an ISO date, today by
    default. Returns the counts (JSON, no personal data)."""
    from django.utils import timezone

    from veiviser.codes.selectors import kodeverk
    from veiviser.duties.services import reminders_send
    from veiviser.organisation.models import County

    selected = None
    if county:
        selected = County.objects.get(number=county)
    day = date.fromisoformat(on) if on else timezone.localdate()
    reminders = reminders_send(kodeverk(), on=day, county=selected)
    return {
        "date": day.isoformat(),
        "digests": len(reminders),
        "sent": sum(1 for r in reminders if r.sent),
        "skipped": sum(1 for r in reminders if r.skipped),
    }
