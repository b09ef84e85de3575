"""Deploy checks of the public pages: the test login of "Min side" never reaches production."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def youth_test_login_off(app_configs, **kwargs):
    if getattr(settings, "YOUTH_TEST_LOGIN", False):
        return [
            Error(
                "The test login of Min side is on (VEIVISER_YOUTH_TEST_LOGIN).",
                hint="It lets anyone log in as a synthetic test person: demo and test only.",
                id="veiviser.public.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def youth_oidc_complete(app_configs, **kwargs):
    oidc = getattr(settings, "YOUTH_OIDC", {})
    if oidc.get("METADATA_URL") and not (oidc.get("CLIENT_ID") and oidc.get("CLIENT_SECRET")):
        return [
            Error(
                "Min side's OpenID Connect login lacks its client id or secret.",
                hint="Set VEIVISER_OIDC_CLIENT_ID and VEIVISER_OIDC_CLIENT_SECRET.",
                id="veiviser.public.E002",
            )
        ]
    return []
