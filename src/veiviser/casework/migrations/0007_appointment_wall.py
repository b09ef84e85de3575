"""The tenant wall (row-level security by county) on the appointments: they hold a youth's
personal data like the contacts (veiviser.tenancy.db)."""

from django.db import migrations

from veiviser.tenancy import db


class Migration(migrations.Migration):
    dependencies = [("casework", "0006_appointments"), ("tenancy", "0001_tenant_wall")]

    operations = [db.walls("casework_appointment")]
