import json
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands import check as django_check
from django.utils.translation import gettext as _

from veiviser.cli_options import parse_date
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import County
from veiviser.quality.selectors import run_check
from veiviser.statistics import exports
from veiviser.statistics.tables import DateOutsideSchoolYear

CSV_HEADER = ["rule", "registration", "unit", "status", "status_since", "registered_on"]


class Command(django_check.Command):
    """`veiviser check --county NN --date D` is the pre-submission check; without --county it is
    Django's own system check (`veiviser check --deploy`), which this command extends."""

    help = (
        "With --county and --date: the pre-submission check. Lists every registration counted "
        "at the date that would make the county's numbers wrong or doubtful, grouped by rule "
        "(OTUK past the contact deadline, stale status, no identity number, likely duplicate, "
        "birth date and identity number disagree, outside the age limit in groups 1–4, group 3 "
        "code without a measure, no unit). Youths are shown by registration key only. Exit code "
        "0 whether or not anything is found; 1 on bad input. See docs/quality.md. Without "
        "--county: Django's system check of the installation."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--county", help="two-digit county number, e.g. 39")
        parser.add_argument(
            "--date", help="the counting date to check, e.g. 2024-11-15 (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--format",
            choices=["text", "json", "csv"],
            default="text",
            help="text (for people), json or csv (semicolons, UTF-8 with BOM, for Excel)",
        )
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *app_labels, **options):
        if not options["county"] and not options["date"]:
            return super().handle(*app_labels, **options)
        if not options["county"] or not options["date"]:
            raise CommandError(_("the pre-submission check needs both --county and --date"))
        county = County.objects.filter(number=options["county"]).first()
        if county is None:
            raise CommandError(
                _("no county %(county)s in this database") % {"county": repr(options["county"])}
            )
        on = parse_date(options["date"])
        try:
            results = run_check(kodeverk(), county=county, on=on)
        except (DateOutsideSchoolYear, LookupError) as exc:
            raise CommandError(str(exc)) from None
        output_format = options["format"]
        if output_format == "json":
            text = json.dumps(document(county, on, results), ensure_ascii=False) + "\n"
        elif output_format == "csv":
            text = exports.write_csv(CSV_HEADER, csv_rows(results))
        else:
            text = plain(county, on, results)
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as file:
                file.write(text)
        else:
            self.stdout.write(text, ending="")


def _finding(finding) -> dict:
    return {
        "registration": finding.registration_key,
        "unit": finding.unit,
        "status": finding.status,
        "status_since": finding.status_since.isoformat(),
        "registered_on": finding.registered_on.isoformat(),
    }


def document(county, on, results) -> dict:
    return {
        "county": county.number,
        "date": on.isoformat(),
        "rules": [
            {
                "rule": result.rule.key,
                "count": len(result.findings),
                "registrations": [_finding(f) for f in result.findings],
            }
            for result in results
        ],
    }


def csv_rows(results) -> list[list]:
    return [[result.rule.key, *_finding(f).values()] for result in results for f in result.findings]


def plain(county, on, results) -> str:
    lines = [
        _("Pre-submission check, county %(county)s, %(date)s")
        % {"county": county.number, "date": on.isoformat()},
        "",
    ]
    for result in results:
        lines.append(f"{result.rule.label} ({result.rule.key}): {len(result.findings)}")
        for f in result.findings:
            lines.append(
                f"  {f.registration_key}  {f.unit or '-'}  {f.status} "
                f"{_('since')} {f.status_since.isoformat()}"
            )
    total = sum(len(r.findings) for r in results)
    lines += ["", _("Findings: %(count)s") % {"count": total}]
    return "\n".join(lines) + "\n"
