from django.db import migrations

from veiviser.tenancy import db


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_letters_wall"), ("privacy", "0001_initial")]

    operations = [db.walls("privacy_anonymisation")]
