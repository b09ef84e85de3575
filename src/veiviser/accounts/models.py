"""Every attempt to log in, kept to lock out password guessing (accounts.services.is_locked).

The password is never stored, not even a wrong one: a mistyped password is often the right
password of another system.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginAttempt(models.Model):
    username = models.CharField(_("username"), max_length=150)
    # The client address (veiviser.clientaddress: REMOTE_ADDR, or behind a trusted reverse
    # proxy the client X-Forwarded-For names); empty when unknown.
    address = models.CharField(_("IP address"), max_length=45, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["username", "at"], name="login_attempt_user_idx"),
            models.Index(fields=["address", "at"], name="login_attempt_address_idx"),
        ]
        verbose_name = _("login attempt")
        verbose_name_plural = _("login attempts")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'ok' if self.succeeded else 'failed'}"
