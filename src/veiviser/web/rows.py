"""Rows of the youth lists (web/_worklist_table.html: the worklist, the coordinator's list and
the statistics drill-down), with what each row shows looked up once in Python."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext


def url_for_each(name: str):
    """`reverse(name, args=[pk])` for the many rows of a list: the pattern is reversed once,
    not once a row (the rows' links were a sixth of the worklist's rendering time)."""
    marker = 2_000_000_011
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{int(pk)}{tail}"


def row_names(registration, youth_url, today) -> dict:
    """The parts of a list row (web/_worklist_table.html) looked up here once, not in the
    template: a template's lookups through three objects are slow. `youth_url` is
    `url_for_each("web:youth")`; the registration carries `last_contact_at`."""
    last = registration.last_contact_at
    days = (today - timezone.localdate(last)).days if last else None
    return {
        "url": youth_url(registration.person_id),
        "name": f"{registration.person.family_name}, {registration.person.given_name}",
        "unit_name": registration.unit.name if registration.unit else "",
        "advisor_name": registration.advisor.get_full_name() if registration.advisor else "",
        "last_contact": last,
        "days_since_contact": days,
        "days_since_contact_text": (
            ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": days} if last else ""
        ),
    }
