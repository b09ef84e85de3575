from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date
from veiviser.organisation.models import County
from veiviser.privacy import archive
from veiviser.problems import ValidationFailed


class Command(BaseCommand):
    help = (
        "The Noark 5 archive extract (arkivuttrekk) of a county's closed cases: "
        "arkivstruktur.xml, endringslogg.xml, the journals, arkivuttrekk.xml and the documents "
        "as PDF/A in DIR/avleveringspakke, validated against Arkivverket's official schemas "
        "when given (--validate-with or VEIVISER_NOARK5_SCHEMA_DIR). Recorded and audited; "
        "the retention run anonymises only cases held by an extract. docs/privacy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="two-digit county number, e.g. 39")
        parser.add_argument(
            "--closed-before",
            required=True,
            help="cases whose last school year ended (31 July) before this date, YYYY-MM-DD",
        )
        parser.add_argument("--out", required=True, metavar="DIR", help="folder to write to")
        parser.add_argument(
            "--validate-with",
            metavar="DIR",
            default=settings.NOARK5_SCHEMA_DIR or None,
            help="folder with the official schemas (arkivstruktur.xsd, metadatakatalog.xsd, "
            "endringslogg.xsd, loependeJournal.xsd, offentligJournal.xsd, addml.xsd); default "
            "VEIVISER_NOARK5_SCHEMA_DIR",
        )
        parser.add_argument(
            "--include-extracted",
            action="store_true",
            help="also cases an earlier extract holds unchanged (default: left out)",
        )

    def handle(self, *args, **options):
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(_("no county %(county)s") % options)
        closed_before = parse_date(options["closed_before"], "--closed-before")
        try:
            result = archive.make_extract(
                actor=None,
                county=county,
                closed_before=closed_before,
                out=options["out"],
                schema_dir=options["validate_with"],
                include_extracted=options["include_extracted"],
            )
        except archive.ExtractInvalid as exc:
            raise CommandError(
                _("The extract does not validate against the official schemas:\n%(errors)s")
                % {"errors": "\n".join(exc.errors)}
            ) from None
        except (ValidationFailed, archive.SchemaError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        extract = result.extract
        self.stdout.write(
            _(
                "%(path)s: %(cases)s cases, %(documents)s documents; SHA-256 of "
                "arkivuttrekk.xml %(checksum)s"
            )
            % {
                "path": result.package,
                "cases": extract.cases,
                "documents": extract.documents,
                "checksum": extract.checksum,
            }
        )
        if result.skipped:
            self.stdout.write(
                _("%(n)s closed cases left out: an earlier extract holds them unchanged")
                % {"n": result.skipped}
            )
        if result.validated:
            self.stdout.write(_("Valid against %(schemas)s.") % {"schemas": extract.validated_with})
        else:
            self.stderr.write(
                _(
                    "Not validated, and without the official schemas the package is not "
                    "complete for the archive depot: give --validate-with or set "
                    "VEIVISER_NOARK5_SCHEMA_DIR (docs/privacy.md)."
                )
            )
