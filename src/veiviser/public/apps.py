from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "veiviser.public"
    label = "public"
    verbose_name = _("Public contact page")

    def ready(self):
        from veiviser.public import checks  # noqa: F401 -- registers the deploy checks
