"""The statistics page of the staff web app: Table 1 and Table 2 of the county or one unit,
charts, downloads, and drill-down lists of the youths behind each number.

Who may see which numbers is the access policy's STATISTICS action (county leader and office:
the county or any unit; unit coordinator: their own unit). A drill-down list shows only the
registrations the user may VIEW, and says so when that is fewer than the number it opens.
All numbers come from the one engine (`statistics.tables`), and a drill-down filters with the
engine's own cell filter (`tables.cell_q`), so a list is as long as the number it opens.
"""

from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.casework.models import Contact
from veiviser.codes.selectors import kodeverk, school_year_bounds, school_year_label, school_year_of
from veiviser.organisation.models import County, Unit
from veiviser.registry import rules
from veiviser.registry.models import Registration
from veiviser.statistics import charts, exports, sources
from veiviser.statistics.suppression import suppress_document
from veiviser.statistics.tables import (
    CELLS,
    TABLE1,
    TABLE2,
    cell_q,
    registrations_at,
    statistics_document,
)
from veiviser.web import measures_views, programmes_views
from veiviser.web.forms import DateInput, DateTimeInput
from veiviser.web.rows import row_names, url_for_each

OSLO = ZoneInfo("Europe/Oslo")
PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatisticsForm(forms.Form):
    """The page's choices (GET). The units offered are those the policy allows; a unit
    coordinator has only their own, and any other unit id is an invalid choice."""

    school_year = forms.TypedChoiceField(
        label=gettext_lazy("School year"), coerce=int, required=False
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False
    )
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Empty: the three counting dates."),
    )
    known_at = forms.DateTimeField(
        label=gettext_lazy("As known at"),
        required=False,
        widget=DateTimeInput(),
        help_text=gettext_lazy("Norwegian time. Empty: everything recorded so far."),
    )
    suppress = forms.BooleanField(label=gettext_lazy("Suppress small numbers"), required=False)

    def __init__(self, *args, user, years: list[int], **kw):
        super().__init__(*args, **kw)
        self.fields["school_year"].choices = [(y, school_year_label(y)) for y in years]
        units = policy.statistics_units(user).order_by("name")
        self.fields["unit"].queryset = units
        if policy.scope(user, policy.STATISTICS) == policy.COUNTY:
            self.fields["unit"].empty_label = _("The whole county")
        else:
            self.fields["unit"].empty_label = None
        self.default_year = years[0]

    def clean_known_at(self):
        value = self.cleaned_data.get("known_at")
        if value is None:
            return None
        # The field is a wall-clock time in Norway, whatever time zone is active.
        return timezone.make_aware(value.replace(tzinfo=None), OSLO)

    def clean(self):
        data = super().clean()
        year = data.get("school_year") or self.default_year
        data["school_year"] = year
        on = data.get("date")
        if on is not None:
            start, end = school_year_bounds(year)
            if not start <= on <= end:
                self.add_error(
                    "date",
                    _("The date must lie in the school year %(year)s (%(start)s – %(end)s).")
                    % {
                        "year": school_year_label(year),
                        "start": f"{start.day}.{start.month}.{start.year}",
                        "end": f"{end.day}.{end.month}.{end.year}",
                    },
                )
        return data


class DrilldownForm(StatisticsForm):
    """A drill-down: the page's choices plus the date and the cell."""

    cell = forms.ChoiceField(choices=[(c, c) for c in CELLS], widget=forms.HiddenInput)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["date"].required = True


@dataclass(frozen=True)
class Selection:
    county: County
    unit: Unit | None
    school_year: int
    on: date | None
    known_at: datetime | None
    suppress: bool

    @property
    def known_at_text(self) -> str | None:
        return self.known_at.isoformat() if self.known_at is not None else None

    def query(self, **extra) -> str:
        """The page's parameters as a query string, for links that keep the selection."""
        params = {"school_year": self.school_year}
        if self.unit is not None:
            params["unit"] = self.unit.pk
        if self.on is not None:
            params["date"] = self.on.isoformat()
        if self.known_at is not None:
            params["known_at"] = timezone.localtime(self.known_at, OSLO).strftime("%Y-%m-%dT%H:%M")
        if self.suppress:
            params["suppress"] = "on"
        params.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(params)


def _require_statistics(user) -> None:
    kind = policy.scope(user, policy.STATISTICS)
    if kind == policy.NOTHING or (kind == policy.UNIT and not user.unit_id):
        raise PermissionDenied


def _years(user) -> list[int]:
    """School years with registrations in the user's statistics scope, latest first (the
    default); the current school year when there are none yet."""
    years = sorted(
        set(
            Registration.objects.filter(policy.registrations_q(user, policy.STATISTICS))
            .order_by()
            .values_list("school_year", flat=True)
            .distinct()
        ),
        reverse=True,
    )
    return years or [school_year_of(timezone.localdate())]


