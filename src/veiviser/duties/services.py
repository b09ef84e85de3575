"""Writes of the duties app: the county's deadline settings (the duties are computed), and
the advisors' daily reminder of their overdue duties (an e-mail each, audited)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veiviser.audit import services as audit
from veiviser.codes.selectors import Kodeverk
from veiviser.duties.models import KIND_LABELS, DeadlineSettings
from veiviser.duties.selectors import OverdueDigest, initials, overdue_by_advisor
from veiviser.organisation.models import County, User


def deadline_settings_ensure(*, actor, county: County) -> DeadlineSettings:
    """The county's deadline settings, created with the documented defaults the first time they
    are asked for (docs/duties.md). The administrator changes them in the admin (audited)."""
    with transaction.atomic():
        settings, created = DeadlineSettings.objects.get_or_create(county=county)
        if created:
            audit.log(actor, "duties.deadline_settings.created", settings)
    return settings


@dataclass
class Reminder:
    """One advisor's digest: to whom, how many overdue duties, and the mail as sent (or as it
    would be sent, in a dry run)."""

    advisor: User
    count: int
    subject: str
    body: str
    sent: bool = False
    skipped: str = ""  # why it was not sent: "no_email"


def duties_url() -> str:
    return settings.VEIVISER_BASE_URL.rstrip("/") + reverse("web:duties")


def reminder_text(digest: OverdueDigest, *, on: date) -> tuple[str, str]:
    """The subject and plain-text body of a digest, in the installation's language (bokmål).
    Each line names the youth by initials and registration number and the duty: no full
    names, no identity numbers (data minimisation: mail leaves Veiviser)."""
    count = len(digest.rows)
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Veiviser: %(count)d overdue duty",
            "Veiviser: %(count)d overdue duties",
            count,
        ) % {"count": count}
        lines = [
            ngettext(
                "You have %(count)d overdue duty in Veiviser on %(date)s:",
                "You have %(count)d overdue duties in Veiviser on %(date)s:",
                count,
            )
            % {"count": count, "date": f"{on.day}.{on.month}.{on.year}"},
            "",
        ]
        for row in digest.rows:
            r, duty = row.registration, row.duty
            lines.append(
                _("- %(initials)s (registration %(number)s): %(duty)s, due %(due)s")
                % {
                    "initials": initials(r.given_name, r.family_name) or "–",
                    "number": r.pk,
                    "duty": KIND_LABELS[duty.kind],
                    "due": f"{duty.due.day}.{duty.due.month}.{duty.due.year}",
                }
            )
        lines += [
            "",
            _("See all your duties: %(url)s") % {"url": duties_url()},
            "",
            _("This e-mail is sent by Veiviser every day you have overdue duties."),
        ]
    return subject, "\n".join(lines) + "\n"


def reminders_send(
    kv: Kodeverk, *, on: date, county: County | None = None, dry_run: bool = False
) -> list[Reminder]:
    """The daily reminder (docs/duties.md): to each advisor with overdue duties at `on` one
    plain-text e-mail listing them (Django's e-mail backend, settings.EMAIL_BACKEND). Each mail
    sent is audited (`duties.reminder.sent`: the advisor, the count, the date; no youth). An
    advisor without an e-mail address is skipped. `dry_run` builds the digests and sends and
    logs nothing."""
    digests = overdue_by_advisor(kv, on=on, county=county)
    advisors = User.objects.in_bulk([d.advisor_id for d in digests])
    counties = dict(County.objects.values_list("pk", "number"))
    reminders = []
    for digest in digests:
        advisor = advisors[digest.advisor_id]
        subject, body = reminder_text(digest, on=on)
        reminder = Reminder(advisor, len(digest.rows), subject, body)
        reminders.append(reminder)
        if not advisor.email:
            reminder.skipped = "no_email"
            continue
        if dry_run:
            continue
        send_mail(subject, body, None, [advisor.email])
        reminder.sent = True
        with transaction.atomic():
            audit.log(
                None,
                "duties.reminder.sent",
                advisor,
                county=counties.get(digest.county_id, ""),
                data={"overdue": reminder.count, "date": on.isoformat()},
            )
    return reminders
