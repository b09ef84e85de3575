"""The annual report's chapter on the share in activity compared with the national figure and
the other counties (docs/reports.md), from Udir's imported table (`activity_shares`).

The table is the newest version imported at or before the report's instant K that has the
school year's last counting date (15 June), so a report made again with the same K uses the
same table. When there is none, the chapter says so. Udir's counts are published numbers;
they still pass the county's small-number rule (`ctx.publish`), and the county's own share is
the year-end chapter's (the same published cells, as known at K)."""

from datetime import date

from django.utils.translation import gettext as _

from veiviser.udir.charts import shares_chart
from veiviser.udir.models import UdirTable
from veiviser.udir.selectors import Share, activity_shares


def table_for(ctx) -> tuple[UdirTable | None, date]:
    on = ctx.kv.counting_dates_of(ctx.school_year)[-1]
    table = (
        UdirTable.objects.filter(imported_at__lte=ctx.known_at, lines__counting_date=on)
        .order_by("-version")
        .first()
    )
    return table, on


def udir_numbers(ctx) -> dict:
    table, on = table_for(ctx)
    own = ctx.core["year_end"]
    numbers = {
        "date": on.isoformat(),
        "table": None,
        "counties": [],
        "own": {"share": own["share_in_activity"]},
    }
    if table is None:
        return numbers
    shares = activity_shares(counting_date=on, table=table)
    cells = {}
    for s in shares:
        for field in ("group3", "target_group"):
            value = getattr(s, field)
            if value is not None:
                cells[f"{s.county}:{field}"] = value
    shown = ctx.publish(cells)
    counties = []
    for s in shares:
        row = Share(
            s.county,
            s.name,
            shown.get(f"{s.county}:group3"),
            shown.get(f"{s.county}:target_group"),
        )
        counties.append(
            {
                "county": s.county,
                "name": s.name,
                "national": s.national,
                "group3": row.group3,
                "target_group": row.target_group,
                "share": None if row.share is None else round(row.share, 4),
            }
        )
    numbers["table"] = {"version": table.version, "filename": table.filename}
    numbers["counties"] = counties
    return numbers


def udir_section(ctx) -> dict:
    numbers = udir_numbers(ctx)
    chart = ""
    if numbers["table"]:
        shares = [
            Share(c["county"], c["name"], c["group3"], c["target_group"])
            for c in numbers["counties"]
        ]
        own = numbers["own"]["share"]
        chart = shares_chart(
            shares,
            own_share=None if own is None else _OwnShare(own),
            own_label=_("%(county)s (Veiviser)") % {"county": ctx.county.number},
        )
    mine = next((c for c in numbers["counties"] if c["county"] == ctx.county.number), None)
    national = next((c for c in numbers["counties"] if c["national"]), None)
    return {
        "date": numbers["date"],
        "table": numbers["table"],
        "counties": numbers["counties"],
        "own_share": numbers["own"]["share"],
        "mine": mine,
        "national": national,
        "chart": chart,
        "numbers": numbers,
    }


class _OwnShare:
    """The county's own share (already a fraction) where `shares_chart` expects a `Share`."""

    def __init__(self, share: float):
        self.share = share
