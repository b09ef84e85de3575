"""Reads of Udir's published tables and the comparison with the county's own numbers.

`activity_shares` is what the annual report calls for "share in activity compared with other
counties" (DOMAIN.md §8): group 3 / target group per county, from Udir's table.
"""

from dataclasses import dataclass
from datetime import date

from veiviser.codes.selectors import Kodeverk, school_year_of
from veiviser.statistics.tables import tables_at
from veiviser.udir.models import COUNTS, NATIONAL, UdirRow, UdirTable


def latest_table() -> UdirTable | None:
    return UdirTable.objects.order_by("-version").first()


def counting_dates(table: UdirTable) -> list[date]:
    return sorted(set(table.lines.values_list("counting_date", flat=True)))


@dataclass(frozen=True)
class Share:
    county: str
    name: str
    group3: int | None
    target_group: int | None

    @property
    def share(self) -> float | None:
        """Group 3 / target group, or None where either is not published or zero."""
        if self.group3 is None or not self.target_group:
            return None
        return self.group3 / self.target_group

    @property
    def national(self) -> bool:
        return self.county == NATIONAL


def activity_shares(*, counting_date: date, table: UdirTable | None = None) -> list[Share]:
    """Every county's share in activity at `counting_date` in Udir's table (the newest version
    by default), counties by number and the whole country last."""
    table = table or latest_table()
    if table is None:
        return []
    rows = UdirRow.objects.filter(table=table, counting_date=counting_date).order_by("county")
    shares = [Share(r.county, r.county_name, r.group3, r.target_group) for r in rows]
    return sorted(shares, key=lambda s: (s.national, s.county))


@dataclass(frozen=True)
class Line:
    field: str
    own: int
    udir: int | None

    @property
    def difference(self) -> int | None:
        return None if self.udir is None else self.own - self.udir


def own_counts(kv: Kodeverk, *, county: str, counting_date: date) -> dict[str, int]:
    """The county's own Table 1 and Table 2 at the date (as known now), in Udir's fields."""
    tables = tables_at(
        kv, county=county, school_year=school_year_of(counting_date), on=counting_date
    )
    t1, t2 = tables.table1, tables.table2
    return {
        "not_applied": t1["not_applied"],
        "declined": t1["declined"],
        "dropped_out": t1["dropped_out"],
        "other": t1["other"],
        "registered": t1["total"],
        "group1": t2["group1"],
        "group2": t2["group2"],
        "group3": t2["group3"],
        "group4": t2["group4"],
        "target_group": t2["target_group"],
        "group5": t2["not_in_target_group"],
    }


def comparison(
    kv: Kodeverk, *, county: str, counting_date: date, table: UdirTable | None = None
) -> dict:
    """The county's own numbers beside Udir's for the county and the whole country, per group."""
    table = table or latest_table()
    own = own_counts(kv, county=county, counting_date=counting_date)
    rows = {
        r.county: r
        for r in UdirRow.objects.filter(
            table=table, counting_date=counting_date, county__in=[county, NATIONAL]
        )
    }
    published = rows.get(county)
    national = rows.get(NATIONAL)
    return {
        "table": table,
        "counting_date": counting_date,
        "published": published,
        "lines": [
            Line(field, own[field], getattr(published, field) if published else None)
            for field, _name in COUNTS
        ],
        "national": [
            (field, getattr(national, field) if national else None) for field, _ in COUNTS
        ],
        "own_share": Share(county, "", own["group3"], own["target_group"]),
        "shares": activity_shares(counting_date=counting_date, table=table),
    }
