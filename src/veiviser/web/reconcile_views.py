"""The reconciliation page of the staff web app (`/statistikk/avstemming/`): why Table 1 and
Table 2 at one date differ between two readings, as `veiviser reconcile` explains it
(`statistics.reconcile`, docs/statistics.md "Reconciliation").

The engine is county-wide, so the page is for the users whose STATISTICS scope is the whole
county (county leader, office); a unit coordinator is refused. Youths are shown by registration
key and initials only, and opening a reconciliation writes `statistics.reconcile.viewed` to the
audit trail with the parameters, never who was listed.
"""

from collections import Counter
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.models import ReasonGroup
from veiviser.codes.selectors import kodeverk, school_year_bounds, school_year_label
from veiviser.statistics import exports
from veiviser.statistics.reconcile import (
    MULTIPLE,
    REASONS,
    InstantsOutOfOrder,
    NoUdirRow,
    check_period,
    reason_labels,
    reconcile,
    reconcile_with_udir,
    udir_explanation_labels,
)
from veiviser.statistics.tables import DateOutsideSchoolYear
from veiviser.udir.selectors import latest_table
from veiviser.web.forms import DateInput, DateTimeInput
from veiviser.web.statistics_views import OSLO, _years


def _oslo(value):
    # The field is a wall-clock time in Norway, whatever time zone is active.
    return None if value is None else timezone.make_aware(value.replace(tzinfo=None), OSLO)


def default_date(school_year: int, today: date | None = None) -> date:
    """The school year's last counting date that has passed, or 15 June when none has."""
    today = today or timezone.localdate()
    try:
        passed = [d for d in kodeverk().counting_dates_of(school_year) if d <= today]
    except LookupError:
        passed = []
    return passed[-1] if passed else date(school_year + 1, 6, 15)


class ReconcileForm(forms.Form):
    school_year = forms.TypedChoiceField(label=gettext_lazy("School year"), coerce=int)
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy(
            "Empty: the school year's last counting date that has passed, or 15 June."
        ),
    )
    known_from = forms.DateTimeField(
        label=gettext_lazy("First reading (known at)"),
        widget=DateTimeInput(),
        help_text=gettext_lazy(
            "Norwegian time, e.g. when the numbers were sent to Udir: only what had been "
            "recorded by then."
        ),
    )
    known_to = forms.DateTimeField(
        label=gettext_lazy("Second reading (known at)"),
        required=False,
        widget=DateTimeInput(),
        help_text=gettext_lazy("Norwegian time. Empty: everything recorded so far."),
    )
    udir = forms.BooleanField(
        label=gettext_lazy("Compare with Udir's published table"),
        required=False,
        help_text=gettext_lazy(
            "The newest imported version. The first reading is then the instant Udir "
            "extracted the data."
        ),
    )

    def __init__(self, *args, years: list[int], **kw):
        super().__init__(*args, **kw)
        self.fields["school_year"].choices = [(y, school_year_label(y)) for y in years]
        self.fields["school_year"].initial = years[0]

    def clean_known_from(self):
        return _oslo(self.cleaned_data.get("known_from"))

    def clean_known_to(self):
        return _oslo(self.cleaned_data.get("known_to"))

    def clean(self):
        data = super().clean()
        year = data.get("school_year")
        if year is None:
            return data
        if data.get("date") is None and "date" not in self.errors:
            data["date"] = default_date(year)
        if data.get("known_from") is None:
            return data
        try:
            check_period(
                school_year=year,
                on=data["date"],
                known_from=data["known_from"],
                known_to=data.get("known_to"),
            )
        except DateOutsideSchoolYear:
            start, end = school_year_bounds(year)
            self.add_error(
                "date",
                _("The date must lie in the school year %(year)s (%(start)s – %(end)s).")
                % {
                    "year": school_year_label(year),
                    "start": f"{start.day}.{start.month}.{start.year}",
                    "end": f"{end.day}.{end.month}.{end.year}",
                },
            )
        except InstantsOutOfOrder:
            self.add_error("known_to", _("The second reading must come after the first."))
        if data.get("udir") and latest_table() is None:
            self.add_error("udir", _("No Udir table has been imported yet."))
        return data


def _require_county_statistics(user) -> None:
    """The engine reconciles the whole county: only county scope (leader, office) may use it."""
    if policy.scope(user, policy.STATISTICS) != policy.COUNTY:
        raise PermissionDenied


