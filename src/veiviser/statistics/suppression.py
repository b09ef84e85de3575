"""Small-number suppression of published tables (DOMAIN.md §8, EXCHANGE.md §3, docs/statistics.md).

Pure functions on plain values; nothing here reads the database.

**Primary suppression**: a cell is hidden when 0 < value < the county's threshold (default 5).
Zeros are shown, as SSB and Udir do: "nobody" identifies no one.

**Secondary suppression**: the cells of a table are tied by additive equations (parts sum to a
total). A hidden cell must not be recoverable from the published cells through them:

1. while some equation has exactly one hidden member, hide one more member of it: a cell nobody
   sees (an unpublished, derived cell) if there is one, else a part rather than the total, a
   non-zero cell rather than a zero (a zero complement would tell the reader the hidden cell is
   at most its own value), and then the smallest;
2. when no equation has exactly one hidden member, check the whole system by linear algebra: a
   hidden cell is recoverable when some combination of equations leaves it as the only unknown.
   If one is, hide the best neighbour of it (same preference) and go back to 1.

Step 2 makes the result safe by construction; step 1 is the usual quick rule and settles almost
every table alone. Hiding more never makes a hidden cell recoverable, so the loop ends (at worst
with every cell hidden).
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Equation:
    """`total` = sum of `parts`."""

    total: str
    parts: tuple[str, ...]

    @property
    def members(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


# One counting date of Table 1 and Table 2 as cells. `total` is one cell shared by both tables
# (table1.total == table2.total). `group5` = not_in_target_group − outside_age (status in main
# group 5) is not published, but any reader can work it out, so it is a cell like the others:
# primary-suppressed when small, and hiding it costs nothing.
TABLE_EQUATIONS: tuple[Equation, ...] = (
    Equation("total", ("not_applied", "declined", "dropped_out", "other")),
    Equation("target_group", ("group1", "group2", "group3", "group4")),
    Equation("total", ("target_group", "not_in_target_group")),
    Equation("not_in_target_group", ("outside_age", "group5")),
)
TABLE_UNPUBLISHED = frozenset({"group5"})


def primary(cells: Mapping[str, int], threshold: int) -> set[str]:
    """The cells with 0 < value < threshold."""
    return {name for name, value in cells.items() if 0 < value < threshold}


def recoverable(
    cells: Mapping[str, int], equations: Iterable[Equation], hidden: Collection[str]
) -> set[str]:
    """The hidden cells whose value follows from the visible cells and the equations.

    A hidden cell x is determined exactly when no solution of the homogeneous system (the
    equations restricted to the hidden cells) moves x, i.e. when x's column is not in the span
    of the other hidden cells' columns: rank(M) > rank(M without x). Exact arithmetic."""
    names = sorted(n for n in hidden if n in cells)
    if not names:
        return set()
    rows = []
    for equation in equations:
        row = [Fraction(0)] * len(names)
        for position, name in enumerate(names):
            if name == equation.total:
                row[position] += 1
            row[position] -= equation.parts.count(name)
        if any(row):
            rows.append(row)
    full = _rank(rows)
    return {
        name
        for position, name in enumerate(names)
        if _rank([r[:position] + r[position + 1 :] for r in rows]) < full
    }


def _rank(rows: Sequence[Sequence[Fraction]]) -> int:
    matrix = [list(row) for row in rows]
    rank = 0
    columns = len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][column] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][column] != 0:
                factor = matrix[i][column] / matrix[rank][column]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


def secondary(
    cells: Mapping[str, int],
    equations: Sequence[Equation],
    hidden: Collection[str],
    *,
    unpublished: Collection[str] = frozenset(),
) -> set[str]:
    """`hidden` plus the complementary cells that protect it (module docstring)."""
    result = set(hidden)
    order = {name: position for position, name in enumerate(cells)}
    totals = {equation.total for equation in equations}

    def preference(name: str, equation: Equation | None) -> tuple:
        is_total = name == equation.total if equation is not None else name in totals
        value = cells[name]
        return (name not in unpublished, is_total, value == 0, value, order[name])

    while True:
        changed = False
        for equation in equations:
            members = [m for m in equation.members if m in cells]
            if sum(m in result for m in members) != 1:
                continue
            candidates = [m for m in members if m not in result]
            if candidates:
                result.add(min(candidates, key=lambda m, eq=equation: preference(m, eq)))
                changed = True
        if changed:
            continue
        leaked = recoverable(cells, equations, result)
        if not leaked:
            return result
        name = min(leaked, key=lambda n: order[n])
        neighbours = {
            m
            for equation in equations
            if name in equation.members
            for m in equation.members
            if m in cells and m not in result
        }
        if not neighbours:  # cannot happen while the equations hold; refuse to publish
            return set(cells)
        result.add(min(neighbours, key=lambda m: preference(m, None)))


def suppress(
    cells: Mapping[str, int],
    equations: Sequence[Equation],
    threshold: int,
    *,
    unpublished: Collection[str] = frozenset(),
) -> set[str]:
    """Every cell to hide: primary (0 < value < threshold) and secondary."""
    return secondary(cells, equations, primary(cells, threshold), unpublished=unpublished)


def table_cells(table1: Mapping[str, int], table2: Mapping[str, int]) -> dict[str, int]:
    """The cells of one counting date for `TABLE_EQUATIONS`."""
    cells = {key: value for key, value in table1.items()}
    cells.update(table2)
    cells["group5"] = table2["not_in_target_group"] - table2["outside_age"]
    return cells


def suppress_document(document: dict, threshold: int) -> dict:
    """The `veiviser stats` JSON (EXCHANGE.md §3) with the small-number rule applied: hidden
    cells become None (JSON null) and `suppressed` is true. Each counting date on its own: no
    equation ties two dates."""
    dates = []
    for entry in document["counting_dates"]:
        cells = table_cells(entry["table1"], entry["table2"])
        hidden = suppress(cells, TABLE_EQUATIONS, threshold, unpublished=TABLE_UNPUBLISHED)
        dates.append(
            {
                "date": entry["date"],
                "table1": {k: None if k in hidden else v for k, v in entry["table1"].items()},
                "table2": {k: None if k in hidden else v for k, v in entry["table2"].items()},
            }
        )
    return {**document, "suppressed": True, "counting_dates": dates}
