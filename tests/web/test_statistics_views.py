"""The statistics page through Django's test client: who sees which numbers, downloads, and
drill-down lists that are exactly as long as the numbers they open."""

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.exchange.files import lines
from tests.statistics.test_tables import random_county
from veiviser import policy
from veiviser.audit.models import AuditEvent
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry.models import Registration
from veiviser.statistics.suppression import suppress_document
from veiviser.statistics.tables import CELLS, TABLE1, TABLE2, statistics_document
from veiviser.web.statistics_views import Selection, drilldown_registrations

pytestmark = pytest.mark.django_db

YEAR = 2023
UNITS = ["u-tbg", "u-hor", None]


def staff(username, role, county, unit=None):
    return organisation.staff_user_create(
        actor=None,
        username=username,
        password="pw-123456789",
        role=role,
        county=county,
        unit=unit,
    )


@pytest.fixture
def world(vestfold, tonsberg, horten, advisor):
    """A generated county (corrections, late recordings) spread over two units and none."""
    records = random_county(11, YEAR, persons=80)
    n = 0
    for record in records:
        if record["type"] == "registration":
            unit = UNITS[n % len(UNITS)]
            if unit:
                record["unit"] = unit
            n += 1
    import_lines(lines(records), county="39", actor=None)
    return {
        "lise": staff("lise", Role.COUNTY_LEADER, vestfold),
        "ola": staff("ola", Role.OFFICE, vestfold),
        "trine": staff("trine", Role.UNIT_COORDINATOR, vestfold, tonsberg),
        "kari": advisor,
        "siv": staff("siv", Role.ADMINISTRATOR, vestfold),
        "project": staff("pia", Role.PROJECT_WORKER, vestfold, tonsberg),
    }


def page_numbers(response) -> dict:
    """The numbers on the page as {table: {key: [value per date]}}."""
    out = {}
    for table, keys in (("table1", TABLE1), ("table2", TABLE2)):
        shown = next(t for t in response.context["tables"] if t["id"] == table)
        out[table] = {
            key: [cell["value"] for cell in row["cells"]]
            for key, row in zip(keys, shown["rows"], strict=True)
        }
    return out


def document_numbers(document) -> dict:
    return {
        table: {key: [e[table][key] for e in document["counting_dates"]] for key in keys}
        for table, keys in (("table1", TABLE1), ("table2", TABLE2))
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [("lise", 200), ("ola", 200), ("trine", 200), ("kari", 403), ("siv", 403), ("project", 403)],
)
def test_access_per_role(client, world, who, status):
    client.force_login(world[who])
    assert client.get("/statistikk/").status_code == status
    assert client.get(f"/statistikk/csv/?school_year={YEAR}").status_code == status
    drill = f"/statistikk/ungdommer/?school_year={YEAR}&date=2024-06-15&cell=table1.total"
    assert client.get(drill).status_code == status


def test_login_required(client, world):
    response = client.get("/statistikk/")
    assert response.status_code == 302
    assert response.url.startswith("/logg-inn/")


def test_the_nav_item_is_shown_to_those_who_may_see_statistics(client, world):
    client.force_login(world["lise"])
    assert 'href="/statistikk/"' in client.get("/ungdommer/").content.decode()
    client.force_login(world["kari"])
    assert 'href="/statistikk/"' not in client.get("/ungdommer/").content.decode()


def test_the_county_leader_sees_the_engines_numbers_for_the_latest_year(client, world):
    client.force_login(world["lise"])
    response = client.get("/statistikk/")
    assert response.status_code == 200
    assert response.context["selection"].school_year == YEAR
    document = statistics_document(kodeverk(), county="39", school_year=YEAR)
    assert page_numbers(response) == document_numbers(document)
    html = response.content.decode()
    assert "<caption" in html and 'scope="row"' in html and 'scope="col"' in html
    assert html.count('role="img"') == 2
    for row in response.context["views"]:
        assert row["own"]["value"] == row["udir"]["value"] + row["outside"]["value"]


