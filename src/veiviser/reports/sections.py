"""The annual report as an ordered list of section providers (docs/reports.md).

A `Section` is a key, a title, a template and a provider: a function that takes the
`ReportContext` (county, school year, the instant K the numbers are read at, the narratives,
the published core numbers) and returns the template's context. If the context has a
`numbers` entry (JSON: plain dicts, lists, numbers, strings; None for a suppressed cell), the
report keeps it under the section's key in `Report.numbers`, so a regeneration can be compared.

Another app adds its chapter with a few lines in its `AppConfig.ready()`:

    from veiviser.reports.sections import Section, register

    register(
        Section(
            key="measures",
            title=gettext_lazy("Measures and participants"),
            template="measures/report_section.html",
            provider=measures_section,      # (ctx: ReportContext) -> dict
        ),
        after="during_year",
    )

The provider must read its numbers as known at `ctx.known_at` and publish every count
through `ctx.publish(cells, equations)` (small-number suppression). The order of `SECTIONS`
below is the seeds' (001/002) table of contents; `PLACES` names where the chapters that other
apps are building belong.
"""

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from veiviser.codes.models import AgeLimit, MainGroup, ReasonGroup, StatusCode
from veiviser.codes.selectors import Kodeverk, school_year_bounds
from veiviser.organisation.models import County, Municipality, Role, Unit
from veiviser.reports import markdown, numbers, typography
from veiviser.statistics import charts
from veiviser.statistics.exports import row_labels
from veiviser.statistics.suppression import Equation
from veiviser.statistics.tables import TABLE1, TABLE2


@dataclass
class ReportContext:
    """What every provider gets. `narratives` maps a narrative key to the version used."""

    kv: Kodeverk
    county: County
    school_year: int
    known_at: datetime
    narratives: dict = field(default_factory=dict)
    # A regeneration's earlier numbers, by section key. The sections whose sources are not
    # bitemporal (the staff list, the duty figures: contacts, letters and plans are not kept
    # "as known at" an instant) print these instead of reading again, so a regenerated report
    # has the same numbers everywhere.
    frozen: dict = field(default_factory=dict)

    @property
    def threshold(self) -> int:
        return self.county.suppression_threshold

    @cached_property
    def core(self) -> dict:
        """The built-in sections' published numbers (`numbers.publish`), read once."""
        raw = numbers.read(
            self.kv, county=self.county, school_year=self.school_year, known_at=self.known_at
        )
        return numbers.publish(raw, self.threshold)

    @cached_property
    def units(self) -> list[Unit]:
        start, _end = school_year_bounds(self.school_year)
        return list(
            Unit.objects.filter(county=self.county)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
            .order_by("name")
        )

    def publish(
        self,
        cells: Mapping[str, int],
        equations: Iterable[Equation] = (),
        *,
        unpublished: Collection[str] = frozenset(),
    ) -> dict[str, int | None]:
        """A plug-in section's cells with the county's small-number rule applied."""
        return numbers.publish_cells(cells, equations, self.threshold, unpublished=unpublished)

    def narrative(self, key: str) -> str:
        """The narrative's sanitised HTML ("" when the county has written none)."""
        version = self.narratives.get(key)
        return markdown.to_html(version.body) if version is not None else ""


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a (lazy) string
    template: str
    provider: Callable[[ReportContext], dict]
    in_contents: bool = True


SECTIONS: list[Section] = []

# Where the chapters other apps are building belong: register(section, after=PLACES[...]).
PLACES = {
    "measures": "during_year",
    "exams": "during_year",
    "prevention": "during_year",
    "projects": "units",
    "autumn_outcomes": "year_end",
    "udir": "year_end",
}


def register(section: Section, *, after: str | None = None, before: str | None = None) -> None:
    """Add `section` to the report (at the end, or after/before the section with that key).
    Registering a key again replaces the earlier section in place (idempotent on reload)."""
    for position, existing in enumerate(SECTIONS):
        if existing.key == section.key:
            SECTIONS[position] = section
            return
    anchor = after or before
    if anchor is None:
        position = len(SECTIONS)
        if SECTIONS and SECTIONS[-1].key == "appendix":
            position -= 1  # the appendix stays last
        SECTIONS.insert(position, section)
        return
    keys = [s.key for s in SECTIONS]
    if anchor not in keys:
        raise KeyError(f"no report section {anchor!r}")
    # Right after (or before) the anchor: of two plug-ins placed after the same section, the
    # one registered last comes first; anchor on the other plug-in's key to order them.
    SECTIONS.insert(keys.index(anchor) + (1 if after else 0), section)


def sections() -> list[Section]:
    return list(SECTIONS)


# The built-in sections. ---------------------------------------------------------------------


def front(ctx: ReportContext) -> dict:
    return {"county": ctx.county, "school_year": ctx.school_year, "known_at": ctx.known_at}


