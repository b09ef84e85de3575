"""Background work of letters (Django's tasks API through the django-tasks backport; the
database backend by default, run by `veiviser db_worker`)."""

from django_tasks import task


@task()
def letters_batch_task(batch_id: int) -> dict:
    from veiviser.letters.models import LetterBatch
    from veiviser.letters.services import batch_run

    return batch_run(
        LetterBatch.objects.select_related("county", "unit", "created_by").get(pk=batch_id)
    )


@task()
def demo_letters_task(county_id: int, seed: int, batch_id: int | None = None) -> dict:
    """The demo county's information letters (`letters.demo`), queued by `veiviser demo` as
    the batch `batch_id`."""
    from veiviser.letters.demo import make_information_letters
    from veiviser.letters.models import LetterBatch
    from veiviser.organisation.models import County

    batch = LetterBatch.objects.filter(pk=batch_id).first() if batch_id is not None else None
    return make_information_letters(County.objects.get(pk=county_id), seed, batch=batch)
