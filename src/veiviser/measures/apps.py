from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "veiviser.measures"
    label = "measures"
    verbose_name = _("Measures")

    def ready(self):
        from veiviser.measures import exchange

        exchange.register()
