from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "veiviser.prevention"
    label = "prevention"
    verbose_name = _("Preventive work")

    def ready(self):
        from veiviser.prevention.report import prevention_section
        from veiviser.reports.sections import PLACES, Section, register, sections

        keys = [s.key for s in sections()]
        register(
            Section(
                "prevention",
                _("Preventive work"),
                "prevention/report_section.html",
                prevention_section,
            ),
            after="exams" if "exams" in keys else PLACES["prevention"],
        )
        from veiviser.prevention import exchange

        exchange.register()
