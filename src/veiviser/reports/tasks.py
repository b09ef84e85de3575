"""Background work of the annual report (Django's tasks API through the django-tasks backport;
the database backend by default, run by `veiviser db_worker`)."""

from django_tasks import task


@task()
def report_task(report_id: int) -> dict:
    from veiviser.reports.models import Report
    from veiviser.reports.services import report_run

    report = report_run(Report.objects.select_related("county", "created_by").get(pk=report_id))
    return {"report": report.pk, "sha256": report.sha256}
