"""No N+1 queries: the main pages ask the database as many times for 50 youths as for 5.

Each test builds a small world, counts the queries of one request (after a warm-up request,
so that caches such as the kodeverk do not count), then grows the world tenfold and pins,
with pytest-django's `django_assert_max_num_queries`, that the same request needs no more.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import synthetic_fnr
from tests.exchange.files import lines
from tests.statistics.test_tables import random_county
from veiviser.casework import services as casework
from veiviser.exchange.importer import import_lines
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.people import services as people
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 50
YEAR = 2023


def queries(client, url: str) -> int:
    client.get(url)  # warm-up: caches, session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def youth(make_person, n: int, unit, advisor, offset: int = 0):
    """A youth in `unit` for 2024/25, assigned to `advisor`, with a status, a contact and a
    note."""
    birth = date(2006, 1, 1) + timedelta(days=n + offset)
    person = make_person(
        birth_date=birth, given=f"Ungdom{n}", family="Testesen", fnr=synthetic_fnr(birth)
    )
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=unit,
    )
    registry.registration_assign(actor=None, registration=registration, advisor=advisor)
    registry.status_record(
        actor=None, registration=registration, code="OTOV", valid_from=date(2024, 9, 1)
    )
    casework.contact_record(
        actor=advisor,
        registration=registration,
        at=datetime(2024, 9, 2, 10, tzinfo=UTC),
        channel="phone",
        outcome="reached",
    )
    casework.note_add(actor=advisor, registration=registration, text="Ringt.", confidential=False)
    return registration


def test_worklist(client, make_person, tonsberg, advisor, django_assert_max_num_queries):
    client.force_login(advisor)
    url = "/ungdommer/?school_year=2024&alle=1"
    for n in range(SMALL):
        youth(make_person, n, tonsberg, advisor)
    small = queries(client, url)
    for n in range(SMALL, LARGE):
        youth(make_person, n, tonsberg, advisor)
    client.get(url)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert len(response.context["rows"]) == LARGE


def test_youth_page(client, make_person, tonsberg, advisor, django_assert_max_num_queries):
    """The youth page grows with the youth's history, not with the county: 5 and 50 status
    facts, contacts, notes, partners and guardians."""
    client.force_login(advisor)
    registration = youth(make_person, 0, tonsberg, advisor)
    person = registration.person
    url = f"/ungdom/{person.pk}/"

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            registry.status_record(
                actor=None,
                registration=registration,
                code="OTOV" if n % 2 else "OTUK",
                valid_from=date(2024, 9, 2) + timedelta(days=n),
            )
            casework.contact_record(
                actor=advisor,
                registration=registration,
                at=datetime(2024, 9, 3, 10, tzinfo=UTC) + timedelta(days=n),
                channel="sms",
                outcome="no_answer",
            )
            casework.note_add(
                actor=advisor, registration=registration, text=f"Notat {n}", confidential=n % 2
            )
            casework.partner_add(
                actor=advisor, registration=registration, kind="nav", since=date(2024, 9, 1)
            )
            people.guardian_add(actor=advisor, person=person, name=f"Foresatt {n}")

    grow(0, SMALL)
    small = queries(client, url)
    grow(SMALL, LARGE)
    client.get(url)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200


def county_leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )


def import_county(seed: int, persons: int, batch: str = "") -> None:
    records = random_county(seed, YEAR, persons=persons)
    if batch:  # a second batch: other ids, and no identity numbers that could clash
        for record in records:
            if record["type"] == "header":
                continue
            for name in ("id", "person", "registration"):
                if record.get(name):
                    record[name] = f"{batch}{record[name]}"
            if record["type"] == "person":
                record["fnr"] = None
    import_lines(lines(records), county="39", actor=None)


@pytest.mark.parametrize(
    "url",
    [
        f"/statistikk/?school_year={YEAR}",
        f"/statistikk/ungdommer/?school_year={YEAR}&date=2024-06-15&cell=table1.total",
        f"/statistikk/ungdommer/?school_year={YEAR}&date=2024-02-15&cell=table2.total",
    ],
    ids=["statistics", "drilldown-table1", "drilldown-table2"],
)
def test_statistics_and_drilldown(client, vestfold, url, django_assert_max_num_queries):
    client.force_login(county_leader(vestfold))
    import_county(11, SMALL)
    small = queries(client, url)
    import_county(12, LARGE - SMALL, batch="b")
    client.get(url)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    if "ungdommer" in url:
        assert response.context["total"] > SMALL  # the list did grow
