"""Writes of letters: making one, the information-letter batch, the guardian block.

Each write checks the access policy, runs in one transaction and leaves one audit event
(STYLE.md habit 2). The PDF is rendered before the transaction opens (it is slow and touches
nothing in the database).
"""

import hashlib
from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.letters import render
from veiviser.letters.models import (
    Audience,
    BatchStatus,
    Letter,
    LetterBatch,
    LetterBlock,
    LetterBlockChange,
    Letterhead,
    LetterKind,
    LetterTemplate,
    StaffContact,
    UnitContact,
)
from veiviser.letters.selectors import batch_candidates
from veiviser.people.models import Guardian, Person
from veiviser.problems import Problem, ValidationFailed, require_none
from veiviser.registry.models import Registration


def _letterhead(registration: Registration) -> dict:
    county = registration.county
    head = Letterhead.objects.filter(county=county).first()
    unit = registration.unit
    contact = UnitContact.objects.filter(unit=unit).first() if unit else None
    return {
        "sender": head.sender if head else county.name,
        "service": head.service if head else "Oppfølgingstjenesten",
        "unit": unit.name if unit else "",
        "address": (contact.address if contact and contact.address else "")
        or (head.address if head else ""),
        "phone": (contact.phone if contact and contact.phone else "")
        or (head.phone if head else ""),
        "email": (contact.email if contact and contact.email else "")
        or (head.email if head else ""),
        "web": head.web if head else "",
    }


def letter_variables(
    registration: Registration,
    *,
    recipient_name: str,
    on: date,
    context_extra: dict | None = None,
) -> dict:
    """The documented variables of a letter text (render.VARIABLES) for this registration."""
    head = _letterhead(registration)
    advisor = registration.advisor
    staff_phone = (
        StaffContact.objects.filter(user=advisor).values_list("phone", flat=True).first()
        if advisor
        else None
    )
    person = registration.person
    extra = dict(context_extra or {})
    when = extra.get("appointment_time")
    if isinstance(when, datetime):
        extra["appointment_time"] = render.nb_datetime(when)
    variables = {
        "youth_name": person.full_name,
        "youth_given_name": person.given_name,
        "recipient_name": recipient_name,
        "advisor_name": (advisor.get_full_name() or advisor.get_username())
        if advisor
        else head["service"] + (f", {head['unit']}" if head["unit"] else ""),
        "advisor_assigned": advisor is not None,
        "advisor_phone": staff_phone or head["phone"],
        "advisor_email": (advisor.email if advisor and advisor.email else head["email"]),
        "unit_name": head["unit"],
        "unit_address": head["address"],
        "unit_phone": head["phone"],
        "county_name": head["sender"],
        "date": render.nb_date(on),
        "appointment_time": "",
        "appointment_place": "",
    }
    variables.update({k: v for k, v in extra.items() if k in render.VARIABLES})
    return variables


def letter_create(
    *,
    actor,
    registration: Registration,
    template: LetterTemplate,
    recipient: Guardian | None = None,
    batch: LetterBatch | None = None,
    appointment=None,
) -> Letter:
    """Make a letter from the active `template` to the youth (`recipient` None) or to one of
    the youth's guardians, and keep its PDF. A letter to a guardian is refused when the youth's
    record blocks letters to guardians (confidentiality, DOMAIN.md §6 duty 2). An appointment
    letter is made from a booked `appointment` of the registration (casework.Appointment), not
    cancelled and still to come: its time and place come from there. The letter is dated
    today."""
    return letter_make(
        actor=actor,
        registration=registration,
        template=template,
        recipient=recipient,
        batch=batch,
        on=timezone.localdate(),
        appointment=appointment,
    )


def appointment_variables(appointment) -> dict:
    """The letter variables of an appointment: its time and where (or how) it is, in bokmål."""
    from django.utils import translation

    with translation.override("nb"):
        where = appointment.where
    return {"appointment_time": appointment.starts_at, "appointment_place": where}


