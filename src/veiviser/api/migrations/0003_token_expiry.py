from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_in_a_while(apps, schema_editor):
    """Tokens made before tokens expired get the full period from now (not from when they were
    made), so that no integration stops at the upgrade without warning."""
    ApiClient = apps.get_model("api", "ApiClient")
    ApiClient.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("api", "0002_tenant_wall")]

    operations = [
        migrations.AddField(
            model_name="apiclient",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="token expires"),
        ),
        migrations.RunPython(expire_in_a_while, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apiclient",
            name="expires_at",
            field=models.DateTimeField(verbose_name="token expires"),
        ),
    ]
