"""Every write of the annual reports: narratives (versioned) and generated reports.

A report is made from the numbers as known at one instant K (`known_at`, default: the moment
it is made) and the newest version of each narrative; the record keeps K, the narrative
versions, the published numbers and the file's SHA-256, so `report_regenerate` makes the same
report again later (the numbers identical even after corrections recorded since).
"""

import hashlib
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from veiviser.audit import services as audit
from veiviser.codes.selectors import kodeverk, school_year_label
from veiviser.problems import Problem, ValidationFailed
from veiviser.reports import document, selectors
from veiviser.reports.models import Narrative, Report, ReportFormat, ReportStatus
from veiviser.reports.sections import ReportContext

MAX_NARRATIVE = 20_000
# Sections whose sources have no "as known at" reading: a regeneration reuses their numbers.
# Measures, exams, preventive work and projects are casework, counted as recorded now.
NOT_BITEMPORAL = (
    "organisation",
    "duties",
    "measures",
    "autumn_outcomes",
    "exams",
    "prevention",
    "projects",
)


def _require(actor, county) -> None:
    if actor is None:
        return
    if not selectors.may_make_reports(actor) or actor.county_id != county.pk:
        raise PermissionDenied("the annual report is not allowed here")


def narrative_keys(county) -> list[tuple[str, str]]:
    """The narrative sections a county can write: (key, what it is), in report order."""
    from django.utils.translation import gettext as _

    keys = [
        ("introduction", _("Introduction")),
        ("organisation", _("The follow-up service in the county")),
        ("target-group", _("The target group and the law")),
    ]
    for unit in county.units.filter(closed_on__isnull=True).order_by("name"):
        keys.append((f"unit-{unit.key}", _("From the unit: %(unit)s") % {"unit": unit.name}))
    return keys