def contents(ctx: ReportContext) -> dict:
    return {}  # filled in by the document (it knows every section and its number)


def introduction(ctx: ReportContext) -> dict:
    return {"text": ctx.narrative("introduction")}


def organisation(ctx: ReportContext) -> dict:
    if "organisation" in ctx.frozen:
        kept = ctx.frozen["organisation"]
        return {**kept, "text": ctx.narrative("organisation"), "numbers": kept}
    users = get_user_model().objects.filter(county=ctx.county, is_active=True)
    advisors = dict(
        users.filter(role=Role.ADVISOR, unit__isnull=False)
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    coordinators = dict(
        users.filter(role=Role.UNIT_COORDINATOR, unit__isnull=False)
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    municipalities: dict[int, list[str]] = {}
    for unit_id, name, number in (
        Municipality.objects.filter(county=ctx.county, unit__isnull=False)
        .order_by("number")
        .values_list("unit", "name", "number")
    ):
        municipalities.setdefault(unit_id, []).append(name or number)
    rows = [
        {
            "key": unit.key,
            "name": unit.name,
            "advisors": advisors.get(unit.pk, 0),
            "coordinators": coordinators.get(unit.pk, 0),
            "municipalities": municipalities.get(unit.pk, []),
        }
        for unit in ctx.units
    ]
    staff = {
        "units": len(rows),
        "advisors": sum(r["advisors"] for r in rows),
        "coordinators": sum(r["coordinators"] for r in rows),
    }
    kept = {"rows": rows, "staff": staff}
    return {**kept, "text": ctx.narrative("organisation"), "numbers": kept}


def target_group(ctx: ReportContext) -> dict:
    min_age, max_age = ctx.kv.age_limit(ctx.school_year)
    limit = AgeLimit.objects.filter(valid_from__lte=ctx.school_year).order_by("-valid_from").first()
    return {
        "min_age": min_age,
        "max_age": max_age,
        "source": limit.source if limit else "",
        "new_law": ctx.school_year >= 2024,
        "text": ctx.narrative("target-group"),
    }


def tables(ctx: ReportContext) -> dict:
    document = ctx.core["tables"]
    labels = row_labels()
    entries = document["counting_dates"]
    rows = {}
    for table, keys in (("table1", TABLE1), ("table2", TABLE2)):
        rows[table] = [
            {
                "label": labels[(table, key)],
                "strong": key in ("total", "target_group"),
                "indent": key == "outside_age",
                "values": [e[table][key] for e in entries],
            }
            for key in keys
        ]
    views = [
        {
            "date": e["date"],
            "udir": e["table2"]["target_group"],
            "outside": e["table2"]["outside_age"],
            "own": e["own_view"],
        }
        for e in entries
    ]
    return {
        "dates": [e["date"] for e in entries],
        "table1": rows["table1"],
        "table2": rows["table2"],
        "views": views,
        "last": views[-1] if views else None,
        "max_age": ctx.kv.age_limit(ctx.school_year)[1],
        "chart_table1": charts.table1_chart(document, id_prefix="report-table1"),
        "chart_table2": charts.table2_chart(document, id_prefix="report-table2"),
        "numbers": document,
    }


def age(ctx: ReportContext) -> dict:
    data = ctx.core["age"]
    ages = list(data["ages"].items())
    chart = charts.bar_chart(
        title=str(_("The target group by age")),
        categories=[str(_("%(age)s years") % {"age": a}) for a, _n in ages],
        series=[(str(_("Youths in the target group")), [n for _a, n in ages])],
        id_prefix="report-age",
        description=str(_("Bar chart of the target group (Udir's view) by age.")),
    )
    return {
        "date": data["date"],
        "ages": ages,
        "total": data["total"],
        "chart": chart,
        "numbers": data,
    }


def during_year(ctx: ReportContext) -> dict:
    data = ctx.core["during_year"]
    units = list(data["by_unit"].values())
    chart = charts.bar_chart(
        title=str(_("Youths under follow-up and in OT's own measures, by unit")),
        categories=[u["name"] or str(_("No unit")) for u in units],
        series=[
            (str(_("Had OTOV during the year")), [u["guidance"] for u in units]),
            (
                str(_("Of them in OT's own measures (OTOA/OTKO)")),
                [u["own_measures"] for u in units],
            ),
        ],
        id_prefix="report-during",
        description=str(_("Bar chart of the youths under follow-up during the school year.")),
    )
    return {
        "units": units,
        "total": data["total"],
        "chart": chart,
        "via": ctx.core["via"],
        "numbers": {"during_year": data, "via": ctx.core["via"]},
    }


def units(ctx: ReportContext) -> dict:
    registered = ctx.core["by_unit"]["by_unit"]
    during = ctx.core["during_year"]["by_unit"]
    rows = []
    for unit in ctx.units:
        rows.append(
            {
                "name": unit.name,
                "text": ctx.narrative(f"unit-{unit.key}"),
                "registered": registered.get(unit.key, {}).get("registered"),
                "target_group": registered.get(unit.key, {}).get("target_group"),
                "guidance": during.get(unit.key, {}).get("guidance"),
                "own_measures": during.get(unit.key, {}).get("own_measures"),
            }
        )
    return {"rows": rows, "date": ctx.core["by_unit"]["date"], "numbers": ctx.core["by_unit"]}


def year_end(ctx: ReportContext) -> dict:
    data = ctx.core["year_end"]
    groups = {g.number: g.name for g in MainGroup.objects.all()}
    names = dict(StatusCode.objects.valid_in(ctx.school_year).values_list("code", "name"))
    by_group = []
    for group, value in data["by_main_group"].items():
        codes = [
            {"code": code, "name": names.get(code, ""), "value": data["by_code"].get(code)}
            for code in _codes_of_group(ctx, group)
        ]
        by_group.append(
            {"number": group, "name": groups.get(int(group), ""), "value": value, "codes": codes}
        )
    chart = charts.bar_chart(
        title=str(_("Status of the target group at the year end")),
        # One bar per main group, named in the legend: the long names do not fit under bars.
        categories=[typography.long_date(date.fromisoformat(data["date"]))],
        series=[(f"{g['number']}. {g['name']}", [g["value"]]) for g in by_group],
        id_prefix="report-yearend",
        description=str(
            _("Bar chart of the target group by status main group on the last counting date.")
        ),
    )
    return {
        "date": data["date"],
        "target_group": data["target_group"],
        "groups": by_group,
        "share": data["share_in_activity"],
        "chart": chart,
        "numbers": data,
    }


def _codes_of_group(ctx: ReportContext, group: str) -> list[str]:
    return sorted(
        code
        for code in ctx.core["year_end"]["by_code"]
        if ctx.kv.status_main_group(code, ctx.school_year) == int(group)
    )


def repeat(ctx: ReportContext) -> dict:
    return {"data": ctx.core["repeat"], "numbers": ctx.core["repeat"]}


def duties(ctx: ReportContext) -> dict:
    from veiviser.duties.models import KIND_LABELS

    data = ctx.frozen.get("duties") or ctx.core["duties"]
    rows = [
        {"kind": kind, "label": KIND_LABELS.get(kind, kind), **figures}
        for kind, figures in data["kinds"].items()
    ]
    return {"data": data, "rows": rows, "numbers": data}


def appendix(ctx: ReportContext) -> dict:
    groups = {g.number: g.name for g in MainGroup.objects.all()}
    codes = [
        {
            "code": c.code,
            "name": c.name,
            "group": c.main_group.number,
            "group_name": groups.get(c.main_group.number, ""),
        }
        for c in StatusCode.objects.valid_in(ctx.school_year)
        .select_related("main_group")
        .order_by("main_group__number", "code")
    ]
    return {
        "threshold": ctx.threshold,
        "known_at": ctx.known_at,
        "dates": ctx.kv.counting_dates_of(ctx.school_year),
        "age_limit": ctx.kv.age_limit(ctx.school_year),
        "codes": codes,
        "reasons": list(ReasonGroup.objects.order_by("order").values_list("name", flat=True)),
    }


for _section in (
    Section("front", _("Front page"), "reports/sections/front.html", front, in_contents=False),
    Section(
        "contents", _("Contents"), "reports/sections/contents.html", contents, in_contents=False
    ),
    Section("introduction", _("Introduction"), "reports/sections/introduction.html", introduction),
    Section(
        "organisation",
        _("The follow-up service in the county"),
        "reports/sections/organisation.html",
        organisation,
    ),
    Section(
        "target_group",
        _("The target group and the law"),
        "reports/sections/target_group.html",
        target_group,
    ),
    Section(
        "tables", _("Registered youths: reasons and status"), "reports/sections/tables.html", tables
    ),
    Section("age", _("Age distribution of the target group"), "reports/sections/age.html", age),
    Section(
        "during_year",
        _("Youths under follow-up and guidance"),
        "reports/sections/during_year.html",
        during_year,
    ),
    Section("units", _("From the units"), "reports/sections/units.html", units),
    Section(
        "year_end",
        _("Status of the target group at the year end"),
        "reports/sections/year_end.html",
        year_end,
    ),
    Section("repeat", _("Youths registered again"), "reports/sections/repeat.html", repeat),
    Section("duties", _("Duties met"), "reports/sections/duties.html", duties),
    Section(
        "appendix",
        _("Appendix: method and definitions"),
        "reports/sections/appendix.html",
        appendix,
    ),
):
    register(_section)
