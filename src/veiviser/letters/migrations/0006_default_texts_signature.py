"""The default letter texts, version 2: the signature names the advisor only when one is
assigned. Version 1 (0002_default_templates) signed a letter of a registration without an
advisor "Oppfølgingstjenesten, <unit>" twice, because `advisor_name` falls back to the unit
there. A text a county has edited is left as it is (its version is no longer 1, or its body
differs); the new variable `advisor_assigned` lets such a text do the same."""

import importlib

from django.db import migrations

FIRST = importlib.import_module("veiviser.letters.migrations.0002_default_templates")

SIGNATURE = (
    "<p>{% if advisor_assigned %}{{ advisor_name }}<br>\n{% endif %}"
    "Oppfølgingstjenesten{% if unit_name %}, {{ unit_name }}{% endif %}<br>\n"
    "{{ county_name }}</p>\n"
)
OLD_SIGNATURE = (
    "<p>{{ advisor_name }}<br>\n"
    "Oppfølgingstjenesten{% if unit_name %}, {{ unit_name }}{% endif %}<br>\n"
    "{{ county_name }}</p>\n"
)
assert OLD_SIGNATURE in FIRST.CLOSING


def install(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for fields in FIRST.TEMPLATES:
        active = LetterTemplate.objects.filter(key=fields["key"], active=True).first()
        if active is None or active.version != 1 or active.body != fields["body"]:
            continue  # the county's own text: not ours to change
        LetterTemplate.objects.filter(pk=active.pk).update(active=False)
        LetterTemplate.objects.create(
            key=active.key,
            version=2,
            active=True,
            kind=active.kind,
            audience=active.audience,
            title=active.title,
            body=active.body.replace(OLD_SIGNATURE, SIGNATURE),
        )


def remove(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for fields in FIRST.TEMPLATES:
        new = LetterTemplate.objects.filter(
            key=fields["key"], version=2, active=True, letters__isnull=True
        ).first()
        if new is None or new.body != fields["body"].replace(OLD_SIGNATURE, SIGNATURE):
            continue
        new.delete()
        LetterTemplate.objects.filter(key=fields["key"], version=1).update(active=True)


class Migration(migrations.Migration):
    dependencies = [("letters", "0005_letter_appointment")]

    operations = [migrations.RunPython(install, remove)]
