from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodesConfig(AppConfig):
    name = "veiviser.codes"
    label = "codes"
    verbose_name = _("Code lists and rules")

    def ready(self):
        from veiviser.codes import selectors, signals

        signals.connect()
        selectors.connect_request_signals()
