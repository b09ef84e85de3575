"""One appointment as an iCalendar file (RFC 5545), for the youth's own calendar on Min side.

Written by hand: one event with a handful of properties needs no library. Times are in UTC
(`Z`), so no time-zone block is needed; text values are escaped (§3.3.11) and lines folded at
75 octets (§3.1); lines end with CRLF.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from veiviser.casework.models import Appointment


def _text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, each continuation starting with a
    space, without cutting a UTF-8 character in two."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "  # the continuation's leading space counts in its 75 octets
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def appointment_ics(appointment: Appointment, *, now: datetime) -> str:
    """The appointment as a calendar with one event. A cancelled appointment is an event with
    STATUS:CANCELLED (a calendar that has it already marks it cancelled); each move or
    cancellation raises SEQUENCE, so the calendar takes the newer version."""
    host = urlsplit(settings.VEIVISER_BASE_URL).hostname or "veiviser"
    sequence = (1 if appointment.moved_at else 0) + (1 if appointment.cancelled_at else 0)
    description = []
    if appointment.advisor is not None:
        name = appointment.advisor.get_full_name() or appointment.advisor.get_username()
        description.append(_("With %(name)s") % {"name": name})
    if appointment.note:
        description.append(appointment.note)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Veiviser//Min side//NO",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:appointment-{appointment.pk}@{host}",
        f"DTSTAMP:{_instant(now)}",
        f"DTSTART:{_instant(appointment.starts_at)}",
        f"DTEND:{_instant(appointment.ends_at)}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{'CANCELLED' if appointment.cancelled_at else 'CONFIRMED'}",
        "SUMMARY:" + _text(_("Appointment with the follow-up service (OT)")),
        "LOCATION:" + _text(appointment.where),
    ]
    if description:
        lines.append("DESCRIPTION:" + _text("\n".join(description)))
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
