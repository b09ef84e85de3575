from django.db import migrations

from veiviser.tenancy import db


def backfill(apps, schema_editor):
    """A block set before the history existed gets its "set" step from the block itself (who
    and when it was last saved, and its reason): that much is known, nothing is invented."""
    LetterBlock = apps.get_model("letters", "LetterBlock")
    LetterBlockChange = apps.get_model("letters", "LetterBlockChange")
    for block in LetterBlock.objects.select_related("person"):
        if not LetterBlockChange.objects.filter(person_id=block.person_id).exists():
            LetterBlockChange.objects.create(
                county_id=block.person.county_id,
                person_id=block.person_id,
                action="set",
                reason=block.reason,
                at=block.created_at,
                by_id=block.created_by_id,
            )


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_letters_wall"), ("letters", "0003_letter_block_history")]

    operations = [
        db.walls("letters_letterblockchange"),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
