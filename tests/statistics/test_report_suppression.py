"""Suppression of the other counts of the annual report (`veiviser stats --report NAME
--suppress`): every report is suppressed, the shown numbers are the true ones, and an attacker
with the report's own definitions (written here, independently of `suppression.py`) can
recover no hidden number, no small remainder, and no hidden number through a share."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.statistics.test_stats_command import county, stats  # noqa: F401 (a fixture)
from tests.statistics.test_suppression import peeling_attack
from veiviser.statistics.counts import REPORTS
from veiviser.statistics.exports import report_rows
from veiviser.statistics.suppression import Equation, recoverable, suppress_report

small = st.integers(0, 9)


def flat(document: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in document.items():
        if not prefix and key in {"county", "school_year", "known_at", "report", "suppressed"}:
            continue
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}/"))
        elif not isinstance(value, str):
            out[f"{prefix}{key}"] = value
    return out


def attack(true: dict, shown: dict, equations: list[Equation], threshold: int) -> None:
    """The attacker knows every shown number and the equations; unknown remainders are named
    in the equations and not in `true`'s shown part."""
    hidden = {k for k, v in shown.items() if v is None}
    known = {k: v for k, v in shown.items() if v is not None and k in true}
    for name, value in known.items():
        if not name.split("/")[-1].startswith(("share", "pass_rate", "completed_share")):
            assert not 0 < value < threshold, name
    found = peeling_attack(known, equations)
    for name in hidden & set(true):
        assert name not in found, f"{name} recovered by peeling"
    for name, value in found.items():
        if name.startswith("rest:"):
            assert not 0 < value < threshold, f"{name} worked out as {value}"
    # Any combination of the equations: the linear algebra check on the attacker's system.
    cells = {**true}
    for eq in equations:
        for m in eq.members:
            cells.setdefault(m, 0)
    unknown = {m for eq in equations for m in eq.members if m not in known}
    assert not (recoverable(cells, equations, unknown) & hidden)
    # Small remainders a reader can compute (total − parts of a ⊇ relation) are not shown.
    for eq in equations:
        rests = [m for m in eq.parts if m.startswith("rest:")]
        if len(rests) == 1 and all(m in known for m in eq.members if m not in rests):
            value = known[eq.total] - sum(known[m] for m in eq.parts if m not in rests)
            assert not 0 < value < threshold, f"remainder of {eq.total} is {value}"


def sum_eq(total: str, parts) -> Equation:
    return Equation(total, tuple(parts))


@settings(max_examples=150, deadline=None)
@given(st.lists(small, min_size=1, max_size=8), st.integers(3, 5))
def test_age_distribution(ages, threshold):
    document = {
        "report": "age",
        "date": "2024-06-15",
        "ages": {str(16 + n): v for n, v in enumerate(ages)},
        "total": sum(ages),
    }
    shown = flat(suppress_report(document, threshold))
    equations = [sum_eq("total", [f"ages/{a}" for a in document["ages"]])]
    attack(flat(document), shown, equations, threshold)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(small, small), min_size=1, max_size=5), st.integers(3, 5))
def test_during_year_per_unit(units, threshold):
    by_unit = {
        f"u{n}": {"name": f"Unit {n}", "guidance": g + o, "own_measures": o}
        for n, (g, o) in enumerate(units)
    }
    document = {
        "report": "during-year",
        "by_unit": by_unit,
        "total": {
            "guidance": sum(u["guidance"] for u in by_unit.values()),
            "own_measures": sum(u["own_measures"] for u in by_unit.values()),
        },
    }
    shown = flat(suppress_report(document, threshold))
    equations = [
        sum_eq(f"total/{f}", [f"by_unit/{u}/{f}" for u in by_unit])
        for f in ("guidance", "own_measures")
    ]
    equations += [
        sum_eq(f"by_unit/{u}/guidance", [f"by_unit/{u}/own_measures", f"rest:{u}"]) for u in by_unit
    ]
    attack(flat(document), shown, equations, threshold)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(small, small, st.integers(0, 2)), min_size=1, max_size=6))
