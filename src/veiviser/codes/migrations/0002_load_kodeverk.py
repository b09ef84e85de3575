from django.db import migrations

from veiviser.codes import loader


def load(apps, schema_editor):
    loader.sync(lambda name: apps.get_model("codes", name), loader.read())


class Migration(migrations.Migration):
    dependencies = [("codes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
