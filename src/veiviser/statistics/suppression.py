"""Small-number suppression of published tables (DOMAIN.md §8, EXCHANGE.md §3, docs/statistics.md).

Pure functions on plain values; nothing here reads the database.

**Primary suppression**: a cell is hidden when 0 < value < the county's threshold (default 5).
Zeros are shown, as SSB and Udir do: "nobody" identifies no one.

**Secondary suppression**: the cells of a table are tied by additive equations (parts sum to a
total). A hidden cell must not be recoverable from the published cells through them:

1. while some equation has exactly one unknown member (hidden, or an unpublished cell nobody
   sees), hide one more member of it: a part rather than the total, a
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

    # An unpublished cell is unknown to the reader unless the equations give it back: it
    # counts as unknown here, and the linear algebra finds out whether it is given back.
    unseen = {name for name in unpublished if name in cells}
    while True:
        changed = False
        for equation in equations:
            members = [m for m in equation.members if m in cells]
            unknown = [m for m in members if m in result or m in unseen]
            # One unknown gives itself away; it matters only if it is hidden (an unpublished
            # cell that is not small may be worked out).
            if len(unknown) != 1 or unknown[0] not in result:
                continue
            candidates = [m for m in members if m not in result and m not in unseen]
            if candidates:
                result.add(min(candidates, key=lambda m, eq=equation: preference(m, eq)))
                changed = True
        if changed:
            continue
        leaked = recoverable(cells, equations, result | unseen) & result
        if not leaked:
            return result
        name = min(leaked, key=lambda n: order[n])
        neighbours = {
            m
            for equation in equations
            if name in equation.members
            for m in equation.members
            if m in cells and m not in result and m not in unseen
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


# --- The other counts of the annual report (`veiviser stats --report NAME --suppress`) ---------
#
# A report document (`counts.report_document`) is a tree of numbers. Its cells are the whole
# numbers in it, named by their path ("by_unit/u-tbg/guidance"). Its equations are those its
# definitions make true (docs/statistics.md, "Suppression of the other counts"):
#
# - a section against its total: `total` (or each field of a `total` row) = the sum of the same
#   field over every entry of a sibling `by_…` section (`ages` and `codes` too);
# - a row against its own parts: e.g. `guidance` ⊇ `own_measures`, `registered` ⊇
#   `target_group`, `exams` = `passed` + `not_passed`, `cases` = the sum of `kind.…`;
# - year-end: `target_group` = the main groups, each main group = its codes.
#
# Every such relation is checked on the numbers: the remainder r = total − Σ parts is what a
# reader can work out. r < 0 means the parts overlap (a youth in two subjects): no equation.
# r = 0 gives `total = Σ parts`; r > 0 gives `total = Σ parts + r` with r an unpublished cell
# (small r is itself primary-suppressed, as group 5 is in Table 2). Declaring a relation that
# does not hold by definition only hides more, never less. A share (`share`, `share_…`,
# `pass_rate`, `completed_share`, `share_in_activity`) is hidden when a cell it is computed
# from is hidden: it would give that cell back.

REPORT_META = frozenset({"county", "school_year", "known_at", "report", "suppressed"})
SECTION_KEYS = frozenset({"ages", "codes"})
# (total field, part fields; a part ending in "." means every field with that prefix)
ROW_RELATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("guidance", ("own_measures",)),
    ("registered", ("target_group",)),
    ("registrations", ("repeat",)),
    ("target_group", ("registered_again",)),
    ("registered_again", ("by_main_group/", "not_registered_at_date")),
    ("exams", ("passed", "not_passed")),
    ("cases", ("kind.",)),
    ("cases", ("completed", "dropped_out", "open")),
    ("cases", ("with_meeting",)),
    ("dropped_out", ("reason.",)),
    ("participants", ("outcome:",)),  # every outcome (projects: each `share_X` names one)
)


def _is_share(key: str) -> bool:
    return key == "share" or key.startswith("share_") or key in ("pass_rate", "completed_share")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def report_cells(document: dict) -> dict[str, int]:
    """Every whole number of a report document (shares excluded), by path."""
    cells: dict[str, int] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            if not prefix and key in REPORT_META:
                continue
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, path + "/")
            elif _is_count(value) and not _is_share(str(key)):
                cells[path] = value

    walk(document, "")
    return cells


def _relations(document: dict, main_groups: Mapping[str, Sequence[str]] | None) -> list:
    """(total path, part paths) candidates of a report document (see above)."""
    relations: list[tuple[str, list[str]]] = []

    def node_relations(node: dict, prefix: str) -> None:
        total = node.get("total")
        for key, section in node.items():
            if not isinstance(section, dict) or not (
                str(key).startswith("by_") or key in SECTION_KEYS
            ):
                continue
            entries = [k for k, v in section.items() if isinstance(v, dict) or _is_count(v)]
            if _is_count(total):
                parts = [f"{prefix}{key}/{k}" for k in entries if _is_count(section[k])]
                relations.append((f"{prefix}total", parts))
            elif isinstance(total, dict):
                for field, value in total.items():
                    if _is_count(value) and not _is_share(field):
                        parts = [
                            f"{prefix}{key}/{k}/{field}"
                            for k in entries
                            if isinstance(section[k], dict) and _is_count(section[k].get(field))
                        ]
                        relations.append((f"{prefix}total/{field}", parts))
        counts = {k for k, v in node.items() if _is_count(v)}
        for total_field, part_fields in ROW_RELATIONS:
            if total_field not in counts:
                continue
            parts: list[str] = []
            for part in part_fields:
                if part.endswith("/"):
                    inner = node.get(part[:-1])
                    if isinstance(inner, dict):
                        parts += [f"{prefix}{part}{k}" for k, v in inner.items() if _is_count(v)]
                elif part.endswith("."):
                    parts += [f"{prefix}{k}" for k in sorted(counts) if k.startswith(part)]
                elif part == "outcome:":
                    parts += [
                        f"{prefix}{k.removeprefix('share_')}"
                        for k in node
                        if k.startswith("share_") and k.removeprefix("share_") in counts
                    ]
                elif part in counts:
                    parts.append(f"{prefix}{part}")
            if parts:
                relations.append((f"{prefix}{total_field}", parts))
        for key, value in node.items():
            if isinstance(value, dict) and not (not prefix and key in REPORT_META):
                node_relations(value, f"{prefix}{key}/")

    node_relations({k: v for k, v in document.items() if k not in REPORT_META}, "")
    if document.get("report") == "year-end" and main_groups is not None:
        groups = document.get("by_main_group", {})
        relations.append(("target_group", [f"by_main_group/{g}" for g in groups]))
        for group, codes in main_groups.items():
            if group in groups:
                parts = [f"by_code/{c}" for c in codes if c in document.get("by_code", {})]
                relations.append((f"by_main_group/{group}", parts))
    return relations


def report_equations(
    document: dict, main_groups: Mapping[str, Sequence[str]] | None = None
) -> tuple[dict[str, int], list[Equation], set[str]]:
    """The cells (with the derived remainders), equations and unpublished cells of a report."""
    cells = report_cells(document)
    equations: list[Equation] = []
    unpublished: set[str] = set()
    seen: set[tuple] = set()
    relations = _relations(document, main_groups)
    last_year = document.get("last_year")
    if document.get("report") == "repeat" and isinstance(last_year, dict):
        # Those in main groups 1–4 this year, inside or outside the age limit: in_target_group
        # and the rest, which a reader can work out from the groups.
        groups = [f"last_year/by_main_group/{g}" for g in ("1", "2", "3", "4")]
        if all(g in cells for g in groups) and "last_year/in_target_group" in cells:
            cells["last_year/groups_1_4"] = sum(cells[g] for g in groups)
            unpublished.add("last_year/groups_1_4")
            equations.append(Equation("last_year/groups_1_4", tuple(groups)))
            relations.append(("last_year/groups_1_4", ["last_year/in_target_group"]))
    for total, parts in relations:
        parts = [p for p in parts if p in cells and p != total]
        if total not in cells or not parts:
            continue
        key = (total, tuple(sorted(parts)))
        if key in seen:
            continue
        seen.add(key)
        rest = cells[total] - sum(cells[p] for p in parts)
        if rest < 0:
            continue
        if rest > 0:
            name = f"{total}~rest{len(seen)}"
            cells[name] = rest
            unpublished.add(name)
            parts = [*parts, name]
        equations.append(Equation(total, tuple(parts)))
    return cells, equations, unpublished


# Shares computed from cells that are not their siblings.
SHARE_INPUTS = {"share_in_activity": ("target_group", "by_main_group/3")}


def suppress_report(
    document: dict, threshold: int, *, main_groups: Mapping[str, Sequence[str]] | None = None
) -> dict:
    """A `--report` document with the small-number rule applied: hidden counts and the shares
    that would give them back become None, and `suppressed` is true. `main_groups` (main group
    → its codes) ties year-end's codes to their main groups."""
    cells, equations, unpublished = report_equations(document, main_groups)
    hidden = suppress(cells, equations, threshold, unpublished=unpublished)

    def rebuild(node: dict, prefix: str) -> dict:
        out = {}
        for key, value in node.items():
            path = f"{prefix}{key}"
            if not prefix and key in REPORT_META:
                out[key] = value
            elif isinstance(value, dict):
                out[key] = rebuild(value, path + "/")
            elif path in hidden:
                out[key] = None
            else:
                out[key] = value
        for key, value in node.items():
            if not _is_share(str(key)) or value is None:
                continue
            inputs = SHARE_INPUTS.get(key)
            if inputs is not None:
                sources = [f"{prefix}{i}" for i in inputs]
            else:
                sources = [f"{prefix}{k}" for k, v in node.items() if _is_count(v)]
            if any(s in hidden for s in sources):
                out[key] = None
        return out

    return {**rebuild(document, ""), "suppressed": True}
