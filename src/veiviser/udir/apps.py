from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UdirConfig(AppConfig):
    name = "veiviser.udir"
    label = "udir"
    verbose_name = _("Udir's published tables")
