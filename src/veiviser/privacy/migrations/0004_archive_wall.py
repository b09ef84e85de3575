from django.db import migrations

from veiviser.tenancy import db


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_archive_extract")]

    operations = [db.walls("privacy_archiveextract", "privacy_archivedcase")]
