"""The demo's letters as `veiviser demo` and the worker make them (README: build the demo, run
`veiviser worker --batch`): real PDFs to the youths and to the guardians of the youths under 18,
laid out on one page with the county's letterhead and the addressee's address, and letters to
guardians refused where the youth's record blocks them."""

from io import StringIO

import pytest
from django.core.management import call_command

from veiviser.letters import render, services
from veiviser.letters.demo import letter_plan
from veiviser.letters.models import Audience, BatchStatus, Letter, LetterBatch, LetterBlock
from veiviser.organisation.models import County

pytestmark = pytest.mark.django_db

SEED = 3  # a seed whose small county's blocked youth has a planned letter


def layout(letter: Letter) -> tuple[int, str]:
    """Pages and text of the letter as laid out from the same HTML its PDF was written from."""
    html, _block, _variables = services.letter_document(
        registration=letter.registration,
        template=letter.template,
        recipient=letter.guardian,
        on=letter.created_at.date(),
    )
    return render.pdf_text(html)


def test_the_demo_batch_writes_to_youths_and_guardians_and_refuses_blocked_ones(
    django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--seed", str(SEED), "--scale", "0.03", stdout=StringIO())
    vestfold = County.objects.get(number="39")
    plan = letter_plan(vestfold, SEED)
    blocked = set(
        LetterBlock.objects.filter(person__county=vestfold).values_list("person", flat=True)
    )
    refused = [
        (pk, guardian) for pk, _sent, guardian in plan if guardian and guardian.person_id in blocked
    ]
    assert refused, "the seed must plan a letter to a blocked youth's guardians"

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    batch = LetterBatch.objects.get(county=vestfold)
    assert (batch.status, batch.total) == (BatchStatus.DONE, len(plan))
    assert (batch.done, batch.skipped) == (len(plan) - len(refused), len(refused))
    letters = Letter.objects.filter(batch=batch).select_related("registration__person", "guardian")
    assert letters.count() == batch.done
    to_guardians = [x for x in letters if x.audience == Audience.GUARDIAN]
    assert to_guardians and len(to_guardians) < len(letters)
    assert not [x for x in to_guardians if x.registration.person_id in blocked]
    for letter in to_guardians:
        assert letter.guardian.person_id == letter.registration.person_id
        assert letter.recipient_name == letter.guardian.name

    youth = next(x for x in letters if x.audience == Audience.YOUTH)
    guardian = to_guardians[0]
    for letter, greeting in (
        (youth, f"Hei, {youth.registration.person.given_name}!"),
        (guardian, f"Til foresatte for {guardian.registration.person.full_name}"),
    ):
        assert bytes(letter.pdf).startswith(b"%PDF-")
        pages, text = layout(letter)
        assert pages == 1, letter  # one page: greeting and signature together
        recipient = letter.guardian or letter.registration.person
        street, place = recipient.address.split(", ")
        assert f"{letter.recipient_name} {street} {place}" in text  # the address block
        assert "Vestfold fylkeskommune" in text and "Oppfølgingstjenesten" in text
        assert greeting in text and "Vennlig hilsen" in text
        assert letter.created_at.date().year in (2024, 2025)
