from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "veiviser.exams"
    label = "exams"
    verbose_name = _("Subject training and exams")

    def ready(self):
        from veiviser.exams.report import exams_section
        from veiviser.reports.sections import PLACES, Section, register, sections

        keys = [s.key for s in sections()]
        register(
            Section(
                "exams", _("Subject training and exams"), "exams/report_section.html", exams_section
            ),
            after="measures" if "measures" in keys else PLACES["exams"],
        )
        from veiviser.exams import exchange

        exchange.register()
