import uuid

from django.db import migrations, models


def first_token(apps, schema_editor):
    apps.get_model("codes", "KodeverkVersion").objects.update_or_create(
        pk=1, defaults={"token": uuid.uuid4().hex}
    )


class Migration(migrations.Migration):
    dependencies = [("codes", "0002_load_kodeverk")]

    operations = [
        migrations.CreateModel(
            name="KodeverkVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32, verbose_name="token")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="changed at")),
            ],
            options={
                "verbose_name": "kodeverk version",
                "verbose_name_plural": "kodeverk versions",
            },
        ),
        migrations.RunPython(first_token, migrations.RunPython.noop),
    ]
