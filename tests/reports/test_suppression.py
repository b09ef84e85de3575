"""Every published cell of the report obeys the small-number rule, and no hidden cell can be
worked out from the published ones through the sums a reader sees in the report (checked by
exact linear algebra over all tables of a date together, not by the suppression's own rules)."""

import pytest

from tests.reports.conftest import KNOWN_AT, SCHOOL_YEAR
from veiviser.codes.selectors import kodeverk
from veiviser.reports import numbers
from veiviser.statistics.suppression import Equation, recoverable

pytestmark = pytest.mark.django_db


def leaves(tree, path=()):
    """(path, value) of every number in a JSON tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from leaves(value, (*path, key))
    elif isinstance(tree, int | None) and not isinstance(tree, bool):
        yield path, tree


def june_system(raw: dict, published: dict):
    """The cells (true values), the sums a reader sees, and which cells are hidden, at the last
    counting date: Table 1 and 2, the ages, the year-end codes, the units."""
    entry = raw["tables"]["counting_dates"][-1]
    shown = published["tables"]["counting_dates"][-1]
    cells, hidden = {}, set()

    def cell(name, true, public):
        cells[name] = true
        if public is None:
            hidden.add(name)

    for table in ("table1", "table2"):
        for key, value in entry[table].items():
            cell(key, value, shown[table][key])
    for age, value in raw["age"]["ages"].items():
        cell(f"age{age}", value, published["age"]["ages"][age])
    for code, value in raw["year_end"]["by_code"].items():
        cell(code, value, published["year_end"]["by_code"][code])
    for key, unit in raw["by_unit"]["by_unit"].items():
        public = published["by_unit"]["by_unit"][key]
        cell(f"reg-{key}", unit["registered"], public["registered"])
        cell(f"tg-{key}", unit["target_group"], public["target_group"])
    equations = [
        Equation("total", ("not_applied", "declined", "dropped_out", "other")),
        Equation("target_group", ("group1", "group2", "group3", "group4")),
        Equation("total", ("target_group", "not_in_target_group")),
        Equation("target_group", tuple(f"age{a}" for a in raw["age"]["ages"])),
        Equation("total", tuple(f"reg-{k}" for k in raw["by_unit"]["by_unit"])),
        Equation("target_group", tuple(f"tg-{k}" for k in raw["by_unit"]["by_unit"])),
    ]
    for group, codes in raw["codes_by_group"].items():
        if group in ("1", "2", "3", "4"):
            equations.append(Equation(f"group{group}", tuple(codes)))
    return cells, equations, hidden


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_no_small_number_is_published(report_world, threshold):
    raw = numbers.read(kodeverk(), county=report_world, school_year=SCHOOL_YEAR, known_at=KNOWN_AT)
    published = numbers.publish(raw, threshold)
    small = [
        (path, value)
        for path, value in leaves(published)
        if value is not None
        and 0 < value < threshold
        and path[0] not in ("threshold", "duties")
        and "date" not in path
        and path[-1] != "school_year"
    ]
    assert small == []
    for kind, row in published["duties"]["kinds"].items():
        for key in ("duties", "met_on_time", "met_late", "overdue", "not_yet_due", "settled"):
            assert row[key] is None or not 0 < row[key] < threshold, (kind, key)


@pytest.mark.parametrize("threshold", [3, 5, 10])
def test_hidden_cells_cannot_be_recovered_from_the_published_sums(report_world, threshold):
    raw = numbers.read(kodeverk(), county=report_world, school_year=SCHOOL_YEAR, known_at=KNOWN_AT)
    published = numbers.publish(raw, threshold)
    cells, equations, hidden = june_system(raw, published)
    assert hidden, "the small world must have something to hide"
    assert recoverable(cells, equations, hidden) == set()
    # The other counting dates, each on its own (Table 1 and 2).
    for entry, shown in zip(
        raw["tables"]["counting_dates"][:-1],
        published["tables"]["counting_dates"][:-1],
        strict=True,
    ):
        cells = {**entry["table1"], **entry["table2"]}
        hidden = {k for t in ("table1", "table2") for k, v in shown[t].items() if v is None}
        assert recoverable(cells, equations[:3], hidden) == set()


def test_a_share_or_the_own_view_is_hidden_with_its_numbers(report_world):
    raw = numbers.read(kodeverk(), county=report_world, school_year=SCHOOL_YEAR, known_at=KNOWN_AT)
    published = numbers.publish(raw, 10)
    for entry in published["tables"]["counting_dates"]:
        t2 = entry["table2"]
        if t2["target_group"] is None or t2["outside_age"] is None:
            assert entry["own_view"] is None
        else:
            assert entry["own_view"] == t2["target_group"] + t2["outside_age"]
    year_end = published["year_end"]
    if year_end["by_main_group"]["3"] is None or year_end["target_group"] is None:
        assert year_end["share_in_activity"] is None