def narrative_save(*, actor, county, key: str, body: str) -> Narrative:
    """Save a narrative as its next version (an unchanged text makes no new version, so a
    repeated submit is harmless)."""
    _require(actor, county)
    if key not in dict(narrative_keys(county)):
        raise ValidationFailed([Problem("key", f"no narrative section {key!r}")])
    if len(body) > MAX_NARRATIVE:
        raise ValidationFailed(
            [Problem("body", f"the text is longer than {MAX_NARRATIVE} characters")]
        )
    with transaction.atomic():
        latest = (
            Narrative.objects.select_for_update()
            .filter(county=county, key=key)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.body == body:
            return latest
        narrative = Narrative.objects.create(
            county=county,
            key=key,
            version=(latest.version + 1) if latest else 1,
            body=body,
            created_by=actor if actor is not None and actor.pk else None,
        )
        audit.log(
            actor,
            "reports.narrative.saved",
            narrative,
            data={"key": key, "version": narrative.version},
        )
    return narrative


def _check(
    county, school_year: int, known_at: datetime | None, output_format: str
) -> list[Problem]:
    problems = []
    kv = kodeverk()
    try:
        kv.counting_dates_of(school_year)
        kv.age_limit(school_year)
    except LookupError as error:
        problems.append(Problem("school_year", str(error)))
    if known_at is not None and known_at > timezone.now():
        problems.append(Problem("known_at", "the instant is in the future"))
    if output_format not in ReportFormat.values:
        problems.append(Problem("format", f"{output_format!r} is not pdf or html"))
    return problems


def report_queue(
    *, actor, county, school_year: int, known_at: datetime | None = None, output_format: str = "pdf"
) -> Report:
    """Queue a report as a background task (django-tasks; `veiviser db_worker` runs it)."""
    _require(actor, county)
    problems = _check(county, school_year, known_at, output_format)
    if problems:
        raise ValidationFailed(problems)
    from veiviser.reports.tasks import report_task

    with transaction.atomic():
        report = Report.objects.create(
            county=county,
            school_year=school_year,
            known_at=(known_at or timezone.now()).replace(microsecond=0),
            format=output_format,
            created_by=actor if actor is not None and actor.pk else None,
        )
        audit.log(actor, "reports.report.queued", report, data=_audit_data(report))

        def enqueue():
            result = report_task.enqueue(report.pk)
            Report.objects.filter(pk=report.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return report


def report_run(
    report: Report,
    *,
    narrative_versions: dict[str, int] | None = None,
    frozen: dict | None = None,
) -> Report:
    """Make a queued report (the background task's body, and the command's), recording its
    progress section by section. A failure leaves the record failed with the error, no file."""
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    if report.again_of_id is not None and narrative_versions is None:
        earlier = report.again_of
        narrative_versions = earlier.narratives
        frozen = {k: v for k, v in earlier.numbers.items() if k in NOT_BITEMPORAL}

    def progress(done: int, total: int) -> None:
        Report.objects.filter(pk=report.pk).update(sections_done=done, sections_total=total)

    try:
        narratives = (
            selectors.latest_narratives(report.county)
            if narrative_versions is None
            else selectors.narratives_at(report.county, narrative_versions)
        )
        ctx = ReportContext(
            kv=kodeverk(),
            county=report.county,
            school_year=report.school_year,
            known_at=report.known_at,
            narratives=narratives,
            frozen=frozen or {},
        )
        built = document.build(ctx, progress=progress)
        content = (
            document.to_pdf(built.html)
            if report.format == ReportFormat.PDF
            else built.html.encode("utf-8")
        )
    except Exception as error:
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        report.file = content
        report.sha256 = hashlib.sha256(content).hexdigest()
        report.numbers = built.numbers
        report.narratives = built.narratives
        report.status = ReportStatus.DONE
        report.error = ""
        report.finished_at = timezone.now()
        report.sections_done = report.sections_total = len(document.sections())
        report.save()
        audit.log(
            report.created_by,
            "reports.report.made",
            report,
            data={**_audit_data(report), "sha256": report.sha256},
        )
    return report


def report_retry(*, actor, report: Report) -> bool:
    """Queue a failed report again (`veiviser tasks retry`, docs/operations.md): the same
    report, county, school year and instant, made from the start. Returns False, and changes
    nothing, when the report is not failed (done, queued or running: retried already).
    Audited as `reports.report.retried`."""
    from veiviser.reports.tasks import report_task

    _require(actor, report.county)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.FAILED:
            return False
        result = report_task.enqueue(locked.pk)
        Report.objects.filter(pk=locked.pk).update(
            status=ReportStatus.QUEUED,
            error="",
            finished_at=None,
            sections_done=0,
            task_id=str(result.id),
        )
        audit.log(
            actor,
            "reports.report.retried",
            locked,
            data={"failed_task": locked.task_id, "task": str(result.id)},
        )
    report.refresh_from_db()
    return True


def report_make(
    *,
    actor,
    county,
    school_year: int,
    known_at: datetime | None = None,
    output_format: str = "pdf",
) -> Report:
    """Make a report now, in this process (the `veiviser report` command)."""
    _require(actor, county)
    problems = _check(county, school_year, known_at, output_format)
    if problems:
        raise ValidationFailed(problems)
    report = Report.objects.create(
        county=county,
        school_year=school_year,
        known_at=(known_at or timezone.now()).replace(microsecond=0),
        format=output_format,
        status=ReportStatus.RUNNING,
        created_by=actor if actor is not None and actor.pk else None,
    )
    return report_run(report)


def _again(actor, report: Report, output_format: str | None, status: str) -> Report:
    _require(actor, report.county)
    if report.status != ReportStatus.DONE:
        raise ValidationFailed([Problem("report", "only a finished report can be made again")])
    return Report.objects.create(
        county=report.county,
        school_year=report.school_year,
        known_at=report.known_at,
        format=output_format or report.format,
        status=status,
        again_of=report,
        created_by=actor if actor is not None and actor.pk else None,
    )


def report_regenerate(*, actor, report: Report, output_format: str | None = None) -> Report:
    """Make `report` again now: the same K and the same narrative versions, so the same
    numbers. The sections that cannot be read as known at K (`NOT_BITEMPORAL`) reuse its
    numbers. The new report names the one it repeats (`again_of`)."""
    return report_run(_again(actor, report, output_format, ReportStatus.RUNNING))


def report_queue_again(*, actor, report: Report) -> Report:
    """Queue `report` to be made again in the background (as `report_regenerate`)."""
    from veiviser.reports.tasks import report_task

    with transaction.atomic():
        again = _again(actor, report, None, ReportStatus.QUEUED)
        audit.log(
            actor,
            "reports.report.queued",
            again,
            data={**_audit_data(again), "again_of": report.pk},
        )

        def enqueue():
            result = report_task.enqueue(again.pk)
            Report.objects.filter(pk=again.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return again


def report_download(*, actor, report: Report) -> bytes:
    """The report's file, audited (who took which published report)."""
    _require(actor, report.county)
    audit.log(actor, "reports.report.downloaded", report, data=_audit_data(report))
    return bytes(report.file)


def _audit_data(report: Report) -> dict:
    return {
        "school_year": school_year_label(report.school_year),
        "known_at": report.known_at.isoformat(),
        "format": report.format,
    }