def _state(state, reason_names: dict) -> str:
    if not state.exists:
        return _("not registered")
    return _("%(status)s, %(reason)s") % {
        "status": state.status or _("no status"),
        "reason": reason_names.get(state.reason, state.reason),
    }


def _local(instant) -> str:
    return timezone.localtime(instant, OSLO).strftime("%d.%m.%Y %H:%M")


def _udir_context(compared, labels: dict) -> dict | None:
    if compared is None:
        return None
    explanations = udir_explanation_labels()
    return {
        "version": compared.table_version,
        "file": compared.table_file,
        "cells": [
            {
                "label": labels[(c.table, c.key)],
                "udir": "*" if c.udir is None else c.udir,
                "own_then": c.own_then,
                "own_now": c.own_now,
                "remainder": "" if c.remainder is None else f"{c.remainder:+}",
                "explanation": explanations[c.explanation],
            }
            for c in compared.cells
        ],
    }


@login_required
def reconcile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_county_statistics(user)
    years = _years(user)
    form = ReconcileForm(request.GET or None, years=years)
    context = {"form": form, "result": None, "statistics_url": reverse("web:statistics")}
    if not form.is_bound:
        return render(request, "web/reconcile.html", context)
    if not form.is_valid():
        return render(request, "web/reconcile.html", context, status=400)
    data = form.cleaned_data
    county = user.county
    compared = None
    if data["udir"]:
        try:
            compared = reconcile_with_udir(
                kodeverk(),
                county=county.number,
                school_year=data["school_year"],
                on=data["date"],
                table=latest_table(),
                extracted_at=data["known_from"],
                known_to=data["known_to"],
            )
        except NoUdirRow as missing:
            form.add_error("udir", str(missing))
            return render(request, "web/reconcile.html", context, status=400)
        result = compared.reconciliation
    else:
        result = reconcile(
            kodeverk(),
            county=county.number,
            school_year=data["school_year"],
            on=data["date"],
            known_from=data["known_from"],
            known_to=data["known_to"],
        )
    labels = exports.row_labels()
    reasons = reason_labels()
    reason_names = dict(ReasonGroup.objects.values_list("key", "name"))
    by_kind = Counter(move.kind for move in result.moves)
    changed = []
    for cell in result.cells:
        if not cell.moves_in and not cell.moves_out:
            continue
        moves = []
        for sign, listed in (("+1", cell.moves_in), ("−1", cell.moves_out)):
            for move in listed:
                moves.append(
                    {
                        "registration": move.registration,
                        "initials": move.initials,
                        "change": sign,
                        "reasons": ", ".join(reasons[r] for r in move.reasons),
                        "at_from": _state(move.at_from, reason_names),
                        "at_to": _state(move.at_to, reason_names),
                    }
                )
        changed.append(
            {
                "id": f"{cell.table}-{cell.key}",
                "label": labels[(cell.table, cell.key)],
                "value_from": cell.value_from,
                "value_to": cell.value_to,
                "difference": f"{cell.difference:+}",
                "moves": moves,
            }
        )
    context.update(
        {
            "result": result,
            "county": county,
            "school_year": school_year_label(result.school_year),
            "on": f"{result.on.day}.{result.on.month}.{result.on.year}",
            "known_from": _local(data["known_from"]),
            "known_to": _local(data["known_to"]) if data["known_to"] else None,
            "cells": [
                {
                    "label": labels[(cell.table, cell.key)],
                    "table": cell.table,
                    "strong": cell.key in ("total", "target_group"),
                    "value_from": cell.value_from,
                    "value_to": cell.value_to,
                    "difference": f"{cell.difference:+}" if cell.difference else "0",
                }
                for cell in result.cells
            ],
            "kinds": [
                {"label": reasons[kind], "count": by_kind[kind]}
                for kind in (*REASONS, MULTIPLE)
                if by_kind[kind]
            ],
            "move_count": len(result.moves),
            "changed": changed,
            "udir": _udir_context(compared, labels),
        }
    )
    audit.log(
        user,
        "statistics.reconcile.viewed",
        county=county.number,
        data={
            "school_year": result.school_year,
            "date": result.on.isoformat(),
            "from": data["known_from"].isoformat(),
            "to": data["known_to"].isoformat() if data["known_to"] else None,
            "udir": compared.table_version if compared else None,
        },
    )
    return render(request, "web/reconcile.html", context)
