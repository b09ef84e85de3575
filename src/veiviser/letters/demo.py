"""The demo county's information letters (docs/letters.md, "The demo county's letters").

Advisors send the information letter about rights soon after a youth is registered
(DOMAIN.md §6 duty 2), so in a realistic county most older registrations have one. A real
letter is a PDF made by WeasyPrint (about 0.4 s each; some 1,700 letters in the demo's latest
school year), far too slow for `veiviser demo`. So the demo only *plans* the letters and queues
one background task; `veiviser worker --batch` (or the running worker) makes them: each is a
real PDF for that youth, with the letter date the plan gives, stored and logged like any
letter. Nothing is reused between youths. Until the worker has run, the duties show the
letters as missing, as they would be.

The plan is a pure function of the database and the seed: the latest school year's
registrations in key order, each drawing from one random stream. About 80 % get their letter
within the deadline, about 10 % late, and the rest none (so the duty dashboards show some
overdue letters). Registrations younger than the deadline get none yet. Letters to guardians
are not planned: the demo records no guardians.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from veiviser.letters.models import Audience, Letter, LetterKind

ON_TIME = 0.80
LATE = 0.10
INFORMATION_DAYS = 14  # docs/duties.md's default deadline for the information letter
OSLO = ZoneInfo("Europe/Oslo")


def information_letter_plan(county, seed: int, today: date | None = None) -> list[tuple[int, date]]:
    """(registration id, letter date) for the demo's information letters to the youth."""
    from veiviser.demo import generator
    from veiviser.registry.models import Registration

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


def queue_information_letters(county, seed: int) -> int:
    """Queue the background task that makes the planned letters (after the demo's transaction
    commits). Returns how many letters are planned."""
    from veiviser.letters.tasks import demo_letters_task

    planned = len(information_letter_plan(county, seed))
    if planned:
        transaction.on_commit(lambda: demo_letters_task.enqueue(county.pk, seed))
    return planned


def make_information_letters(county, seed: int, today: date | None = None) -> dict:
    """Make the planned letters that do not exist yet (the task's body): each a real PDF dated
    by the plan, in its own transaction, so an interrupted run keeps what it made and a rerun
    makes only the rest."""
    from veiviser.letters import services
    from veiviser.registry.models import Registration

    plan = information_letter_plan(county, seed, today)
    done = set(
        Letter.objects.filter(
            registration_id__in=[pk for pk, _ in plan],
            kind=LetterKind.INFORMATION,
            audience=Audience.YOUTH,
        ).values_list("registration_id", flat=True)
    )
    template = services._information_template(Audience.YOUTH)
    made = 0
    for pk, sent in plan:
        if pk in done:
            continue
        registration = Registration.objects.select_related("person", "unit", "advisor").get(pk=pk)
        with transaction.atomic():
            letter = services.letter_make(
                actor=None,
                registration=registration,
                template=template,
                recipient=None,
                batch=None,
                on=sent,
            )
            when = datetime.combine(sent, time(9, 0), tzinfo=OSLO)
            Letter.objects.filter(pk=letter.pk).update(created_at=when)
        made += 1
    return {"planned": len(plan), "created": made, "existing": len(done)}
