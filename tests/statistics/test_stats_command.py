"""`veiviser stats`: CSV and XLSX carry the JSON's numbers, --suppress follows the county's
threshold, --report prints the annual report's other counts."""

import csv
import io
import json
import re
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


def several(*args) -> list[dict]:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    text = out.getvalue()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def single(county: str, year: int, *args) -> dict:
    out = StringIO()
    call_command("stats", "--county", county, "--school-year", str(year), *args, stdout=out)
    return json.loads(out.getvalue())


def test_several_school_years_print_one_document_per_line(county):
    documents = several("--county", "39", "--school-year", "2021-2023")
    assert documents == [single("39", year) for year in (2021, 2022, 2023)]
    assert all(d["counting_dates"][-1]["table1"]["total"] > 0 for d in documents)


def test_several_counties_in_the_order_given(county, telemark):
    known_at = "2024-03-01T00:00:00+01:00"
    args = ["--school-year", "2023", "--known-at", known_at, "--date", "2024-02-01"]
    documents = several("--county", "40,39", *args)
    assert [d["county"] for d in documents] == ["40", "39"]
    assert documents == [single(c, 2023, *args[2:]) for c in ("40", "39")]
    assert documents[0]["counting_dates"][0]["table1"]["total"] == 0
    assert documents[1]["known_at"] == known_at


def test_all_counties_suppressed_each_by_its_own_threshold(county, telemark):
    telemark.suppression_threshold = 1
    telemark.save()
    documents = several("--county", "all", "--school-year", "2022,2023", "--suppress")
    assert [(d["county"], d["school_year"]) for d in documents] == [
        ("39", 2022),
        ("39", 2023),
        ("40", 2022),
        ("40", 2023),
    ]
    assert documents == [
        single(c, y, "--suppress")
        for c, y in (("39", 2022), ("39", 2023), ("40", 2022), ("40", 2023))
    ]
    assert any(
        v is None for d in documents[:2] for e in d["counting_dates"] for v in e["table1"].values()
    )


def test_several_can_go_to_a_file(county, tmp_path):
    path = tmp_path / "stats.jsonl"
    call_command("stats", "--county", "39", "--school-year", "2022-2023", "--output", str(path))
    lines_written = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines_written] == [single("39", 2022), single("39", 2023)]


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--county", "39", "--school-year", "2022-2023", "--format", "csv"], "--format csv"),
        (["--county", "39", "--school-year", "2022-2023", "--report", "age"], "--report"),
        (["--county", "39", "--school-year", "2022-2023", "--date", "2023-03-01"], "--date"),
        (["--county", "39,41", "--school-year", "2023"], "'41'"),
        (["--county", "39", "--school-year", "2023-2021"], "--school-year '2023-2021'"),
        (["--county", "39", "--school-year", "nitten"], "--school-year 'nitten'"),
        (["--county", "39,40", "--school-year", "2023", "--date", "2024-09-01"], "2023/24"),
    ],
)
def test_several_refuses_what_it_cannot_do(county, telemark, args, complaint):
    with pytest.raises(CommandError, match=re.escape(complaint)):
        call_command("stats", *args, stdout=StringIO())
