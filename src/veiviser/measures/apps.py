from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "veiviser.measures"
    label = "measures"
    verbose_name = _("Measures")

    def ready(self):
        from veiviser.measures import exchange

        exchange.register()
        from veiviser.measures.report import autumn_section, measures_section
        from veiviser.reports.sections import PLACES, Section, register, sections

        register(
            Section(
                "measures",
                _("Measures and participants"),
                "measures/report_measures.html",
                measures_section,
            ),
            after=PLACES["measures"],
        )
        keys = [s.key for s in sections()]
        register(
            Section(
                "autumn_outcomes",
                _("Autumn outcomes of OT's training measures"),
                "measures/report_autumn.html",
                autumn_section,
            ),
            # After the share in activity (udir) when that chapter is there.
            after="udir" if "udir" in keys else PLACES["autumn_outcomes"],
        )