def test_a_unit_one_date_and_known_at_in_norwegian_time(client, world, horten):
    client.force_login(world["ola"])
    response = client.get(
        f"/statistikk/?school_year={YEAR}&unit={horten.pk}&date=2024-03-01"
        "&known_at=2024-03-02T00:00"
    )
    assert response.status_code == 200
    selection = response.context["selection"]
    assert selection.known_at == datetime(2024, 3, 1, 23, 0, tzinfo=UTC)
    assert selection.known_at.utcoffset() == ZoneInfo("Europe/Oslo").utcoffset(datetime(2024, 3, 2))
    document = statistics_document(
        kodeverk(),
        county="39",
        school_year=YEAR,
        on=date(2024, 3, 1),
        known_at=datetime(2024, 3, 1, 23, 0, tzinfo=UTC),
        unit_id=horten.pk,
    )
    assert page_numbers(response) == document_numbers(document)


def test_a_date_outside_the_school_year_is_a_form_error(client, world):
    client.force_login(world["lise"])
    response = client.get(f"/statistikk/?school_year={YEAR}&date=2024-08-01")
    assert response.status_code == 400
    assert "tables" not in response.context
    assert response.context["form"].errors["date"]


def test_the_coordinator_sees_their_own_unit(client, world, tonsberg):
    client.force_login(world["trine"])
    response = client.get("/statistikk/")
    assert response.context["selection"].unit == tonsberg
    assert list(response.context["form"].fields["unit"].queryset) == [tonsberg]
    document = statistics_document(kodeverk(), county="39", school_year=YEAR, unit_id=tonsberg.pk)
    assert page_numbers(response) == document_numbers(document)


