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
def demo_letters_task(county_id: int, seed: int) -> dict:
    """The demo county's information letters (`letters.demo`), queued by `veiviser demo`."""
    from veiviser.letters.demo import make_information_letters
    from veiviser.organisation.models import County

    return make_information_letters(County.objects.get(pk=county_id), seed)
