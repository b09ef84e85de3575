from django.core.management.base import BaseCommand
from django.db import transaction

from veiviser.audit import services as audit
from veiviser.codes import loader
from veiviser.codes.apps import CodesConfig


class Command(BaseCommand):
    help = (
        "Load the code lists (kodeverk), age limits and counting dates from the data file "
        "shipped with Veiviser, or from FILE. Safe to run again: existing rows are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="a kodeverk JSON file (default: the shipped one)"
        )

    def handle(self, *args, **options):
        from django.apps import apps

        path = options["file"]
        data = loader.read(loader.Path(path)) if path else loader.read()
        with transaction.atomic():
            counts = loader.sync(lambda name: apps.get_model(CodesConfig.label, name), data)
            audit.log(None, "codes.kodeverk.loaded", data={"version": data["version"], **counts})
        self.stdout.write(
            f"Kodeverk {data['version']} loaded: "
            + ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
        )
