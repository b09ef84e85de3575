"""Small-number suppression, attacked: after suppression no hidden cell can be worked out from
what is published, neither by solving equations one unknown at a time nor by searching for a
second table that agrees with everything published."""

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from veiviser.statistics.suppression import (
    TABLE_EQUATIONS,
    TABLE_UNPUBLISHED,
    Equation,
    primary,
    recoverable,
    suppress,
    suppress_document,
    table_cells,
)

REASONS = ("not_applied", "declined", "dropped_out", "other")
GROUPS = ("group1", "group2", "group3", "group4")
# The base cells: every other cell of a counting date is a sum of these.
STATUS_BASE = (*GROUPS, "outside_age", "group5")


def tables_from(reasons: list[int], status: list[int]) -> tuple[dict, dict]:
    g = dict(zip(STATUS_BASE, status, strict=True))
    target = sum(g[k] for k in GROUPS)
    total = sum(status)
    table1 = {**dict(zip(REASONS, reasons, strict=True)), "total": total}
    table2 = {
        **{k: g[k] for k in GROUPS},
        "target_group": target,
        "not_in_target_group": g["outside_age"] + g["group5"],
        "outside_age": g["outside_age"],
        "total": total,
    }
    return table1, table2


@st.composite
def counting_dates(draw):
    """A random counting date: small numbers are the interesting ones."""
    value = st.one_of(st.integers(0, 6), st.integers(0, 60))
    status = draw(st.lists(value, min_size=6, max_size=6))
    total = sum(status)
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=3, max_size=3)))
    reasons = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return tables_from(reasons, status)


def published(cells: dict, hidden: set) -> dict:
    return {k: v for k, v in cells.items() if k not in hidden and k not in TABLE_UNPUBLISHED}


def peeling_attack(known: dict, equations) -> dict:
    """Solve every equation with exactly one unknown, again and again, until nothing changes."""
    known = dict(known)
    changed = True
    while changed:
        changed = False
        for eq in equations:
            unknown = [m for m in eq.members if m not in known]
            if len(set(unknown)) != 1:
                continue
            (name,) = set(unknown)
            if name == eq.total:
                known[name] = sum(known[p] for p in eq.parts)
            else:
                others = sum(known[p] for p in eq.parts if p != name)
                known[name] = (known[eq.total] - others) // eq.parts.count(name)
            changed = True
    return known


def alternatives(cells: dict, hidden: set, step: int = 2) -> dict[str, set[int]]:
    """Brute force: every non-negative table within ±`step` of the true one per base cell that
    shows the same published cells. The values each cell takes in them."""
    shown = published(cells, hidden)
    seen: dict[str, set[int]] = {name: set() for name in cells}
    reason_options, group_options, rest_options = [], [], []
    ranges = {
        name: [cells[name]]
        if name in shown
        else [v for v in range(cells[name] - step, cells[name] + step + 1) if v >= 0]
        for name in (*REASONS, *STATUS_BASE)
    }
    for values in product(*(ranges[n] for n in REASONS)):
        if "total" in shown and sum(values) != shown["total"]:
            continue
        reason_options.append(values)
    for values in product(*(ranges[n] for n in GROUPS)):
        if "target_group" in shown and sum(values) != shown["target_group"]:
            continue
        group_options.append(values)
    for values in product(ranges["outside_age"], ranges["group5"]):
        if "not_in_target_group" in shown and sum(values) != shown["not_in_target_group"]:
            continue
        rest_options.append(values)
    reason_totals = {sum(v) for v in reason_options}
    for groups in group_options:
        for rest in rest_options:
            total = sum(groups) + sum(rest)
            if total not in reason_totals:
                continue
            table1_any = [v for v in reason_options if sum(v) == total]
            t1, t2 = tables_from(list(table1_any[0]), [*groups, *rest])
            candidate = table_cells(t1, t2)
            for name, value in candidate.items():
                if name not in REASONS:
                    seen[name].add(value)
            for values in table1_any:
                for name, value in zip(REASONS, values, strict=True):
                    seen[name].add(value)
    return seen


@settings(max_examples=300, deadline=None)
@given(counting_dates(), st.integers(1, 10))
def test_no_equation_has_a_hidden_cell_as_its_only_unknown(tables, threshold):
    cells = table_cells(*tables)
    hidden = suppress(cells, TABLE_EQUATIONS, threshold, unpublished=TABLE_UNPUBLISHED)
    assert primary(cells, threshold) <= hidden
    for equation in TABLE_EQUATIONS:
        # Group 5 is unknown to the reader too; a lone unknown must not be a hidden cell.
        unknown = [m for m in equation.members if m in hidden or m in TABLE_UNPUBLISHED]
        assert len(unknown) != 1 or unknown[0] not in hidden, (equation, hidden)


@settings(max_examples=300, deadline=None)
@given(counting_dates(), st.integers(1, 10))
def test_peeling_the_equations_recovers_no_hidden_cell(tables, threshold):
    cells = table_cells(*tables)
    hidden = suppress(cells, TABLE_EQUATIONS, threshold, unpublished=TABLE_UNPUBLISHED)
    found = peeling_attack(published(cells, hidden), TABLE_EQUATIONS)
    for name, value in found.items():
        assert cells[name] == value  # the attacker's arithmetic is right …
    assert not (set(found) & hidden), (cells, hidden)  # … and finds nothing hidden


