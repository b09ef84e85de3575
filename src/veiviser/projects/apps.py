from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "veiviser.projects"
    label = "projects"
    verbose_name = _("Projects and cohorts")

    def ready(self):
        from veiviser.projects.report import projects_section
        from veiviser.reports.sections import PLACES, Section, register

        register(
            Section(
                "projects",
                _("Projects and cohorts"),
                "projects/report_section.html",
                projects_section,
            ),
            after=PLACES["projects"],
        )
        from veiviser.projects import exchange

        exchange.register()