def _appointment_problems(template, registration, appointment) -> list[Problem]:
    if template.kind != LetterKind.APPOINTMENT:
        if appointment is not None:
            return [Problem("appointment", _("only an appointment letter refers to one"))]
        return []
    if appointment is None:
        return [
            Problem(
                "appointment",
                _("an appointment letter is made from a booked appointment: book one first"),
            )
        ]
    if appointment.registration_id != registration.pk:
        return [Problem("appointment", _("not an appointment of this registration"))]
    if appointment.cancelled_at is not None:
        return [Problem("appointment", _("the appointment is cancelled"))]
    if appointment.starts_at <= timezone.now():
        return [Problem("appointment", _("the appointment has already begun"))]
    return []


def letter_make(
    *,
    actor,
    registration: Registration,
    template: LetterTemplate,
    recipient: Guardian | None,
    batch: LetterBatch | None,
    on: date,
    appointment=None,
) -> Letter:
    """`letter_create` with the date the letter's text carries. Only the demo county's
    synthetic history (`letters.demo`) makes letters dated in the past; everything else uses
    `letter_create` (today)."""
    policy.require(actor, policy.CHANGE, registration)
    person = registration.person
    problems = []
    if not template.active:
        problems.append(Problem("template", _("this version of the letter text is replaced")))
    if template.audience == Audience.GUARDIAN:
        if recipient is None:
            problems.append(Problem("recipient", _("this letter is for a guardian: choose one")))
        elif recipient.person_id != person.pk:
            problems.append(Problem("recipient", _("not a guardian of this youth")))
        elif LetterBlock.objects.filter(person=person).exists():
            problems.append(
                Problem(
                    "recipient",
                    _("letters to this youth's guardians are blocked (confidentiality)"),
                )
            )
    elif recipient is not None:
        problems.append(Problem("recipient", _("this letter is for the youth, not a guardian")))
    problems += _appointment_problems(template, registration, appointment)
    require_none(problems)
    extra = appointment_variables(appointment) if appointment is not None else None

    html, recipient_block, variables = letter_document(
        registration=registration, template=template, recipient=recipient, on=on, extra=extra
    )
    pdf = render.html_to_pdf(html)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        letter = Letter.objects.create(
            county_id=registration.county_id,
            registration=registration,
            template=template,
            kind=template.kind,
            audience=template.audience,
            guardian=recipient,
            recipient_name=recipient_block["name"],
            title=render.render_body(template.title, variables),
            pdf=pdf,
            sha256=digest,
            batch=batch,
            appointment=appointment,
            created_by=actor,
        )
        audit.log(
            actor,
            "letters.letter.created",
            letter,
            data={
                "registration": registration.pk,
                "appointment": appointment.pk if appointment is not None else None,
                "template": template.key,
                "version": template.version,
                "audience": template.audience,
                "guardian": recipient.pk if recipient else None,
                "sha256": digest,
            },
        )
    return letter


def letter_document(
    *,
    registration: Registration,
    template: LetterTemplate,
    recipient: Guardian | None,
    on: date,
    extra: dict | None = None,
) -> tuple[str, dict, dict]:
    """The letter as the HTML its PDF is written from, with the recipient block (name and
    address lines) and the text's variables; no checks, nothing written (`letter_make` checks
    and keeps the PDF; tests read the layout of the same HTML with `render.pdf_text`)."""
    person = registration.person
    if recipient is None:
        recipient_block = {"name": person.full_name, "address": person.address}
    else:
        recipient_block = {"name": recipient.name, "address": recipient.address}
    recipient_block["address"] = render.postal_address(recipient_block["address"])
    variables = letter_variables(
        registration, recipient_name=recipient_block["name"], on=on, context_extra=extra
    )
    html = render.letter_html(
        title=template.title,
        body=template.body,
        variables=variables,
        letterhead=_letterhead(registration),
        recipient=recipient_block,
    )
    return html, recipient_block, variables


def letter_download(*, actor, letter: Letter) -> bytes:
    """The letter's PDF as it was made; every download is in the audit trail."""
    policy.require(actor, policy.VIEW, letter.registration)
    with transaction.atomic():
        audit.log(
            actor,
            "letters.letter.downloaded",
            letter,
            data={"registration": letter.registration_id, "sha256": letter.sha256},
        )
    return bytes(letter.pdf)


