"""On PostgreSQL the referrals sit behind the same tenant wall as the registry."""

from datetime import date

import pytest
from django.db import connection

from veiviser.organisation import services as organisation
from veiviser.public import services
from veiviser.public.models import Referral
from veiviser.tenancy.db import county_scope

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
    ),
]

ROLE = "veiviser_rls_probe_public"


def test_a_referral_is_seen_only_in_its_own_county(vestfold, telemark, tonsberg):
    organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    for county, municipality in ((vestfold, "3905"), (telemark, "4003")):
        services.referral_receive(
            county=county,
            municipality=municipality,
            given_name="Test",
            family_name="Testesen",
            birth_date=date(2007, 1, 1),
            reach_by="phone",
            reach_at="40000000",
            asker="self",
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"SET ROLE {ROLE}")
    try:
        with county_scope(vestfold.pk):
            assert set(Referral.objects.values_list("county_id", flat=True)) == {vestfold.pk}
        assert Referral.objects.count() == 2
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
