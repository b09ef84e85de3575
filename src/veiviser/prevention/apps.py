from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "veiviser.prevention"
    label = "prevention"
    verbose_name = _("Preventive work")

    def ready(self):
        from veiviser.prevention import exchange

        exchange.register()