def test_a_coordinator_cannot_pass_another_units_id(client, world, horten):
    client.force_login(world["trine"])
    for url in (
        f"/statistikk/?school_year={YEAR}&unit={horten.pk}",
        f"/statistikk/csv/?school_year={YEAR}&unit={horten.pk}",
        f"/statistikk/xlsx/?school_year={YEAR}&unit={horten.pk}",
        f"/statistikk/ungdommer/?school_year={YEAR}&unit={horten.pk}"
        "&date=2024-06-15&cell=table1.total",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "rows" not in (response.context or {}) and "tables" not in (response.context or {})


def test_csv_download(client, world):
    client.force_login(world["lise"])
    response = client.get(f"/statistikk/csv/?school_year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="statistikk-39-vestfold-2023-24.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["table", "key", "label", "2023-11-15", "2024-02-15", "2024-06-15"]
    document = statistics_document(kodeverk(), county="39", school_year=YEAR)
    total = [str(e["table1"]["total"]) for e in document["counting_dates"]]
    assert ["table1", "total", "Tilmeldte til sammen", *total] in rows


def test_csv_download_is_suppressed_when_chosen(client, world, vestfold):
    client.force_login(world["lise"])
    response = client.get(f"/statistikk/csv/?school_year={YEAR}&suppress=on")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    document = suppress_document(
        statistics_document(kodeverk(), county="39", school_year=YEAR),
        vestfold.suppression_threshold,
    )
    by_key = {(r[0], r[1]): r[3:] for r in rows[1:]}
    hidden = 0
    for position, entry in enumerate(document["counting_dates"]):
        for table in ("table1", "table2"):
            for key, value in entry[table].items():
                assert by_key[(table, key)][position] == ("" if value is None else str(value))
                hidden += value is None
    assert hidden > 0  # the generated county is small: something is suppressed


def test_suppressed_cells_have_no_drilldown_link(client, world):
    client.force_login(world["lise"])
    response = client.get(f"/statistikk/?school_year={YEAR}&suppress=on")
    cells = [c for t in response.context["tables"] for r in t["rows"] for c in r["cells"]]
    assert any(c["value"] is None for c in cells)
    for cell in cells:
        assert (cell["url"] is None) == (cell["value"] is None)


def test_xlsx_download(client, world, tonsberg):
    client.force_login(world["trine"])
    response = client.get(f"/statistikk/xlsx/?school_year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="statistikk-39-vestfold-tonsberg-2023-24.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert ["OT-avdeling", "Tønsberg"] in [list(r[:2]) for r in values]


def test_every_drilldown_has_as_many_youths_as_its_number(world, horten):
    """For every cell at several dates and instants, for the county and for a unit, the
    drill-down's registrations are exactly as many as the table says."""
    kv = kodeverk()
    lise = world["lise"]
    county = lise.county
    for unit in (None, horten):
        for known_at in (None, datetime(2024, 2, 1, 12, tzinfo=UTC)):
            for on in [*kv.counting_dates_of(YEAR), date(2024, 1, 1), date(2024, 7, 31)]:
                document = statistics_document(
                    kv,
                    county="39",
                    school_year=YEAR,
                    on=on,
                    known_at=known_at,
                    unit_id=unit.pk if unit else None,
                )
                entry = document["counting_dates"][0]
                numbers = {f"{t}.{k}": v for t in ("table1", "table2") for k, v in entry[t].items()}
                numbers["own.follow_up"] = (
                    entry["table2"]["target_group"] + entry["table2"]["outside_age"]
                )
                selection = Selection(county, unit, YEAR, on, known_at, False)
                for cell in CELLS:
                    behind, visible = drilldown_registrations(lise, selection, cell)
                    assert behind.count() == numbers[cell], (unit, known_at, on, cell)
                    assert visible.count() == numbers[cell], (unit, known_at, on, cell)


def test_drilldown_page_lists_the_youths_behind_the_number(client, world):
    client.force_login(world["lise"])
    page = client.get(f"/statistikk/?school_year={YEAR}")
    for table in page.context["tables"]:
        for row in table["rows"]:
            for cell in row["cells"]:
                response = client.get(cell["url"])
                assert response.status_code == 200
                assert response.context["page_obj"].paginator.count == cell["value"]
                assert not response.context["narrower"]


def test_the_coordinators_drilldown_shows_only_their_unit(client, world, tonsberg):
    client.force_login(world["trine"])
    page = client.get(f"/statistikk/?school_year={YEAR}")
    total = next(t for t in page.context["tables"] if t["id"] == "table1")["rows"][-1]
    url = total["cells"][-1]["url"]
    response = client.get(url)
    rows = response.context["rows"]
    assert len(rows) == total["cells"][-1]["value"] > 0
    assert {r["registration"].unit_id for r in rows} == {tonsberg.pk}
    assert not response.context["narrower"]


def test_a_narrower_view_scope_is_said_on_the_list(client, world, monkeypatch):
    monkeypatch.setitem(policy.SCOPES[Role.COUNTY_LEADER], policy.VIEW, policy.NOTHING)
    client.force_login(world["lise"])
    response = client.get(
        f"/statistikk/ungdommer/?school_year={YEAR}&date=2024-06-15&cell=table1.total"
    )
    assert response.status_code == 200
    assert response.context["total"] > 0
    assert response.context["rows"] == []
    assert response.context["narrower"]
    assert "men du har tilgang til bare 0 av dem" in response.content.decode()


def test_drilldown_is_audited_without_personal_data(client, world, horten):
    client.force_login(world["lise"])
    response = client.get(
        f"/statistikk/ungdommer/?school_year={YEAR}&unit={horten.pk}&date=2024-06-15"
        "&known_at=2024-06-20T00:00&cell=table2.group3"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="statistics.drilldown.viewed")
    assert event.actor == world["lise"]
    assert event.county == "39"
    assert event.object_id == ""
    assert event.data == {
        "school_year": YEAR,
        "unit": "u-hor",
        "date": "2024-06-15",
        "known_at": "2024-06-20T00:00:00+02:00",
        "suppress": False,
        "cell": "table2.group3",
        "count": response.context["total"],
    }
    ids = {str(r.pk) for r in Registration.objects.all()}
    text = str(event.data)
    assert not any(f"'{i}'" in text for i in ids)


def test_an_unknown_cell_is_refused(client, world):
    client.force_login(world["lise"])
    response = client.get(
        f"/statistikk/ungdommer/?school_year={YEAR}&date=2024-06-15&cell=table3.nothing"
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="statistics.drilldown.viewed").exists()
