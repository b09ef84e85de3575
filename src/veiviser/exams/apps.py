from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "veiviser.exams"
    label = "exams"
    verbose_name = _("Subject training and exams")

    def ready(self):
        from veiviser.exams import exchange

        exchange.register()
