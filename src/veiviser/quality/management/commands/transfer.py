from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.organisation.models import County, Unit
from veiviser.problems import ValidationFailed
from veiviser.quality.services import transfer_receive, transfer_send
from veiviser.registry.models import Registration


class Command(BaseCommand):
    help = (
        "Move a youth's registration history between counties (OTFA_IM, moved to another "
        "county), in the veiviser-transfer format (docs/exchange.md). 'export' writes the file "
        "for one registration: it needs the status OTFA_IM and the youth's consent to a "
        "transfer recorded, and holds identity, registrations, reasons, statuses and the "
        "advisor's unit contact, never notes. 'import' creates a new registration with source "
        "'another county' in the receiving county and keeps the history read-only; importing "
        "the same file twice changes nothing. Both sides are audited. Exit code 1 on bad input."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="export|import")
        export = actions.add_parser("export", help="write the transfer file for a registration")
        export.add_argument("--county", required=True, help="the sending county, e.g. 39")
        export.add_argument(
            "--registration", required=True, help="the registration's key in the sending county"
        )
        export.add_argument("--to", required=True, help="the receiving county, e.g. 40")
        export.add_argument("--output", required=True, help="the file to write (.jsonl)")
        receive = actions.add_parser("import", help="receive a transfer file")
        receive.add_argument("file", help="the transfer file (.jsonl)")
        receive.add_argument("--county", required=True, help="the receiving county, e.g. 40")
        receive.add_argument(
            "--unit", help="the unit's key in the receiving county (default: no unit yet)"
        )

    def _county(self, number: str) -> County:
        county = County.objects.filter(number=number).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(number)}
            )
        return county

    def handle(self, *args, **options):
        county = self._county(options["county"])
        try:
            if options["action"] == "export":
                self.export(county, options)
            else:
                self.receive(county, options)
        except ValidationFailed as failed:
            for problem in failed.problems:
                self.stderr.write(
                    f"{options.get('file') or options.get('registration')}: {problem}"
                )
            raise CommandError(_("nothing was written")) from None

    def export(self, county, options):
        registration = Registration.objects.filter(
            county=county, key=options["registration"]
        ).first()
        if registration is None:
            raise CommandError(
                _("no registration %(key)s in county %(county)s")
                % {"key": repr(options["registration"]), "county": county.number}
            )
        content, sent = transfer_send(
            actor=None, registration=registration, to_county=options["to"]
        )
        Path(options["output"]).write_bytes(content)
        self.stdout.write(
            _("Transfer %(id)s to county %(to)s written to %(file)s (SHA-256 %(sha256)s).")
            % {
                "id": sent.transfer_id,
                "to": sent.to_county,
                "file": options["output"],
                "sha256": sent.sha256,
            }
        )

    def receive(self, county, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": options["file"]})
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(county=county, key=options["unit"]).first()
            if unit is None:
                raise CommandError(
                    _("no unit %(unit)s in county %(county)s")
                    % {"unit": repr(options["unit"]), "county": county.number}
                )
        received, created = transfer_receive(
            actor=None, county=county, content=path.read_bytes(), unit=unit
        )
        if created:
            message = _("Transfer %(id)s from county %(from)s received: registration %(key)s.")
        else:
            message = _("Transfer %(id)s from county %(from)s was received before: nothing done.")
        self.stdout.write(
            message
            % {
                "id": received.transfer_id,
                "from": received.from_county,
                "key": received.registration.key,
            }
        )