def _selection(request, form_class=StatisticsForm) -> tuple[forms.Form, Selection | None]:
    """The bound form and the selection it gives (None when the form is invalid)."""
    user = request.user
    _require_statistics(user)
    bound = bool(request.GET) or form_class is DrilldownForm
    form = form_class(request.GET if bound else None, user=user, years=_years(user))
    if form.is_bound:
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
    else:
        data = {"school_year": form.default_year}
    unit = data.get("unit")
    if unit is None and policy.scope(user, policy.STATISTICS) == policy.UNIT:
        unit = policy.statistics_units(user).first()
    return form, Selection(
        county=user.county,
        unit=unit,
        school_year=data["school_year"],
        on=data.get("date"),
        known_at=data.get("known_at"),
        suppress=bool(data.get("suppress")),
    )


def _document(selection: Selection) -> dict:
    document = statistics_document(
        kodeverk(),
        county=selection.county.number,
        school_year=selection.school_year,
        on=selection.on,
        known_at=selection.known_at,
        known_at_text=selection.known_at_text,
        unit_id=selection.unit.pk if selection.unit else None,
    )
    if selection.suppress:
        document = suppress_document(document, selection.county.suppression_threshold)
    return document


def _date_label(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day.day}.{day.month}.{day.year}"


def _cell(selection: Selection, cell: str, on: str, value: int | None) -> dict:
    url = None
    if value is not None:
        url = f"{reverse('web:statistics-youths')}?{selection.query(date=on, cell=cell)}"
    return {"value": value, "url": url}


def _tables(selection: Selection, document: dict) -> list[dict]:
    labels = exports.row_labels()
    entries = document["counting_dates"]
    tables = []
    for table, keys, caption, head in (
        ("table1", TABLE1, _("Table 1. Registered youths by reason"), _("Reason")),
        (
            "table2",
            TABLE2,
            _("Table 2. Registered youths by status and target group"),
            _("Status main group"),
        ),
    ):
        rows = [
            {
                "label": labels[(table, key)],
                "strong": key in ("total", "target_group"),
                "indent": key == "outside_age",
                "cells": [
                    _cell(selection, f"{table}.{key}", e["date"], e[table][key]) for e in entries
                ],
            }
            for key in keys
        ]
        tables.append({"id": table, "caption": caption, "head": head, "rows": rows})
    return tables


def _views(selection: Selection, document: dict) -> list[dict]:
    """Udir's view (the target group, age limit applied) and the county's own follow-up view
    (status in main groups 1–4 whatever the age) at each date."""
    rows = []
    for entry in document["counting_dates"]:
        udir = entry["table2"]["target_group"]
        outside = entry["table2"]["outside_age"]
        own = None if udir is None or outside is None else udir + outside
        rows.append(
            {
                "date": _date_label(entry["date"]),
                "udir": _cell(selection, "table2.target_group", entry["date"], udir),
                "outside": _cell(selection, "table2.outside_age", entry["date"], outside),
                "own": _cell(selection, "own.follow_up", entry["date"], own),
            }
        )
    return rows


def _describe(selection: Selection) -> dict:
    return {
        "county": selection.county,
        "unit": selection.unit,
        "school_year": school_year_label(selection.school_year),
        "known_at": timezone.localtime(selection.known_at, OSLO) if selection.known_at else None,
    }


@login_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    form, selection = _selection(request)
    context = {"form": form, "selection": selection}
    if selection is None:
        return render(request, "web/statistics.html", context, status=400)
    document = _document(selection)
    context.update(
        {
            "describe": _describe(selection),
            "dates": [_date_label(e["date"]) for e in document["counting_dates"]],
            "tables": _tables(selection, document),
            "views": _views(selection, document),
            # The chart module escapes every text it puts into the SVG.
            "chart_table1": mark_safe(charts.table1_chart(document)),
            "chart_table2": mark_safe(charts.table2_chart(document)),
            "csv_url": f"{reverse('web:statistics-csv')}?{selection.query()}",
            "xlsx_url": f"{reverse('web:statistics-xlsx')}?{selection.query()}",
            "threshold": selection.county.suppression_threshold,
            "sources": _sources(selection),
            "measures": measures_views.statistics_section(request.user, selection),
            "programmes": programmes_views.programmes_statistics(selection),
        }
    )
    return render(request, "web/statistics.html", context)


def _sources(selection: Selection) -> list[dict]:
    """Registrations by source (docs/statistics.md), suppressed like the tables when chosen."""
    counts = sources.registrations_by_source(
        county=selection.county,
        school_year=selection.school_year,
        unit=selection.unit,
        on=selection.on,
        known_at=selection.known_at,
    )
    hidden = (
        sources.suppressed_cells(counts, selection.county.suppression_threshold)
        if selection.suppress
        else set()
    )
    return sources.source_rows(counts, hidden)


