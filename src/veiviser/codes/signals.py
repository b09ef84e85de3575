"""A save or delete of a code row through the ORM gives the kodeverk a new version token, so
that every process's cached snapshot (`codes.selectors.kodeverk()`) is read again."""

from django.db.models.signals import post_delete, post_save

from veiviser.codes import models


def _changed(sender, **kwargs) -> None:
    from veiviser.codes.selectors import kodeverk_changed

    if kwargs.get("raw"):  # loaddata: the fixture brings its own rows
        return
    kodeverk_changed()


def connect() -> None:
    for model in (
        models.MainGroup,
        models.StatusCode,
        models.ReasonGroup,
        models.ReasonCode,
        models.AgeLimit,
        models.CountingDate,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"kodeverk-save-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"kodeverk-delete-{model.__name__}"
        )
