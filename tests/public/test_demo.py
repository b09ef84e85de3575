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


def test_the_demo_prepares_a_youth_for_the_test_login(vestfold, tonsberg, advisor, make_person):
    from datetime import date

    from veiviser.casework.models import Plan
    from veiviser.demo import generator
    from veiviser.public.demo import add_contact_points, prepare_minside
    from veiviser.registry import services as registry

    latest = max(generator.SCHOOL_YEARS)
    person = make_person(birth_date=date(latest - 20, 3, 3))
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=latest,
        registered_on=date(latest, 9, 1),
        reason="other",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    assert prepare_minside(vestfold, 1) == person.fnr
    assert Plan.objects.get(registration=registration).review_on is not None
    add_contact_points(vestfold)
    add_contact_points(vestfold)  # idempotent
    from veiviser.public.selectors import contact_points

    points = contact_points(vestfold)
    assert points["county"].phone and [row["unit"] for row in points["units"]] == [tonsberg]