def _filename(selection: Selection, extension: str) -> str:
    def slug(text: str) -> str:
        text = text.lower()
        for letter, plain in (("æ", "ae"), ("ø", "o"), ("å", "a")):
            text = text.replace(letter, plain)
        return "".join(c if c.isascii() and c.isalnum() else "-" for c in text).strip("-")

    parts = ["statistikk", selection.county.number, slug(selection.county.name)]
    if selection.unit is not None:
        parts.append(slug(selection.unit.name))
    year = selection.school_year
    parts.append(f"{year}-{(year + 1) % 100:02d}")
    if selection.on is not None:
        parts.append(selection.on.isoformat())
    return "-".join(p for p in parts if p) + f".{extension}"


def _download(request: HttpRequest, extension: str) -> HttpResponse:
    _form, selection = _selection(request)
    if selection is None:
        return HttpResponse(
            _("The choices are not valid: go back to the statistics page."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    document = _document(selection)
    if extension == "csv":
        header, rows = exports.table_rows(document)
        response = HttpResponse(
            exports.write_csv(header, rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        buffer = BytesIO()
        exports.write_xlsx(
            document,
            buffer,
            county_name=selection.county.name,
            threshold=selection.county.suppression_threshold,
            unit_name=selection.unit.name if selection.unit else "",
        )
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(selection, extension)}"'
    audit.log(
        request.user,
        "statistics.export.downloaded",
        county=selection.county.number,
        data={**_audit_data(selection), "format": extension},
    )
    return response


@login_required
def statistics_csv_view(request: HttpRequest) -> HttpResponse:
    return _download(request, "csv")


@login_required
def statistics_xlsx_view(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


def _audit_data(selection: Selection) -> dict:
    """The selection for the audit trail: no personal data, only the statistic's parameters."""
    return {
        "school_year": selection.school_year,
        "unit": selection.unit.key if selection.unit else None,
        "date": selection.on.isoformat() if selection.on else None,
        "known_at": selection.known_at_text,
        "suppress": selection.suppress,
    }


def cell_label(cell: str) -> str:
    if cell == "own.follow_up":
        return _("Status in main groups 1–4, whatever the age (the county's own follow-up)")
    table, key = cell.split(".", 1)
    return exports.row_labels()[(table, key)]


def drilldown_registrations(user, selection: Selection, cell: str):
    """(every registration behind the cell, those of them `user` may view), as querysets.
    The same reading as the engine: `registrations_at` filtered with `cell_q`."""
    kv = kodeverk()
    behind = registrations_at(
        county=selection.county.number,
        school_year=selection.school_year,
        on=selection.on,
        known_at=selection.known_at,
        unit_id=selection.unit.pk if selection.unit else None,
    ).filter(cell_q(kv, cell, school_year=selection.school_year, on=selection.on))
    return behind, behind.filter(policy.registrations_q(user, policy.VIEW))


@login_required
def statistics_youths_view(request: HttpRequest) -> HttpResponse:
    """The youths behind one number of the statistics page, as the user may see them."""
    form, selection = _selection(request, DrilldownForm)
    if selection is None:
        return render(
            request, "web/statistics_youths.html", {"form": form, "selection": None}, status=400
        )
    user = request.user
    kv = kodeverk()
    cell = form.cleaned_data["cell"]
    behind, visible = drilldown_registrations(user, selection, cell)
    total = behind.count()
    last_contact = (
        Contact.objects.filter(registration=OuterRef("pk")).order_by("-at").values("at")[:1]
    )
    listing = (
        visible.annotate(last_contact_at=Subquery(last_contact))
        .select_related("person", "unit", "advisor")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    on = selection.on
    group_names = dict(kv.main_group_names)
    reason_names = dict(kv.reason_group_names)
    youth_url = url_for_each("web:youth")
    rows = []
    for registration in page.object_list:
        group = kv.status_main_group(registration.status_now, registration.school_year)
        rows.append(
            {
                "registration": registration,
                "person": registration.person,
                "age": rules.age_at(on, registration.person.birth_date),
                "status": registration.status_now,
                "group": group,
                "group_name": group_names.get(group, ""),
                "reason_name": reason_names.get(registration.reason_now, registration.reason_now),
                "days_registered": (on - registration.registered_on).days,
                **row_names(registration, youth_url, today),
            }
        )
    audit.log(
        user,
        "statistics.drilldown.viewed",
        county=selection.county.number,
        data={**_audit_data(selection), "cell": cell, "count": total},
    )
    counting_dates = kv.counting_dates_of(selection.school_year)
    back_selection = Selection(
        county=selection.county,
        unit=selection.unit,
        school_year=selection.school_year,
        on=None if on in counting_dates else on,
        known_at=selection.known_at,
        suppress=selection.suppress,
    )
    return render(
        request,
        "web/statistics_youths.html",
        {
            "form": form,
            "selection": selection,
            "describe": _describe(selection),
            "cell_label": cell_label(cell),
            "date_label": _date_label(on.isoformat()),
            "total": total,
            "visible_count": page.paginator.count,
            "narrower": page.paginator.count != total,
            "page_obj": page,
            "rows": rows,
            "back_url": f"{reverse('web:statistics')}?{back_selection.query()}",
        },
    )