def test_by_unit_and_municipality(rows):
    threshold = 4
    # Each row is a (unit, municipality) cross cell: (target group, outside it, municipality).
    units: dict = {}
    municipalities: dict = {}
    for n, (target, outside, municipality) in enumerate(rows):
        for table, key in ((units, f"u{n % 3}"), (municipalities, f"39{municipality:02}")):
            entry = table.setdefault(key, {"name": key, "registered": 0, "target_group": 0})
            entry["registered"] += target + outside
            entry["target_group"] += target
    document = {
        "report": "by-unit",
        "by_unit": units,
        "by_municipality": municipalities,
        "total": {
            "registered": sum(u["registered"] for u in units.values()),
            "target_group": sum(u["target_group"] for u in units.values()),
        },
    }
    shown = flat(suppress_report(document, threshold))
    equations = []
    for section, entries in (("by_unit", units), ("by_municipality", municipalities)):
        for f in ("registered", "target_group"):
            equations.append(sum_eq(f"total/{f}", [f"{section}/{k}/{f}" for k in entries]))
        for k in entries:
            equations.append(
                sum_eq(f"{section}/{k}/registered", [f"{section}/{k}/target_group", f"rest:{k}"])
            )
    attack(flat(document), shown, equations, threshold)


MAIN_GROUPS = {"1": ["OTUK"], "2": ["OTOV", "OTOA"], "3": ["OTAR", "OTVO"], "4": ["OTAV"]}


@settings(max_examples=150, deadline=None)
@given(st.lists(small, min_size=6, max_size=6), st.integers(3, 5))
def test_year_end_codes_groups_and_the_share(values, threshold):
    codes = ["OTUK", "OTOV", "OTOA", "OTAR", "OTVO", "OTAV"]
    by_code = dict(zip(codes, values, strict=True))
    by_group = {g: sum(by_code[c] for c in cs) for g, cs in MAIN_GROUPS.items()}
    target = sum(by_group.values())
    document = {
        "report": "year-end",
        "date": "2024-06-15",
        "target_group": target,
        "by_main_group": by_group,
        "by_code": by_code,
        "share_in_activity": round(by_group["3"] / target, 3) if target else None,
    }
    suppressed = suppress_report(document, threshold, main_groups=MAIN_GROUPS)
    shown = flat(suppressed)
    equations = [sum_eq("target_group", [f"by_main_group/{g}" for g in MAIN_GROUPS])]
    equations += [
        sum_eq(f"by_main_group/{g}", [f"by_code/{c}" for c in cs]) for g, cs in MAIN_GROUPS.items()
    ]
    true = {k: v for k, v in flat(document).items() if k != "share_in_activity"}
    attack(true, {k: v for k, v in shown.items() if k != "share_in_activity"}, equations, threshold)
    if shown["by_main_group/3"] is None or shown["target_group"] is None:
        assert suppressed["share_in_activity"] is None


@settings(max_examples=100, deadline=None)
@given(small, small, st.lists(small, min_size=5, max_size=5), small, st.integers(3, 5))
def test_repeat_and_last_year(first, again, groups, later, threshold):
    registrations = first + again
    registered_again = sum(groups) + later
    document = {
        "report": "repeat",
        "registrations": registrations,
        "repeat": again,
        "share": round(again / registrations, 3) if registrations else None,
        "last_year": {
            "date": "2023-06-15",
            "target_group": registered_again + first,
            "registered_again": registered_again,
            "date_this_year": "2024-06-15",
            "by_main_group": {str(g + 1): v for g, v in enumerate(groups)},
            "not_registered_at_date": later,
            "in_target_group": max(0, sum(groups[:4]) - later),
        },
    }
    suppressed = suppress_report(document, threshold)
    shown = flat(suppressed)
    equations = [
        sum_eq("registrations", ["repeat", "rest:first"]),
        sum_eq("last_year/target_group", ["last_year/registered_again", "rest:not_again"]),
        sum_eq(
            "last_year/registered_again",
            [
                *(f"last_year/by_main_group/{g}" for g in "12345"),
                "last_year/not_registered_at_date",
            ],
        ),
        sum_eq("g14", [f"last_year/by_main_group/{g}" for g in "1234"]),
        sum_eq("g14", ["last_year/in_target_group", "rest:outside_age"]),
    ]
    true = {k: v for k, v in flat(document).items() if k != "share"}
    attack(true, {k: v for k, v in shown.items() if k != "share"}, equations, threshold)
    if shown["repeat"] is None or shown["registrations"] is None:
        assert suppressed["share"] is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(small, small, small), min_size=1, max_size=4), st.integers(3, 5))
