"""A starting list of subjects that OT's subject training prepares for (Udir subject codes of
common core subjects). The administrator adds and renames subjects in the admin."""

from django.db import migrations

SUBJECTS = [
    ("NOR1211", "Norsk hovedmål, skriftlig"),
    ("NOR1212", "Norsk sidemål, skriftlig"),
    ("NOR1213", "Norsk, muntlig"),
    ("MAT1001", "Matematikk 1P"),
    ("MAT1002", "Matematikk 2P"),
    ("MAT1011", "Matematikk 1P-Y"),
    ("ENG1007", "Engelsk, skriftlig"),
    ("ENG1008", "Engelsk, muntlig"),
    ("NAT1007", "Naturfag"),
    ("SAF1001", "Samfunnskunnskap"),
    ("HIS1010", "Historie"),
    ("REL1003", "Religion og etikk"),
    ("GEO1003", "Geografi"),
]


def add(apps, schema_editor):
    Subject = apps.get_model("exams", "Subject")
    for code, name in SUBJECTS:
        Subject.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("exams", "0002_tenant_wall")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
