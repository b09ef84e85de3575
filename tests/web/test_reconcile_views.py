"""The reconciliation page (`/statistikk/avstemming/`) through Django's test client: county
scope only, the engine's numbers and moves, initials and keys but no names, and the audit."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.exchange.files import lines
from tests.statistics.test_tables import random_county
from veiviser.audit.models import AuditEvent
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.statistics.reconcile import reconcile
from veiviser.web.reconcile_views import default_date

pytestmark = pytest.mark.django_db

YEAR = 2023
OSLO = ZoneInfo("Europe/Oslo")
PARAMS = {"school_year": YEAR, "date": "2024-06-15", "known_from": "2024-03-01T12:00"}


def staff(username, role, county, unit=None):
    return organisation.staff_user_create(
        actor=None, username=username, password="pw-123456789", role=role, county=county, unit=unit
    )


@pytest.fixture
def world(vestfold, tonsberg, advisor):
    import_lines(lines(random_county(5, YEAR, persons=60)), county="39", actor=None)
    return {
        "lise": staff("lise", Role.COUNTY_LEADER, vestfold),
        "ola": staff("ola", Role.OFFICE, vestfold),
        "trine": staff("trine", Role.UNIT_COORDINATOR, vestfold, tonsberg),
        "kari": advisor,
        "siv": staff("siv", Role.ADMINISTRATOR, vestfold),
    }


@pytest.mark.parametrize(
    ("who", "status"), [("lise", 200), ("ola", 200), ("trine", 403), ("kari", 403), ("siv", 403)]
)
def test_only_county_scope_may_reconcile(client, world, who, status):
    client.force_login(world[who])
    assert client.get("/statistikk/avstemming/", PARAMS).status_code == status


def test_the_page_shows_the_engines_cells_and_moves_without_names(client, world):
    client.force_login(world["lise"])
    response = client.get("/statistikk/avstemming/", PARAMS)
    assert response.status_code == 200
    k1 = datetime(2024, 3, 1, 12, tzinfo=OSLO)
    result = reconcile(
        kodeverk(), county="39", school_year=YEAR, on=date(2024, 6, 15), known_from=k1
    )
    shown = response.context["cells"]
    assert [(c["value_from"], c["value_to"]) for c in shown] == [
        (c.value_from, c.value_to) for c in result.cells
    ]
    assert result.moves, "the generated county should have late records"
    assert response.context["move_count"] == len(result.moves)
    assert sum(k["count"] for k in response.context["kinds"]) == len(result.moves)
    listed = {m["registration"] for cell in response.context["changed"] for m in cell["moves"]}
    assert listed == {m.registration for m in result.moves}
    html = response.content.decode()
    assert not re.search(r"\bPerson\b", html)  # the generated persons' family name
    assert result.moves[0].registration in html
    event = AuditEvent.objects.get(action="statistics.reconcile.viewed")
    assert event.data == {
        "school_year": YEAR,
        "date": "2024-06-15",
        "from": k1.isoformat(),
        "to": None,
        "udir": None,
    }


UDIR_HEADER = (
    "Tellingsdato;Fylkesnummer;Fylke;Ikke søkt opplæring;Takket nei til opplæring;"
    "Avbrutt opplæring;Andre grunner;Tilmeldte i alt;Ukjent aktivitet;"
    "Under oppfølging og veiledning;I aktivitet;Avklart;Målgruppe i alt;Ikke i målgruppen"
)


def test_the_page_compares_with_udirs_table(client, world):
    from veiviser.udir import services as udir

    client.force_login(world["lise"])
    response = client.get("/statistikk/avstemming/", {**PARAMS, "udir": "on"})
    assert response.status_code == 400
    assert "udir" in response.context["form"].errors
    data = "\n".join(
        [
            UDIR_HEADER,
            "2024-06-15;39;Vestfold;1;1;1;1;4;1;1;1;1;4;0",
            "2024-06-15;00;Hele landet;1;1;1;1;4;1;1;1;1;4;0",
        ]
    )
    udir.table_import(actor=None, filename="udir.csv", data=data.encode())
    response = client.get("/statistikk/avstemming/", {**PARAMS, "udir": "on"})
    assert response.status_code == 200
    k1 = datetime(2024, 3, 1, 12, tzinfo=OSLO)
    result = reconcile(
        kodeverk(), county="39", school_year=YEAR, on=date(2024, 6, 15), known_from=k1
    )
    cells = response.context["udir"]["cells"]
    assert len(cells) == 11
    registered = result.cells[4]  # table1.total
    assert cells[4]["udir"] == 4
    assert cells[4]["own_then"] == registered.value_from
    assert cells[4]["remainder"] == f"{registered.value_from - 4:+}"
    event = AuditEvent.objects.filter(action="statistics.reconcile.viewed").last()
    assert event.data["udir"] == 1


def test_the_empty_form_shows_no_numbers_and_is_not_audited(client, world):
    client.force_login(world["ola"])
    response = client.get("/statistikk/avstemming/")
    assert response.status_code == 200
    assert response.context["result"] is None
    assert not AuditEvent.objects.filter(action="statistics.reconcile.viewed").exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"school_year": YEAR}, "known_from"),
        ({**PARAMS, "date": "2022-06-15"}, "date"),
        ({**PARAMS, "known_to": "2024-02-01T00:00"}, "known_to"),
    ],
)
def test_invalid_choices_are_a_form_error(client, world, params, field):
    client.force_login(world["lise"])
    response = client.get("/statistikk/avstemming/", params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="statistics.reconcile.viewed").exists()


def test_the_date_defaults_to_the_last_counting_date_passed(client, world):
    assert default_date(YEAR, today=date(2024, 3, 1)) == date(2024, 2, 15)
    assert default_date(YEAR, today=date(2023, 9, 1)) == date(2024, 6, 15)
    assert default_date(YEAR, today=date(2025, 1, 1)) == date(2024, 6, 15)
    client.force_login(world["lise"])
    params = {k: v for k, v in PARAMS.items() if k != "date"}
    response = client.get("/statistikk/avstemming/", params)
    assert response.status_code == 200
    assert response.context["result"].on == date(2024, 6, 15)


def test_the_statistics_page_links_to_it_for_county_scope_only(client, world):
    client.force_login(world["lise"])
    assert "/statistikk/avstemming/" in client.get("/statistikk/").content.decode()
    client.force_login(world["trine"])
    assert "/statistikk/avstemming/" not in client.get("/statistikk/").content.decode()