def letter_block_set(*, actor, person: Person, reason: str) -> LetterBlock:
    """Block letters to the youth's guardians (confidentiality); needs CHANGE on the youth.
    Setting it again with another reason changes the reason. Each step is kept in the block's
    history (`LetterBlockChange`: who, when, why), shown on the youth page."""
    policy.require(actor, policy.CHANGE, person)
    reason = reason.strip()
    if not reason:
        require_none([Problem("reason", _("give the reason for the block"))])
    with transaction.atomic():
        before = LetterBlock.objects.select_for_update().filter(person=person).first()
        block, created = LetterBlock.objects.update_or_create(
            person=person, defaults={"reason": reason, "created_by": actor}
        )
        if created or before.reason != reason:
            LetterBlockChange.objects.create(
                county_id=person.county_id,
                person=person,
                action=LetterBlockChange.Action.SET
                if created
                else LetterBlockChange.Action.CHANGED,
                reason=reason,
                at=timezone.now(),
                by=actor,
            )
        audit.log(actor, "letters.block.set", block, data={"person": person.pk, "new": created})
    return block


def letter_block_clear(*, actor, person: Person, reason: str = "") -> bool:
    """Lift the block on letters to the youth's guardians, saying why (`reason`, kept in the
    block's history). Returns whether there was one."""
    policy.require(actor, policy.CHANGE, person)
    block = LetterBlock.objects.filter(person=person).first()
    if block is None:
        return False
    with transaction.atomic():
        audit.log(actor, "letters.block.cleared", block, data={"person": person.pk})
        LetterBlockChange.objects.create(
            county_id=person.county_id,
            person=person,
            action=LetterBlockChange.Action.LIFTED,
            reason=reason.strip(),
            at=timezone.now(),
            by=actor,
        )
        block.delete()
    return True


def _information_template(audience: str) -> LetterTemplate:
    template = LetterTemplate.objects.filter(
        active=True, kind=LetterKind.INFORMATION, audience=audience
    ).first()
    if template is None:
        require_none(
            [Problem("template", _("no information letter text for %(a)s") % {"a": audience})]
        )
    return template


def letters_batch(
    *,
    actor,
    county,
    since: date,
    unit=None,
    batch: LetterBatch | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> dict:
    """The information letters due (DOMAIN.md §6 duty 2): for the registrations of the county
    (or unit) since `since` that have none, one to the youth and, for a minor, one to each
    guardian (`selectors.batch_candidates`); a letter to the guardians of a youth whose record
    blocks them is refused and counted as such. Each letter is its own transaction, so an
    interrupted batch keeps what it made and a rerun makes only the rest; a second run makes
    nothing. `progress(made, refused, total)` is called after each letter."""
    if actor is not None and policy.scope(actor, policy.CHANGE) == policy.NOTHING:
        raise PermissionDenied("change is not allowed here")
    if unit is not None and unit.county_id != county.pk:
        require_none([Problem("unit", _("the unit belongs to another county"))])
    today = timezone.localdate()
    candidates = batch_candidates(county=county, since=since, unit=unit, user=actor, today=today)
    templates = {a: _information_template(a) for a in {c[1] for c in candidates}}
    total = len(candidates)
    made = refused = 0
    if progress:
        progress(0, 0, total)
    for registration, audience, guardian in candidates:
        try:
            letter_create(
                actor=actor,
                registration=registration,
                template=templates[audience],
                recipient=guardian,
                batch=batch,
            )
            made += 1
        except (ValidationFailed, PermissionDenied):
            refused += 1
        if progress:
            progress(made, refused, total)
    result = {"candidates": total, "created": made, "refused": refused}
    if made or refused:
        audit.log(
            actor,
            "letters.batch.completed",
            county=county.number,
            data={
                **result,
                "since": since.isoformat(),
                "unit": unit.key if unit else None,
                "batch": batch.pk if batch else None,
            },
        )
    return result


def batch_start(*, actor, county, since: date, unit=None) -> LetterBatch:
    """Queue an information-letter batch as a background task (django-tasks; `veiviser
    db_worker` runs it). Its progress is kept on the returned LetterBatch."""
    if actor is not None and (
        policy.scope(actor, policy.CHANGE) == policy.NOTHING or actor.county_id != county.pk
    ):
        raise PermissionDenied("change is not allowed here")
    from veiviser.letters.tasks import letters_batch_task

    with transaction.atomic():
        batch = LetterBatch.objects.create(county=county, unit=unit, since=since, created_by=actor)
        audit.log(
            actor,
            "letters.batch.queued",
            batch,
            data={"since": since.isoformat(), "unit": unit.key if unit else None},
        )

        def enqueue():
            result = letters_batch_task.enqueue(batch.pk)
            LetterBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))

        transaction.on_commit(enqueue)
    return batch