@settings(max_examples=200, deadline=None)
@given(counting_dates(), st.integers(2, 10))
def test_every_hidden_cell_has_a_second_possible_value(tables, threshold):
    cells = table_cells(*tables)
    hidden = suppress(cells, TABLE_EQUATIONS, threshold, unpublished=TABLE_UNPUBLISHED)
    seen = alternatives(cells, hidden)
    for name in hidden:
        assert cells[name] in seen[name]
        assert len(seen[name]) >= 2, (name, cells, hidden)
    for name in published(cells, hidden):
        assert seen[name] == {cells[name]}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 30), min_size=3, max_size=6),
    st.lists(st.integers(0, 30), min_size=2, max_size=4),
    st.integers(1, 8),
)
def test_a_two_level_hierarchy_of_any_shape_is_protected(left, right, threshold):
    """The generic routine on another shape: T = A + B, A = a1 + … , B = b1 + …"""
    cells = {f"a{i}": v for i, v in enumerate(left)} | {f"b{i}": v for i, v in enumerate(right)}
    cells |= {"A": sum(left), "B": sum(right), "T": sum(left) + sum(right)}
    equations = (
        Equation("T", ("A", "B")),
        Equation("A", tuple(f"a{i}" for i in range(len(left)))),
        Equation("B", tuple(f"b{i}" for i in range(len(right)))),
    )
    hidden = suppress(cells, equations, threshold)
    for equation in equations:
        assert sum(m in hidden for m in equation.members) != 1
    assert not recoverable(cells, equations, hidden)
    shown = {k: v for k, v in cells.items() if k not in hidden}
    assert not (set(peeling_attack(shown, equations)) & hidden)


def test_zeros_are_shown_and_nothing_is_hidden_without_small_numbers():
    table1, table2 = tables_from([40, 0, 12, 25], [0, 30, 20, 10, 0, 17])
    cells = table_cells(table1, table2)
    assert suppress(cells, TABLE_EQUATIONS, 5, unpublished=TABLE_UNPUBLISHED) == set()


def test_the_worked_example_of_the_documentation():
    # Table 1: declined = 3 is hidden; the smallest other part, dropped_out = 12, with it.
    # Table 2: group1 = 2 and outside_age = 4 are hidden; group4 = 9 protects group1, and the
    # unpublished group-5 remainder protects outside_age at no cost.
    table1, table2 = tables_from([40, 3, 12, 25], [2, 30, 19, 9, 4, 16])
    document = {
        "county": "39",
        "school_year": 2023,
        "known_at": None,
        "suppressed": False,
        "counting_dates": [{"date": "2024-06-15", "table1": table1, "table2": table2}],
    }
    entry = suppress_document(document, 5)["counting_dates"][0]
    assert entry["table1"] == {
        "not_applied": 40,
        "declined": None,
        "dropped_out": None,
        "other": 25,
        "total": 80,
    }
    assert entry["table2"] == {
        "group1": None,
        "group2": 30,
        "group3": 19,
        "group4": None,
        "target_group": 60,
        "not_in_target_group": 20,
        "outside_age": None,
        "total": 80,
    }


def test_a_small_group_5_remainder_hides_outside_age_or_its_total():
    # not_in_target_group − outside_age = 2 is a small number any reader can work out.
    table1, table2 = tables_from([40, 10, 12, 25], [20, 30, 19, 9, 15, 2])
    cells = table_cells(table1, table2)
    hidden = suppress(cells, TABLE_EQUATIONS, 5, unpublished=TABLE_UNPUBLISHED)
    assert "group5" in hidden
    assert {"outside_age", "not_in_target_group"} & hidden


def test_recoverable_sees_through_a_combination_of_equations():
    # x + y = 10 and y = z + w with z, w known: y is known, hence x.
    cells = {"T": 10, "x": 3, "y": 7, "z": 5, "w": 2}
    equations = (Equation("T", ("x", "y")), Equation("y", ("z", "w")))
    assert recoverable(cells, equations, {"x", "y"}) == {"x", "y"}
    assert recoverable(cells, equations, {"x", "y", "z"}) == set()


def test_suppressed_document_keeps_the_contract():
    table1, table2 = tables_from([40, 3, 12, 25], [2, 30, 19, 9, 4, 16])
    document = {
        "county": "39",
        "school_year": 2023,
        "known_at": None,
        "suppressed": False,
        "counting_dates": [{"date": "2024-06-15", "table1": table1, "table2": table2}],
    }
    result = suppress_document(document, 5)
    assert result["suppressed"] is True
    assert list(result) == list(document)
    assert list(result["counting_dates"][0]["table2"]) == list(table2)
    assert document["suppressed"] is False  # the input is not changed


def test_overlapping_equations_need_the_linear_algebra_check():
    # T = a + b + c and U = a + b: with a, b, c hidden every equation has two or more hidden
    # cells, yet c = T − U. The quick rule alone would stop there; the check hides T too.
    cells = {"T": 20, "U": 12, "a": 2, "b": 10, "c": 3}
    equations = (Equation("T", ("a", "b", "c")), Equation("U", ("a", "b")))
    assert recoverable(cells, equations, {"a", "b", "c"}) == {"c"}
    hidden = suppress(cells, equations, 5)
    assert {"a", "b", "c"} <= hidden
    assert not recoverable(cells, equations, hidden)
