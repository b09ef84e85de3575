"""The demo county's information letters (letters.demo): planned by `veiviser demo`, made as
real PDFs by the background task."""

from datetime import date, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from veiviser.codes.selectors import kodeverk
from veiviser.duties import engine, selectors
from veiviser.letters import demo
from veiviser.letters import services as letters
from veiviser.letters.models import Audience, BatchStatus, Letter, LetterBatch
from veiviser.people import services as people
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 1)


@pytest.fixture
def registrations(make_person, tonsberg):
    count = 0

    def make(n: int, start=date(2024, 8, 15)):
        nonlocal count
        base, count = count, count + n
        return [
            registry.registration_create(
                actor=None,
                person=make_person(
                    birth_date=date(2005, 1, 1) + timedelta(base + i), given=f"Ung{i}"
                ),
                school_year=2024,
                registered_on=start + timedelta(i),
                reason="not_applied",
                unit=tonsberg,
            )
            for i in range(n)
        ]

    return make


def test_the_plan_is_deterministic_mostly_on_time_and_only_for_older_registrations(
    registrations, vestfold
):
    made = registrations(80)
    young = registrations(3, start=TODAY - timedelta(5))
    plan = demo.information_letter_plan(vestfold, 7, TODAY)
    assert plan == demo.information_letter_plan(vestfold, 7, TODAY)
    assert plan != demo.information_letter_plan(vestfold, 8, TODAY)
    registered = {r.pk: r.registered_on for r in made + young}
    assert not {pk for pk, _ in plan} & {r.pk for r in young}
    lags = [(sent - registered[pk]).days for pk, sent in plan]
    on_time = sum(lag <= 14 for lag in lags)
    assert all(lag >= 0 for lag in lags)
    assert 0.65 * len(made) <= on_time <= 0.92 * len(made)
    assert 0.6 * len(made) <= len(plan) < len(made)  # some registrations get no letter


def test_the_task_makes_real_letters_dated_by_the_plan_once(registrations, vestfold):
    made = registrations(3)
    plan = dict(demo.information_letter_plan(vestfold, 1, TODAY))
    result = demo.make_information_letters(vestfold, 1, TODAY)
    assert result == {"planned": len(plan), "created": len(plan), "existing": 0, "refused": 0}
    letters = list(Letter.objects.filter(registration__in=made))
    assert len(letters) == len(plan)
    for letter in letters:
        assert bytes(letter.pdf).startswith(b"%PDF")
        assert letter.created_at.date() == plan[letter.registration_id]
    assert len({letter.sha256 for letter in letters}) == len(letters)  # one PDF per youth
    assert demo.make_information_letters(vestfold, 1, TODAY)["created"] == 0
    # The duty engine counts them: the youth's information duty is met on the letter's day.
    rows = selectors._rows(type(made[0]).objects.filter(pk__in=plan))
    cases = selectors.cases_for(rows, list(plan))
    for pk, case in cases.items():
        duties = engine.duties_of(case, engine.Deadlines(), TODAY, kodeverk().status_main_group)
        (info,) = [d for d in duties if d.kind == engine.Kind.INFORMATION_YOUTH]
        assert info.state == engine.State.MET and info.met_by.on == plan[pk]


def test_queueing_enqueues_one_task_after_commit(
    registrations, vestfold, django_capture_on_commit_callbacks
):
    registrations(5)
    with django_capture_on_commit_callbacks(execute=True):
        planned = demo.queue_information_letters(vestfold, 1)
    assert planned == len(demo.information_letter_plan(vestfold, 1))
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("demo_letters_task")
    assert Letter.objects.count() == 0  # nothing slow in the demo command itself
    # The run is a batch of the whole county, on the batch page like any other.
    batch = LetterBatch.objects.get()
    assert (batch.county, batch.unit, batch.status, batch.task_id) == (
        vestfold,
        None,
        BatchStatus.QUEUED,
        str(task.id),
    )
    assert task.args_kwargs["args"] == [vestfold.pk, 1, batch.pk]


def test_guardians_of_minors_get_the_letter_the_same_day_unless_blocked(
    make_person, tonsberg, vestfold
):
    """A demo-like batch in small: youths under and over 18 with guardians, one of them with
    letters to the guardians blocked, run as the demo's batch."""
    youths = []
    for n, (birth, guardians) in enumerate(
        ((date(2008, 3, 1), 2), (date(2008, 6, 1), 1), (date(2008, 9, 1), 2), (date(2004, 1, 1), 1))
    ):
        person = make_person(birth_date=birth, given=f"Ung{n}", address="Storgata 1, 3110 Tønsberg")
        for g in range(guardians):
            people.guardian_add(
                actor=None, person=person, name=f"Foresatt{g} Ung{n}", address="Lillegata 2"
            )
        youths.append(
            registry.registration_create(
                actor=None,
                person=person,
                school_year=2024,
                registered_on=date(2024, 8, 15) + timedelta(n),
                reason="not_applied",
                unit=tonsberg,
            )
        )
    blocked = youths[2].person
    letters.letter_block_set(actor=None, person=blocked, reason="Fortrolig adresse")
    plan = demo.letter_plan(vestfold, 5, TODAY)
    planned = {pk for pk, _, guardian in plan if guardian is None}
    assert planned == {y.pk for y in youths}  # seed 5 plans a letter for each
    batch = LetterBatch.objects.create(county=vestfold, since=date(2024, 8, 1))

    result = demo.make_information_letters(vestfold, 5, TODAY, batch=batch)

    # Four youths; the three minors' five guardians, of whom the blocked youth's two refused.
    assert result == {"planned": 9, "created": 7, "existing": 0, "refused": 2}
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.skipped) == (BatchStatus.DONE, 9, 7, 2)
    to_guardians = Letter.objects.filter(audience=Audience.GUARDIAN)
    assert {letter.guardian.person for letter in to_guardians} == {
        youths[0].person,
        youths[1].person,
    }
    assert not to_guardians.filter(registration=youths[2]).exists()
    assert not to_guardians.filter(registration=youths[3]).exists()  # of age
    for letter in to_guardians:
        youth_letter = Letter.objects.get(registration=letter.registration, audience=Audience.YOUTH)
        assert letter.created_at == youth_letter.created_at  # the same day, as planned
        assert letter.batch == batch
    # A rerun makes nothing more and refuses the blocked ones again.
    batch.status = BatchStatus.QUEUED
    batch.save()
    again = demo.make_information_letters(vestfold, 5, TODAY, batch=batch)
    assert again == {"planned": 9, "created": 0, "existing": 7, "refused": 2}