def batch_run(batch: LetterBatch) -> dict:
    """Run a queued batch (the background task's body), recording its progress: letters to
    make, made, refused. Only a queued batch starts: a task delivered twice, or the old task of
    a batch started again (`batch_retry`), finds it running or done and leaves it."""
    started = LetterBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING, error="", finished_at=None
    )
    if not started:
        return {"candidates": 0, "created": 0, "refused": 0}

    def progress(made, refused, total):
        LetterBatch.objects.filter(pk=batch.pk).update(done=made, skipped=refused, total=total)

    try:
        result = letters_batch(
            actor=batch.created_by,
            county=batch.county,
            since=batch.since,
            unit=batch.unit,
            batch=batch,
            progress=progress,
        )
    except Exception as error:
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=str(error), finished_at=timezone.now()
        )
        raise
    LetterBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE,
        total=result["candidates"],
        done=result["created"],
        skipped=result["refused"],
        finished_at=timezone.now(),
    )
    return result


def _may_run_batches(actor, batch: LetterBatch) -> bool:
    """Who may start a batch again: the system, or whoever may start it (`batch_start`) in its
    scope: the office for any batch of its county, a unit coordinator for the unit's."""
    if actor is None:
        return True
    if actor.county_id != batch.county_id:
        return False
    kind = policy.scope(actor, policy.CHANGE)
    if kind == policy.COUNTY:
        return True
    return kind == policy.UNIT and actor.unit_id is not None and actor.unit_id == batch.unit_id


def batch_retry(*, actor, batch: LetterBatch) -> bool:
    """Queue a failed batch again ("Prøv igjen" on its page, or `veiviser tasks retry`): the
    task that failed, with the same arguments (the demo's letters too), or the ordinary batch
    task when that task result is gone. Letters made before the failure are kept, and the rerun
    makes only the rest (`letters_batch`). Returns False, and changes nothing, when the batch is
    not failed (done, queued or running: retried already). Audited as `letters.batch.retried`."""
    from django_tasks_db.models import DBTaskResult

    from veiviser.letters.tasks import letters_batch_task

    if not _may_run_batches(actor, batch):
        raise PermissionDenied("this batch is not in the user's scope")
    with transaction.atomic():
        locked = LetterBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != BatchStatus.FAILED:
            return False
        failed = DBTaskResult.objects.filter(pk=locked.task_id).first() if locked.task_id else None
        try:
            task = failed.task if failed is not None else None
        except (ImportError, SuspiciousOperation):
            task = None  # the task was renamed or removed since: run the ordinary batch
        if task is not None:
            arguments = failed.args_kwargs
            result = task.enqueue(*arguments["args"], **arguments["kwargs"])
        else:
            result = letters_batch_task.enqueue(locked.pk)
        earlier = locked.task_id
        locked.status = BatchStatus.QUEUED
        locked.error = ""
        locked.finished_at = None
        locked.task_id = str(result.id)
        locked.save(update_fields=["status", "error", "finished_at", "task_id"])
        audit.log(
            actor,
            "letters.batch.retried",
            locked,
            data={"failed_task": earlier, "task": locked.task_id},
        )
    batch.refresh_from_db()
    return True


def template_new_version(template: LetterTemplate, *, actor) -> LetterTemplate:
    """Turn an edited, unsaved `template` (with the pk of the version it was edited from)
    into the next version of its key, and retire the earlier ones: letters keep the version
    they were made from. Called inside the admin's audited save."""
    with transaction.atomic():
        latest = (
            LetterTemplate.objects.select_for_update()
            .filter(key=template.key)
            .order_by("-version")
            .first()
        )
        LetterTemplate.objects.filter(key=template.key, active=True).update(active=False)
        template.pk = None
        template._state.adding = True
        template.version = (latest.version + 1) if latest else 1
        template.active = True
        template.created_by = actor
        template.created_at = None
    return template
