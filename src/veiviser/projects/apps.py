from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "veiviser.projects"
    label = "projects"
    verbose_name = _("Projects and cohorts")

    def ready(self):
        from veiviser.projects import exchange

        exchange.register()
