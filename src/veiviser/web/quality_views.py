"""The data-quality pages of the staff web app (docs/quality.md):

- `/kvalitet/`: the pre-submission check at a date, grouped by rule, each registration with a
  link to the youth's page to fix it, and the trend of the counts per rule and unit across the
  counting dates. The STATISTICS scope of the policy decides what is checked: the county (office,
  county leader) or the coordinator's own unit. Opening it writes `quality.check.viewed`.
- `/kvalitet/innsending/`: produce and download the submission file, and the log of files
  produced. County scope of STATISTICS only (the file holds every youth of the county).
"""

from datetime import date, datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import kodeverk, school_year_label, school_year_of
from veiviser.organisation.models import Unit
from veiviser.quality import selectors
from veiviser.quality.models import Submission
from veiviser.quality.rules import RULES
from veiviser.quality.services import KnownAtInFuture, may_submit, submission_produce
from veiviser.statistics import charts
from veiviser.statistics.tables import DateOutsideSchoolYear
from veiviser.web.forms import DateInput, DateTimeInput
from veiviser.web.statistics_views import OSLO


def _date_text(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def default_check_date(today: date | None = None) -> date:
    """The next counting date of the current school year (the one being prepared for), or its
    last one when all have passed."""
    today = today or timezone.localdate()
    try:
        dates = kodeverk().counting_dates_of(school_year_of(today))
    except LookupError:
        return today
    coming = [d for d in dates if d >= today]
    return coming[0] if coming else dates[-1]


def trend_dates(on: date) -> list[date]:
    """The counting dates up to `on`: the previous school year's and this one's so far."""
    kv = kodeverk()
    dates = []
    for year in (school_year_of(on) - 1, school_year_of(on)):
        try:
            dates += [d for d in kv.counting_dates_of(year) if d <= on]
        except LookupError:
            continue
    return dates


def _check_date_error(on: date) -> str | None:
    try:
        kodeverk().counting_dates_of(school_year_of(on))
    except LookupError:
        return _("There is no code list for the school year %(year)s.") % {
            "year": school_year_label(school_year_of(on))
        }
    return None


class CheckForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Empty: the next counting date."),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, user, **kw):
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = policy.statistics_units(user).order_by("name")
        if policy.scope(user, policy.STATISTICS) == policy.COUNTY:
            self.fields["unit"].empty_label = _("The whole county")
        else:
            self.fields["unit"].empty_label = None

    def clean_date(self):
        on = self.cleaned_data.get("date") or default_check_date()
        error = _check_date_error(on)
        if error:
            raise forms.ValidationError(error)
        return on


def _require_statistics(user) -> None:
    kind = policy.scope(user, policy.STATISTICS)
    if kind == policy.NOTHING or (kind == policy.UNIT and not user.unit_id):
        raise PermissionDenied


def _trend_context(kv, county, on: date, user, unit) -> dict:
    dates = trend_dates(on)
    counts = selectors.trend(kv, county=county, dates=dates, user=user)
    units = sorted(
        {
            name
            for per_rule in counts.values()
            for per_unit in per_rule.values()
            for name in per_unit
        }
    )
    if unit is not None:
        units = [name for name in units if name == unit.name]
    rows = []
    for rule in RULES:
        for name in units:
            values = [counts[d][rule.key].get(name, 0) for d in dates]
            if any(values):
                rows.append({"rule": rule.label, "unit": name or _("No unit"), "values": values})
    series = [
        (name or _("No unit"), [sum(counts[d][r.key].get(name, 0) for r in RULES) for d in dates])
        for name in units
    ][: len(charts.PALETTE)]
    chart = ""
    if dates and series:
        chart = mark_safe(  # built from escaped parts by statistics.charts
            charts.bar_chart(
                title=_("Findings per unit at each counting date"),
                categories=[_date_text(d) for d in dates],
                series=series,
                id_prefix="chart-quality",
                description=_(
                    "Bar chart of the pre-submission check: the number of findings (all rules) "
                    "per unit at each counting date."
                ),
            )
        )
    return {"trend_dates": [_date_text(d) for d in dates], "trend_rows": rows, "chart": chart}


@login_required
def quality_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_statistics(user)
    form = CheckForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        return render(request, "web/quality.html", {"form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {"date": default_check_date(), "unit": None}
    on, unit = data["date"], data["unit"]
    if unit is None and policy.scope(user, policy.STATISTICS) == policy.UNIT:
        unit = user.unit
    kv = kodeverk()
    county = user.county
    try:
        results = selectors.run_check(
            kv, county=county, on=on, user=user, unit_id=unit.pk if unit else None
        )
    except DateOutsideSchoolYear:
        form.add_error("date", _check_date_error(on))
        return render(request, "web/quality.html", {"form": form}, status=400)
    rules = [
        {
            "key": result.rule.key,
            "label": result.rule.label,
            "description": result.rule.description,
            "findings": [
                {
                    "finding": f,
                    "url": reverse("web:youth", args=[f.person_id]),
                }
                for f in result.findings
            ],
        }
        for result in results
    ]
    total = sum(len(r["findings"]) for r in rules)
    audit.log(
        user,
        "quality.check.viewed",
        county=county.number,
        data={
            "date": on.isoformat(),
            "unit": unit.key if unit else None,
            "counts": {r["key"]: len(r["findings"]) for r in rules},
        },
    )
    context = {
        "form": form,
        "on": _date_text(on),
        "unit": unit,
        "county": county,
        "rules": rules,
        "total": total,
        "may_submit": may_submit(user, county),
        **_trend_context(kv, county, on, user, unit),
    }
    return render(request, "web/quality.html", context)


class SubmissionForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Counting date"), widget=DateInput())
    known_at = forms.DateTimeField(
        label=gettext_lazy("As known at"),
        required=False,
        widget=DateTimeInput(),
        help_text=gettext_lazy(
            "Norwegian time. Empty: now. An earlier instant gives the file as it would have "
            "been produced then."
        ),
    )

    def clean_known_at(self):
        value = self.cleaned_data.get("known_at")
        if value is None:
            return None
        return timezone.make_aware(value.replace(tzinfo=None), OSLO)

    def clean_date(self):
        on = self.cleaned_data["date"]
        error = _check_date_error(on)
        if error:
            raise forms.ValidationError(error)
        return on


def _log_rows(county) -> list[dict]:
    log = list(Submission.objects.filter(county=county).select_related("produced_by")[:50])
    first_with: dict[str, int] = {}
    for entry in reversed(log):
        first_with.setdefault(entry.sha256, entry.pk)
    return [
        {
            "entry": entry,
            "on": _date_text(entry.on),
            "known_at": timezone.localtime(entry.known_at, OSLO).strftime("%d.%m.%Y %H:%M:%S"),
            "known_at_value": timezone.localtime(entry.known_at, OSLO).strftime(
                "%Y-%m-%dT%H:%M:%S"
            ),
            "known_at_exact": entry.known_at.isoformat(),
            "produced_at": timezone.localtime(entry.produced_at, OSLO).strftime("%d.%m.%Y %H:%M"),
            "by": entry.produced_by.get_username() if entry.produced_by else _("system"),
            "same_as": first_with[entry.sha256] if first_with[entry.sha256] != entry.pk else None,
        }
        for entry in log
    ]


@login_required
@require_http_methods(["GET", "POST"])
def submission_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    county = user.county
    if county is None or not may_submit(user, county):
        raise PermissionDenied
    if request.method == "POST":
        form = SubmissionForm(request.POST)
        exact = request.POST.get("known_at_exact")
        if form.is_valid():
            known_at = form.cleaned_data["known_at"]
            if exact:
                # "Produce again" repeats a logged instant to the microsecond.
                try:
                    known_at = datetime.fromisoformat(exact)
                except ValueError:
                    known_at = None
                    form.add_error("known_at", _("Not a valid instant."))
            if form.is_valid():
                try:
                    produced, _log = submission_produce(
                        actor=user, county=county, on=form.cleaned_data["date"], known_at=known_at
                    )
                except KnownAtInFuture:
                    form.add_error("known_at", _("The instant must not be in the future."))
                else:
                    on = form.cleaned_data["date"]
                    response = HttpResponse(
                        produced.content, content_type="text/csv; charset=utf-8"
                    )
                    response["Content-Disposition"] = (
                        f'attachment; filename="{produced.filename(county.number, on)}"'
                    )
                    response["X-Checksum-SHA256"] = produced.sha256
                    return response
        status = 400
    else:
        form = SubmissionForm(initial={"date": default_check_date()})
        status = 200
    context = {"form": form, "log": _log_rows(county), "county": county}
    return render(request, "web/submission.html", context, status=status)