def test_projects_outcomes_and_shares(projects, threshold):
    def row(done, dropped, none):
        total = done + dropped + none
        row = {"participants": total, "completed": done, "dropped_out": dropped, "none": none}
        for o in ("completed", "dropped_out", "none"):
            row[f"share_{o}"] = round(100 * row[o] / total) if total else None
        return row

    by_project = {f"P{n}": row(*values) for n, values in enumerate(projects)}
    total = row(*(sum(v[i] for v in projects) for i in range(3)))
    document = {"report": "projects", "total": total, "by_project": by_project, "by_unit": {}}
    suppressed = suppress_report(document, threshold)
    outcomes = ("completed", "dropped_out", "none")
    equations = []
    for f in ("participants", *outcomes):
        equations.append(sum_eq(f"total/{f}", [f"by_project/{p}/{f}" for p in by_project]))
    for prefix in ["total/", *(f"by_project/{p}/" for p in by_project)]:
        equations.append(sum_eq(f"{prefix}participants", [f"{prefix}{o}" for o in outcomes]))
    is_share = lambda k: "/share_" in k or k.startswith("share_")  # noqa: E731
    true = {k: v for k, v in flat(document).items() if not is_share(k)}
    shown = {k: v for k, v in flat(suppressed).items() if not is_share(k)}
    attack(true, shown, equations, threshold)
    for name, entry in [("total", suppressed["total"]), *suppressed["by_project"].items()]:
        if any(entry[k] is None for k in ("participants", *outcomes)):
            assert all(entry[f"share_{o}"] is None for o in outcomes), name


def test_the_example_of_the_documentation():
    document = {
        "report": "during-year",
        "by_unit": {
            "u-a": {"name": "A", "guidance": 40, "own_measures": 12},
            "u-b": {"name": "B", "guidance": 3, "own_measures": 1},
            "u-c": {"name": "C", "guidance": 25, "own_measures": 9},
        },
        "total": {"guidance": 68, "own_measures": 22},
    }
    shown = suppress_report(document, 5)["by_unit"]
    # B's 3 and 1 are small; one more unit loses both numbers, the smaller one (C).
    assert shown["u-b"] == {"name": "B", "guidance": None, "own_measures": None}
    assert shown["u-c"] == {"name": "C", "guidance": None, "own_measures": None}
    assert shown["u-a"] == document["by_unit"]["u-a"]


@pytest.mark.django_db
@pytest.mark.parametrize("report", REPORTS)
def test_every_report_suppresses_and_writes_xlsx(county, report, tmp_path):  # noqa: F811
    true = json.loads(stats("--report", report))
    document = json.loads(stats("--report", report, "--suppress"))
    assert document["suppressed"] is True
    threshold = county.suppression_threshold
    for name, value in flat(document).items():
        if value is not None:
            assert value == flat(true)[name]
            if name.split("/")[-1] in ("share", "pass_rate", "completed_share"):
                continue
            if not name.split("/")[-1].startswith("share"):
                assert not 0 < value < threshold, name
    path = tmp_path / f"{report}.xlsx"
    stats("--report", report, "--suppress", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, rows = report_rows(document)
    start = values.index(header)
    expected = [[None if v == "" else v for v in row] for row in rows]
    assert values[start + 1 : start + 1 + len(rows)] == expected
