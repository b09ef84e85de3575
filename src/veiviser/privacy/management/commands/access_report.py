from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.people.models import Person
from veiviser.privacy import services


class Command(BaseCommand):
    help = (
        "A data subject access report (innsyn, GDPR art. 15): everything held about one person "
        "and who has read or changed it, as JSON or PDF (docs/privacy.md). Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--person", help="the person's key (as in exchange files)")
        who.add_argument("--fnr", help="the person's national identity number")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--reason", default="", help="why (the request's case number)")

    def handle(self, *args, **options):
        persons = Person.objects.filter(county__number=options["county"])
        if options["person"]:
            persons = persons.filter(key=options["person"])
        else:
            persons = persons.filter(fnr=options["fnr"])
        person = persons.first()
        if person is None:
            raise CommandError(_("no such person in county %(county)s") % options)
        report = services.access_report(actor=None, person=person, reason=options["reason"])
        if options["format"] == "pdf":
            content = services.access_report_pdf(report)
        else:
            content = services.access_report_json(report)
        Path(options["output"]).write_bytes(content)
        self.stdout.write(
            _("%(output)s: %(sections)s tables, %(events)s audit events")
            % {
                "output": options["output"],
                "sections": len(report["sections"]),
                "events": len(report["audit_trail"]),
            }
        )
