import pytest

from veiviser.public.demo import REQUESTS, add_referrals
from veiviser.public.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def test_the_demo_requests_are_pending_and_the_same_for_the_same_seed(vestfold, tonsberg, horten):
    assert add_referrals(vestfold, 7) == REQUESTS
    first = list(Referral.objects.values_list("given_name", "family_name", "municipality"))
    Referral.objects.all().delete()
    add_referrals(vestfold, 7)
    again = list(Referral.objects.values_list("given_name", "family_name", "municipality"))
    assert first == again
    assert set(Referral.objects.values_list("status", flat=True)) == {ReferralStatus.PENDING}
    assert not Referral.objects.filter(fnr__isnull=False).exists()
