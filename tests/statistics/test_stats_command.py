"""`veiviser stats`: CSV and XLSX carry the JSON's numbers, --suppress follows the county's
threshold, --report prints the annual report's other counts."""

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.exchange.files import lines
from tests.statistics.test_counts import three_years
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.organisation.models import County
from veiviser.statistics import counts
from veiviser.statistics.suppression import TABLE_EQUATIONS

pytestmark = pytest.mark.django_db

ARGS = ["--county", "39", "--school-year", "2023"]


@pytest.fixture
def county():
    import_lines(lines(three_years(21, 2023, persons=40)), county="39", actor=None)
    return County.objects.get(number="39")


def stats(*args) -> str:
    out = StringIO()
    call_command("stats", *ARGS, *args, stdout=out)
    return out.getvalue()


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_csv_has_a_row_per_cell_and_a_column_per_counting_date(county):
    document = json.loads(stats())
    rows = read_csv(stats("--format", "csv"))
    header, body = rows[0], rows[1:]
    assert header == ["table", "key", "label", "2023-11-15", "2024-02-15", "2024-06-15"]
    assert [(r[0], r[1]) for r in body][:5] == [
        ("table1", "not_applied"),
        ("table1", "declined"),
        ("table1", "dropped_out"),
        ("table1", "other"),
        ("table1", "total"),
    ]
    assert len(body) == 5 + 8
    for row in body:
        table, key = row[0], row[1]
        assert [int(v) for v in row[3:]] == [e[table][key] for e in document["counting_dates"]]


def test_csv_labels_are_the_annual_reports_norwegian_ones(county):
    labels = [row[2] for row in read_csv(stats("--format", "csv"))[1:]]
    assert labels == [
        "Ikke søkt opplæring",
        "Takket nei til opplæring",
        "Avbrutt opplæring",
        "Andre grunner",
        "Tilmeldte til sammen",
        "1. Ukjent ungdom",
        "2. Ungdom under oppfølging/veiledning",
        "3. Ungdom i aktivitet",
        "4. Avklart ungdom",
        "Ungdom i målgruppen",
        "Utenfor målgruppen",
        "herav utenfor aldersgrensen",
        "Totalt tilmeldte",
    ]


def test_suppressed_json_hides_small_cells_and_every_cell_that_reveals_one(county):
    document = json.loads(stats("--suppress"))
    plain = json.loads(stats())
    assert document["suppressed"] is True
    hidden_any = False
    for entry, raw in zip(document["counting_dates"], plain["counting_dates"], strict=True):
        for table in ("table1", "table2"):
            for key, value in entry[table].items():
                if value is None:
                    hidden_any = True
                else:
                    assert value == raw[table][key]
                    assert value == 0 or value >= 5
        assert entry["table1"]["total"] == entry["table2"]["total"]
        hidden = {k for t in ("table1", "table2") for k, v in entry[t].items() if v is None}
        for equation in TABLE_EQUATIONS[:3]:  # the equations between published cells
            assert sum(m in hidden for m in equation.members) != 1
    assert hidden_any  # 40 persons over three dates: some cells are small


def test_the_threshold_is_the_countys(county):
    county.suppression_threshold = 1  # nothing is below 1 but 0, and 0 is shown
    county.save()
    document = json.loads(stats("--suppress"))
    assert document["suppressed"] is True
    assert document["counting_dates"] == json.loads(stats())["counting_dates"]


def test_suppressed_csv_leaves_hidden_cells_empty(county):
    document = json.loads(stats("--suppress"))
    for row in read_csv(stats("--format", "csv", "--suppress"))[1:]:
        table, key = row[0], row[1]
        expected = [e[table][key] for e in document["counting_dates"]]
        assert row[3:] == ["" if v is None else str(v) for v in expected]


def test_xlsx_has_both_tables_under_a_note_of_what_they_are(county, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "stats.xlsx"
    stats("--format", "xlsx", "--output", str(path), "--suppress")
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Fylke", f"39 {county.name}".strip()]
    assert values[1][:2] == ["Skoleår", "2023/24"]
    assert values[2][0] == "Kjent per"
    assert values[3][0] == "Prikket" and values[3][1].startswith("ja")
    labels = [row[0] for row in values]
    assert "Tabell 1. Tilmeldt ungdom etter årsak" in labels
    assert "Totalt tilmeldte" in labels
    header = labels.index("Tabell 1. Tilmeldt ungdom etter årsak")
    assert sheet.cell(row=header + 1, column=1).font.bold
    document = json.loads(stats("--suppress"))
    total_row = values[labels.index("Totalt tilmeldte")]
    assert total_row[1:4] == [e["table2"]["total"] for e in document["counting_dates"]]


def test_xlsx_needs_an_output_file(county):
    with pytest.raises(CommandError, match="--output"):
        stats("--format", "xlsx")


def test_json_can_go_to_a_file(county, tmp_path):
    path = tmp_path / "stats.json"
    stats("--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(stats())


@pytest.mark.parametrize("report", counts.REPORTS)
def test_report_prints_the_counts_as_json(county, report):
    document = json.loads(stats("--report", report))
    assert document["report"] == report
    assert document["county"] == "39"
    body = {k: v for k, v in document.items() if k not in {"county", "school_year", "known_at"}}
    del body["report"]
    expected = counts.FUNCTIONS[report](kodeverk(), county="39", school_year=2023)
    assert body == json.loads(json.dumps(expected))


def test_report_as_csv_has_one_number_per_row(county):
    rows = read_csv(stats("--report", "year-end", "--format", "csv"))
    assert rows[0] == ["report", "section", "key", "field", "value"]
    by_field = {(r[1], r[3]): r[4] for r in rows[1:]}
    document = json.loads(stats("--report", "year-end"))
    assert by_field[("", "target_group")] == str(document["target_group"])
    assert by_field[("by_main_group", "3")] == str(document["by_main_group"]["3"])


def test_report_refuses_what_it_does_not_do(county):
    with pytest.raises(CommandError, match="--date"):
        stats("--report", "age", "--date", "2024-03-01")
