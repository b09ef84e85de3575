"""The demo county's information letters (docs/letters.md, "The demo county's letters").

Advisors send the information letter about rights soon after a youth is registered
(DOMAIN.md §6 duty 2), so in a realistic county most older registrations have one. A real
letter is a PDF made by WeasyPrint (0.1–0.4 s each; some 3,400 letters to youths and guardians
in the demo's latest school year), far too slow for `veiviser demo`. So the demo only *plans* the letters and queues
one background task; `veiviser worker --batch` (or the running worker) makes them: each is a
real PDF for that youth, with the letter date the plan gives, stored and logged like any
letter. Nothing is reused between youths. Until the worker has run, the duties show the
letters as missing, as they would be. The run is a `LetterBatch` of the whole county, so the
office sees it on the batch page with its progress, and can start it again if it fails.

The plan is a pure function of the database and the seed: the latest school year's
registrations in key order, each drawing from one random stream. About 80 % get their letter
within the deadline, about 10 % late, and the rest none (so the duty dashboards show some
overdue letters). Registrations younger than the deadline get none yet. The same day, each
guardian of a youth under 18 on that day gets the letter to guardians (`demo.households`
records them); where the youth's record blocks letters to the guardians, the letter is
refused by the service like any other, and the batch counts it as refused.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from veiviser.audit import services as audit
from veiviser.letters import services
from veiviser.letters.models import Audience, BatchStatus, Letter, LetterBatch, LetterKind
from veiviser.people.rules import is_minor
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Registration

ON_TIME = 0.80
LATE = 0.10
INFORMATION_DAYS = 14  # docs/duties.md's default deadline for the information letter
OSLO = ZoneInfo("Europe/Oslo")


def information_letter_plan(county, seed: int, today: date | None = None) -> list[tuple[int, date]]:
    """(registration id, letter date) for the demo's information letters to the youth."""
    from veiviser.demo import generator

    today = today or timezone.localdate()
    latest = max(generator.SCHOOL_YEARS)
    rng = random.Random(f"{seed}-information-letters")
    plan = []
    registrations = Registration.objects.filter(county=county, school_year=latest).order_by("key")
    for pk, registered_on in registrations.values_list("pk", "registered_on"):
        draw, on_time, late = rng.random(), rng.randint(0, 10), rng.randint(15, 40)
        if registered_on + timedelta(INFORMATION_DAYS) > today:
            continue  # not yet due: the advisor still has time
        year_end = date(latest + 1, 7, 31)
        if draw < ON_TIME:
            sent = registered_on + timedelta(on_time)
        elif draw < ON_TIME + LATE:
            sent = registered_on + timedelta(late)
        else:
            continue
        plan.append((pk, min(sent, year_end, today)))
    return plan


def letter_plan(county, seed: int, today: date | None = None) -> list[tuple[int, date, object]]:
    """Every letter of the plan: (registration id, letter date, guardian or None), the youth's
    letter first, then one for each guardian of a youth under 18 on the letter date (blocked
    ones included: the service refuses them)."""
    plan = information_letter_plan(county, seed, today)
    registrations = Registration.objects.filter(pk__in=[pk for pk, _ in plan]).select_related(
        "person"
    )
    people = {r.pk: r.person for r in registrations.prefetch_related("person__guardians")}
    letters: list[tuple[int, date, object]] = []
    for pk, sent in plan:
        letters.append((pk, sent, None))
        person = people[pk]
        if is_minor(person.birth_date, sent):
            guardians = sorted(person.guardians.all(), key=lambda g: g.pk)
            letters += [(pk, sent, guardian) for guardian in guardians]
    return letters


def queue_information_letters(county, seed: int) -> int:
    """Queue the background task that makes the planned letters (after the demo's transaction
    commits), as a batch of the whole county. Returns how many letters are planned."""
    from veiviser.demo import generator
    from veiviser.letters.tasks import demo_letters_task

    planned = len(letter_plan(county, seed))
    if not planned:
        return 0
    since = date(max(generator.SCHOOL_YEARS), 8, 1)
    batch = LetterBatch.objects.create(county=county, since=since, total=planned)
    audit.log(None, "letters.batch.queued", batch, data={"since": since.isoformat(), "demo": True})

    def enqueue():
        result = demo_letters_task.enqueue(county.pk, seed, batch.pk)
        LetterBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return planned


def make_information_letters(
    county, seed: int, today: date | None = None, batch: LetterBatch | None = None
) -> dict:
    """Make the planned letters that do not exist yet (the task's body): each a real PDF dated
    by the plan, in its own transaction, so an interrupted run keeps what it made and a rerun
    makes only the rest. With `batch`, its progress is recorded there as for any batch
    (`services.batch_run`), and a batch that is not queued is left alone (a task delivered
    twice, or one whose batch was started again)."""
    if batch is not None:
        started = LetterBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
            status=BatchStatus.RUNNING, error="", done=0, skipped=0
        )
        if not started:
            return {"planned": 0, "created": 0, "existing": 0, "refused": 0}
    try:
        result = _make(county, seed, today, batch)
    except Exception as error:
        if batch is not None:
            LetterBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
        raise
    if batch is not None:
        LetterBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DONE, finished_at=timezone.now()
        )
        if result["created"] or result["refused"]:
            audit.log(
                None,
                "letters.batch.completed",
                county=county.number,
                data={**result, "batch": batch.pk, "demo": True},
            )
    return result


def _make(county, seed: int, today: date | None, batch: LetterBatch | None) -> dict:
    plan = letter_plan(county, seed, today)
    done = set(
        Letter.objects.filter(
            registration_id__in={pk for pk, _, _ in plan}, kind=LetterKind.INFORMATION
        ).values_list("registration_id", "audience", "guardian_id")
    )

    def key(pk, guardian):
        if guardian is None:
            return (pk, Audience.YOUTH, None)
        return (pk, Audience.GUARDIAN, guardian.pk)

    todo = [(pk, sent, guardian) for pk, sent, guardian in plan if key(pk, guardian) not in done]
    templates = {a: services._information_template(a) for a in (Audience.YOUTH, Audience.GUARDIAN)}
    made = refused = 0

    def progress():
        if batch is not None:
            LetterBatch.objects.filter(pk=batch.pk).update(
                total=len(todo), done=made, skipped=refused
            )

    progress()
    registrations: dict[int, object] = {}
    for n, (pk, sent, guardian) in enumerate(todo, start=1):
        if pk not in registrations:
            registrations[pk] = Registration.objects.select_related(
                "person", "unit", "advisor"
            ).get(pk=pk)
        audience = Audience.YOUTH if guardian is None else Audience.GUARDIAN
        try:
            with transaction.atomic():
                letter = services.letter_make(
                    actor=None,
                    registration=registrations[pk],
                    template=templates[audience],
                    recipient=guardian,
                    batch=batch,
                    on=sent,
                )
                when = datetime.combine(sent, time(9, 0), tzinfo=OSLO)
                Letter.objects.filter(pk=letter.pk).update(created_at=when)
        except ValidationFailed:
            refused += 1  # letters to this youth's guardians are blocked
        else:
            made += 1
        if n % 20 == 0 or n == len(todo):
            progress()
    return {
        "planned": len(plan),
        "created": made,
        "existing": len(plan) - len(todo),
        "refused": refused,
    }
