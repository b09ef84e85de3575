"""Self-referrals in the statistics: registrations by source, on the statistics page."""

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import at
from veiviser.registry import services as registry
from veiviser.registry.models import Source
from veiviser.statistics.sources import registrations_by_source, suppressed_cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(tonsberg, horten, make_person):
    def register(birth, source, unit=tonsberg, on=date(2024, 9, 1), recorded="2024-09-01 10:00"):
        return registry.registration_create(
            actor=None,
            person=make_person(birth_date=birth),
            school_year=2024,
            registered_on=on,
            reason="other",
            source=source,
            unit=unit,
            recorded_at=at(recorded),
        )

    register(date(2006, 1, 1), Source.SELF_REFERRAL)
    register(
        date(2006, 1, 2), Source.SELF_REFERRAL, on=date(2025, 3, 1), recorded="2025-03-01 10:00"
    )
    register(date(2006, 1, 3), Source.ADMISSIONS)
    register(date(2006, 1, 4), Source.SELF_REFERRAL, unit=horten)
    register(date(2006, 1, 5), "")


def test_counts_by_source_for_the_county_and_a_unit(vestfold, tonsberg, registered):
    county = registrations_by_source(county=vestfold, school_year=2024)
    assert county[Source.SELF_REFERRAL] == 3
    assert county[Source.ADMISSIONS] == 1
    assert county["not_recorded"] == 1
    assert county["total"] == 5
    unit = registrations_by_source(county=vestfold, school_year=2024, unit=tonsberg)
    assert unit[Source.SELF_REFERRAL] == 2


def test_counts_at_a_date_and_as_known_at_an_instant(vestfold, registered):
    by_date = registrations_by_source(county=vestfold, school_year=2024, on=date(2025, 2, 15))
    assert by_date[Source.SELF_REFERRAL] == 2
    known = registrations_by_source(
        county=vestfold, school_year=2024, known_at=at("2024-12-31 00:00")
    )
    assert known[Source.SELF_REFERRAL] == 2


def test_small_numbers_cannot_be_recovered_from_the_total():
    counts = {"self_referral": 2, "admissions": 40, "school": 0, "total": 42}
    hidden = suppressed_cells(counts, 5)
    assert "self_referral" in hidden
    assert len(hidden - {"self_referral"}) >= 1


def test_the_statistics_page_shows_self_referrals(client, vestfold, registered):
    from veiviser.organisation import services as organisation
    from veiviser.organisation.models import Role

    leader = organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )
    client.force_login(leader)
    response = client.get(reverse("web:statistics"), {"school_year": 2024})
    assert 'id="sources-heading"' in response.content.decode()
    rows = {row["source"]: row["value"] for row in response.context["sources"]}
    assert rows[Source.SELF_REFERRAL] == 3
    assert rows["total"] == 5
