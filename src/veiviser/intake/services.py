"""Writes of the intake: the county's column mapping, previewing a file (an IntakeRun with its
plan) and applying a previewed run as previewed.

Applying is one transaction: every row's writes go through the registry's and people's
services (each audits its own change), and the run ends with one `intake.run.applied` event
carrying the file's checksum and counts. A failure anywhere writes nothing. Importing the same
file again finds every row unchanged and changes nothing.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import kodeverk
from veiviser.intake import csvfile, planning
from veiviser.intake.models import Action, ColumnMapping, IntakeRun, RunStatus
from veiviser.organisation.models import Unit
from veiviser.people import services as people
from veiviser.people.models import Person
from veiviser.problems import Problem, ValidationFailed, require_none
from veiviser.registry import services as registry
from veiviser.registry.models import ReasonFact, Registration, Source


class StalePlan(ValidationFailed):
    """The database changed between the preview and the confirmation."""


def intake_scope(user) -> str:
    """COUNTY or UNIT for users who may import intake files (policy INTAKE); else refused."""
    kind = policy.scope(user, policy.INTAKE)
    if kind == policy.COUNTY or (kind == policy.UNIT and user is not None and user.unit_id):
        return kind
    raise PermissionDenied("intake is not allowed here")


def mapping_for(county) -> ColumnMapping:
    """The county's column mapping, or the default one (unsaved) if the county has none."""
    return ColumnMapping.objects.filter(county=county).first() or ColumnMapping(county=county)


def mapping_save(*, actor, county, columns: dict, reason_values: dict) -> ColumnMapping:
    """Set the county's column mapping (office: county scope of INTAKE)."""
    if actor is not None and (intake_scope(actor) != policy.COUNTY or actor.county_id != county.pk):
        raise PermissionDenied("intake mapping is not allowed here")
    problems = []
    unknown = sorted(set(columns) - set(planning.FIELDS))
    if unknown:
        problems.append(
            Problem("columns", _("unknown fields: %(fields)s") % {"fields": ", ".join(unknown)})
        )
    for field in planning.REQUIRED_FIELDS:
        if not columns.get(field):
            problems.append(Problem(field, _("a required field needs a column")))
    kv = kodeverk()
    for value, target in reason_values.items():
        if target not in kv.reason_groups and target.upper() not in kv.reason_codes:
            problems.append(
                Problem(
                    "reason_values",
                    _("%(value)s: %(target)s is neither a reason code nor a reason group")
                    % {"value": value, "target": target},
                )
            )
    require_none(problems)
    with transaction.atomic():
        mapping, _created = ColumnMapping.objects.update_or_create(
            county=county, defaults={"columns": columns, "reason_values": reason_values}
        )
        audit.log(actor, "intake.mapping.saved", mapping, data={"columns": columns})
    return mapping


def run_preview(*, actor, county, filename: str, data: bytes) -> IntakeRun:
    """Read and plan an intake file and keep the plan as a previewed run (nothing else is
    written). A file that cannot be read at all (encoding, header) raises ValidationFailed."""
    unit = None
    if actor is not None:
        if actor.county_id != county.pk:
            raise PermissionDenied("intake is not allowed here")
        if intake_scope(actor) == policy.UNIT:
            unit = actor.unit
    try:
        raw = csvfile.read(data)
    except csvfile.FileUnreadable as failed:
        raise ValidationFailed(failed.problems) from None
    rows, header_problems = planning.plan(
        actor=actor, county=county, mapping=mapping_for(county), kv=kodeverk(), raw=raw, unit=unit
    )
    if header_problems:
        raise ValidationFailed(
            [Problem(column, _("row 1: %(why)s") % {"why": why}) for column, why in header_problems]
        )
    counts = planning.counts(rows)
    with transaction.atomic():
        run = IntakeRun.objects.create(
            county=county,
            unit=unit,
            filename=filename[:255],
            sha256=raw.sha256,
            encoding=raw.encoding,
            plan=rows,
            rows=len(rows),
            created=counts[Action.CREATE],
            updated=counts[Action.UPDATE],
            unchanged=counts[Action.UNCHANGED],
            rejected=counts[Action.REJECTED],
            created_by=actor,
        )
        audit.log(
            actor,
            "intake.run.previewed",
            run,
            data={"file": run.filename, "sha256": run.sha256, **run.counts()},
        )
    return run


