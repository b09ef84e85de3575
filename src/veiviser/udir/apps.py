from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UdirConfig(AppConfig):
    name = "veiviser.udir"
    label = "udir"
    verbose_name = _("Udir's published tables")

    def ready(self):
        from veiviser.reports.sections import PLACES, Section, register
        from veiviser.udir.report import udir_section

        register(
            Section(
                "udir",
                _("Share in activity compared with other counties"),
                "udir/report_section.html",
                udir_section,
            ),
            after=PLACES["udir"],
        )
