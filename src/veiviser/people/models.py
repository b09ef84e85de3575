"""The young person (ungdom) and their guardians (foresatte), DOMAIN.md §2.

Collect nothing that is not needed: identity, birth date, name, home municipality and how to
reach them. Special-category data (health, child welfare) never goes in these fields.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import County, municipality_number_validator


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class Person(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="persons", verbose_name=_("county")
    )
    # The source's stable key (exchange files); generated for people created in Veiviser.
    key = models.CharField(_("key"), max_length=64)
    fnr = models.CharField(  # noqa: DJ001 -- NULL, not "", so the unique constraint skips it
        _("national identity number"),
        max_length=11,
        null=True,
        blank=True,
        help_text=_("Fødselsnummer or D-number. Leave empty when the youth has none yet."),
    )
    birth_date = models.DateField(_("birth date"))
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    municipality = models.CharField(
        _("home municipality"),
        max_length=4,
        blank=True,
        validators=[municipality_number_validator],
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("preferred contact channel"), max_length=10, choices=ContactChannel.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="person_unique_key"),
            models.UniqueConstraint(
                fields=["county", "fnr"],
                condition=models.Q(fnr__isnull=False),
                name="person_unique_fnr",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "birth_date"], name="person_birth_idx"),
        ]
        verbose_name = _("young person")
        verbose_name_plural = _("young people")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def lacks_identity_number(self) -> bool:
        """Flagged for follow-up: the office should find the number (DOMAIN.md §2)."""
        return not self.fnr

    @property
    def county_number(self) -> str:
        return self.county.number


class Guardian(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("young person")
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return self.name