def earlier_imports(run: IntakeRun):
    """Earlier applied runs of the same file (same checksum) in the county."""
    return IntakeRun.objects.filter(
        county_id=run.county_id, sha256=run.sha256, status=RunStatus.DONE
    ).exclude(pk=run.pk)


def run_confirm(*, actor, run: IntakeRun, sha256: str, background: bool = True) -> IntakeRun:
    """Confirm a previewed run: the checksum the user confirmed must be the run's (the preview
    they saw). With `background`, the run is queued (django-tasks); otherwise applied now."""
    if actor is not None and actor.county_id != run.county_id:
        raise PermissionDenied("intake is not allowed here")
    if run.status != RunStatus.PREVIEWED:
        require_none([Problem("status", _("the run is not waiting for confirmation"))])
    if sha256 != run.sha256:
        require_none([Problem("sha256", _("the file changed since the preview: upload it again"))])
    # One confirmation only: of two at the same time, the second finds the run taken.
    taken = IntakeRun.objects.filter(pk=run.pk, status=RunStatus.PREVIEWED).update(
        status=RunStatus.QUEUED, applied_by=actor
    )
    if not taken:
        require_none([Problem("status", _("the run is not waiting for confirmation"))])
    if not background:
        return run_apply(run=run, actor=actor)
    from veiviser.intake.tasks import intake_apply_task

    with transaction.atomic():
        audit.log(actor, "intake.run.queued", run, data={"sha256": run.sha256})

        def enqueue():
            result = intake_apply_task.enqueue(run.pk)
            IntakeRun.objects.filter(pk=run.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    run.refresh_from_db()
    return run


def run_retry(*, actor, run: IntakeRun) -> bool:
    """Queue a failed run again (`veiviser tasks retry`, docs/operations.md). A failed run
    wrote nothing (its rows are written in one transaction), so it is applied from the start,
    checked against the database again like the first time: if the registry changed since the
    preview it fails again and must be previewed anew. Returns False, and changes nothing,
    when the run is not failed. Audited as `intake.run.retried`."""
    from veiviser.intake.tasks import intake_apply_task

    if actor is not None:
        kind = intake_scope(actor)
        if actor.county_id != run.county_id or (
            kind == policy.UNIT and actor.unit_id != run.unit_id
        ):
            raise PermissionDenied("intake is not allowed here")
    with transaction.atomic():
        locked = IntakeRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.FAILED:
            return False
        result = intake_apply_task.enqueue(locked.pk)
        IntakeRun.objects.filter(pk=locked.pk).update(
            status=RunStatus.QUEUED, error="", task_id=str(result.id)
        )
        audit.log(
            actor,
            "intake.run.retried",
            locked,
            data={"failed_task": locked.task_id, "task": str(result.id)},
        )
    run.refresh_from_db()
    return True


def run_apply(*, run: IntakeRun, actor=...) -> IntakeRun:
    """Apply a confirmed run exactly as previewed (the background task's body).

    First every row to apply is planned again against the database, committing the progress
    as it goes; if any row's action or changes differ from the preview, nothing is written and
    the run fails (preview again). Then all rows are written in one transaction."""
    if actor is ...:
        actor = run.applied_by
    # Only a queued run starts: a task delivered twice finds it running or done and leaves it.
    started = IntakeRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, applied_by=actor, done=0, error=""
    )
    if not started:
        run.refresh_from_db()
        return run
    try:
        _check_unchanged(run, actor)
        with transaction.atomic():
            _write(run, actor)
            IntakeRun.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE, applied_at=timezone.now(), done=run.rows
            )
            audit.log(
                actor,
                "intake.run.applied",
                run,
                data={"file": run.filename, "sha256": run.sha256, **run.counts()},
            )
    except Exception as error:
        message = (
            "; ".join(p.reason for p in error.problems)
            if isinstance(error, ValidationFailed)
            else str(error)
        )
        IntakeRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=message)
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return run


