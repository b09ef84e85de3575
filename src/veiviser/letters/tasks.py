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
