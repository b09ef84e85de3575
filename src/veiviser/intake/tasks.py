"""Background work of the intake (django-tasks; `veiviser db_worker` runs the queue)."""

from django_tasks import task


@task()
def intake_apply_task(run_id: int) -> dict:
    from veiviser.intake.models import IntakeRun
    from veiviser.intake.services import run_apply

    run = run_apply(run=IntakeRun.objects.select_related("county").get(pk=run_id))
    return run.counts()