PROGRESS_EVERY = 200


def _to_apply(run: IntakeRun) -> list[dict]:
    return [r for r in run.plan if r["action"] != Action.REJECTED]


def _check_unchanged(run: IntakeRun, actor) -> None:
    rows = _to_apply(run)
    unit = Unit.objects.filter(pk=run.unit_id).first() if run.unit_id else None
    kv = kodeverk()
    fresh = []
    for start in range(0, len(rows), PROGRESS_EVERY):
        chunk = rows[start : start + PROGRESS_EVERY]
        fresh += planning.plan_parsed(
            actor=actor,
            county=run.county,
            kv=kv,
            rows=[(r["row"], r["data"], []) for r in chunk],
            unit=unit,
            mapping=mapping_for(run.county),
        )
        IntakeRun.objects.filter(pk=run.pk).update(done=start + len(chunk))
    if planning.signature(fresh) != planning.signature(rows):
        changed = [
            str(new["row"])
            for new, old in zip(fresh, rows, strict=True)
            if planning.signature([new]) != planning.signature([old])
        ]
        raise StalePlan(
            [
                Problem(
                    "plan",
                    _(
                        "the records changed since the preview (rows %(rows)s); nothing was "
                        "written: upload the file again"
                    )
                    % {"rows": ", ".join(changed)},
                )
            ]
        )


def _write(run: IntakeRun, actor) -> None:
    units = {u.pk: u for u in Unit.objects.filter(county_id=run.county_id)}
    for row in _to_apply(run):
        data = row["data"]
        unit = units.get(data["unit_id"])
        birth_date = date.fromisoformat(data["birth_date"])
        person = Person.objects.filter(county_id=run.county_id, fnr=data["fnr"]).first()
        person_changes = {f: data[f] for f in row["changes"] if f in planning.PERSON_FIELDS}
        if person is not None and person_changes:
            people.person_update(actor=actor, person=person, **person_changes)
        if row["action"] == Action.CREATE:
            if person is None:
                person = people.person_create(
                    actor=actor,
                    county=run.county,
                    fnr=data["fnr"],
                    birth_date=birth_date,
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    municipality=data["municipality"],
                )
            registry.registration_create(
                actor=actor,
                person=person,
                school_year=data["school_year"],
                registered_on=date.fromisoformat(data["registered_on"]),
                reason=data["reason"],
                reason_code=data["reason_code"],
                source=Source.ADMISSIONS,
                unit=unit,
            )
        elif "reason" in row["changes"]:
            registration = Registration.objects.get(pk=row["registration"])
            # From the row's date, or from the latest reason fact's if that is later, so the
            # new reason is the one in force from then on (and a second import finds it).
            latest = (
                ReasonFact.objects.filter(registration=registration)
                .order_by("-valid_from")
                .values_list("valid_from", flat=True)
                .first()
            )
            valid_from = max(d for d in (date.fromisoformat(data["registered_on"]), latest) if d)
            registry.reason_record(
                actor=actor, registration=registration, reason=data["reason"], valid_from=valid_from
            )


def intake_file(*, actor, county, filename: str, data: bytes, dry_run: bool = False):
    """The command's path: preview and, unless `dry_run`, apply at once. Returns the run."""
    run = run_preview(actor=actor, county=county, filename=filename, data=data)
    if dry_run:
        return run
    return run_confirm(actor=actor, run=run, sha256=run.sha256, background=False)
