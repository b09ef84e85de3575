from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "veiviser.accounts"
    label = "accounts"
    verbose_name = _("Sign-in")

    def ready(self):
        from veiviser.accounts import two_factor  # noqa: F401 -- connects its login signal

        checks.register(check_two_factor_roles)
        checks.register(check_staff_oidc, checks.Tags.security, deploy=True)


def check_two_factor_roles(app_configs=None, **kwargs):
    """VEIVISER_TWO_FACTOR_ROLES must name roles that exist: a misspelt role would silently
    leave that role without two-factor login."""
    from django.conf import settings

    from veiviser.organisation.models import Role

    unknown = sorted(set(settings.VEIVISER_TWO_FACTOR_ROLES) - set(Role.values))
    if unknown:
        return [
            checks.Error(
                f"VEIVISER_TWO_FACTOR_ROLES names unknown roles: {', '.join(unknown)}",
                hint=f"Roles are: {', '.join(Role.values)}",
                id="veiviser.E001",
            )
        ]
    return []


def check_staff_oidc(app_configs=None, **kwargs):
    """A configured single sign-on needs its client id and secret (docs/sso.md)."""
    from django.conf import settings

    oidc = settings.STAFF_OIDC
    if oidc.get("METADATA_URL") and not (oidc.get("CLIENT_ID") and oidc.get("CLIENT_SECRET")):
        return [
            checks.Error(
                "The staff single sign-on lacks its client id or secret.",
                hint="Set VEIVISER_STAFF_OIDC_CLIENT_ID and VEIVISER_STAFF_OIDC_CLIENT_SECRET.",
                id="veiviser.E002",
            )
        ]
    return []
