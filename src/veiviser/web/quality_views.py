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
from veiviser.quality import flows, selectors
from veiviser.quality.models import Submission
from veiviser.quality.rules import RULES
from veiviser.quality.services import KnownAtInFuture, may_submit, submission_produce
from veiviser.statistics import charts
from veiviser.statistics.tables import DateOutsideSchoolYear
from veiviser.web.forms import DateInput, DateTimeInput
from veiviser.web.reconcile_views import _oslo
from veiviser.web.statistics_views import OSLO, _require_statistics


def _date_text(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def default_check_date(user, today: date | None = None) -> date:
    """The next counting date (the one being prepared for) of the latest school year with
    registrations in the user's scope, or that year's last counting date when all have
    passed."""
    from veiviser.web.statistics_views import _years

    today = today or timezone.localdate()
    year = _years(user)[0]
    try:
        dates = kodeverk().counting_dates_of(year)
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


def _statistics_units_field(field, user) -> None:
    """The units the user's STATISTICS scope reaches; "the whole county" only with county
    scope (a coordinator's own unit is then the only choice)."""
    field.queryset = policy.statistics_units(user).order_by("name")
    county = policy.scope(user, policy.STATISTICS) == policy.COUNTY
    field.empty_label = _("The whole county") if county else None


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
        self.user = user
        _statistics_units_field(self.fields["unit"], user)

    def clean_date(self):
        on = self.cleaned_data.get("date") or default_check_date(self.user)
        error = _check_date_error(on)
        if error:
            raise forms.ValidationError(error)
        return on


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


# Rules whose fix is one form on the youth page: the link opens that form (`?endre=<prefix>`,
# web.views._youth_page_context) at its place on the page.
FIX_FORMS = {"no_unit": ("u", "move-unit-")}


def _fix_url(rule_key: str, finding) -> str:
    url = reverse("web:youth", args=[finding.person_id])
    if rule_key in FIX_FORMS:
        prefix, anchor = FIX_FORMS[rule_key]
        rid = finding.registration_id
        url = f"{url}?endre={prefix}{rid}#{anchor}{rid}"
    return url


@login_required
def quality_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_statistics(user)
    form = CheckForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        return render(request, "web/quality.html", {"form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {"date": default_check_date(user), "unit": None}
    on, unit = data["date"], data["unit"]
    if unit is None and policy.scope(user, policy.STATISTICS) == policy.UNIT:
        unit = user.unit
    kv = kodeverk()
    county = user.county
    try:
        results = selectors.run_check(
            kv, county=county, on=on, user=user, unit_id=unit.pk if unit else None
        )
    except (DateOutsideSchoolYear, LookupError):
        form.add_error(None, _check_date_error(on) or _("There is no code list for this date."))
        return render(request, "web/quality.html", {"form": form}, status=400)
    rules = [
        {
            "key": result.rule.key,
            "label": result.rule.label,
            "description": result.rule.description,
            "findings": [
                {
                    "finding": f,
                    "url": _fix_url(result.rule.key, f),
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
        return _oslo(self.cleaned_data.get("known_at"))

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
        form = SubmissionForm(initial={"date": default_check_date(user)})
        status = 200
    context = {"form": form, "log": _log_rows(county), "county": county}
    return render(request, "web/submission.html", context, status=status)


# -- flows between two dates ----------------------------------------------------------------


def _state_label(state: int, names: dict[int, str]) -> str:
    if state == flows.NOT_REGISTERED:
        return _("Not registered")
    return f"{state} {names.get(state, '')}".strip()


def default_flow_dates(user) -> tuple[date, date]:
    """The latest two counting dates that have passed in the user's latest school year (or the
    year's first two when fewer have passed)."""
    from veiviser.web.statistics_views import _years

    year = _years(user)[0]
    try:
        dates = kodeverk().counting_dates_of(year)
    except LookupError:
        return date(year, 11, 15), date(year + 1, 2, 15)
    today = timezone.localdate()
    passed = [d for d in dates if d <= today]
    if len(passed) >= 2:
        return passed[-2], passed[-1]
    return dates[0], dates[1]


class FlowsForm(forms.Form):
    first = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    second = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Empty: the last two counting dates that have passed."),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False
    )
    known_at = forms.DateTimeField(
        label=gettext_lazy("As known at"),
        required=False,
        widget=DateTimeInput(),
        help_text=gettext_lazy("Norwegian time. Empty: everything recorded so far."),
    )

    def __init__(self, *args, user, **kw):
        super().__init__(*args, **kw)
        self.user = user
        _statistics_units_field(self.fields["unit"], user)

    def clean_known_at(self):
        return _oslo(self.cleaned_data.get("known_at"))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("first") or not data.get("second"):
            first, second = default_flow_dates(self.user)
            data["first"] = data.get("first") or first
            data["second"] = data.get("second") or second
        for name in ("first", "second"):
            error = _check_date_error(data[name])
            if error:
                self.add_error(name, error)
        if not self.errors and data["second"] <= data["first"]:
            self.add_error("second", _("The second date must come after the first."))
        return data


class FlowCellForm(FlowsForm):
    cell_from = forms.TypedChoiceField(
        choices=[(s, s) for s in flows.STATES], coerce=int, widget=forms.HiddenInput
    )
    cell_to = forms.TypedChoiceField(
        choices=[(s, s) for s in flows.STATES], coerce=int, widget=forms.HiddenInput
    )


def _flows_selection(request, form_class):
    user = request.user
    _require_statistics(user)
    form = form_class(request.GET or None, user=user)
    if form.is_bound:
        if not form.is_valid():
            return form, None
        data = form.cleaned_data
    else:
        first, second = default_flow_dates(user)
        data = {"first": first, "second": second, "unit": None, "known_at": None}
    unit = data["unit"]
    if unit is None and policy.scope(user, policy.STATISTICS) == policy.UNIT:
        unit = user.unit
    result = flows.flows_between(
        kodeverk(),
        county=user.county.number,
        first=data["first"],
        second=data["second"],
        known_at=data["known_at"],
        user=user,
        unit_id=unit.pk if unit else None,
    )
    return form, {"data": data, "unit": unit, "result": result}


def _flows_query(data: dict, unit, **extra) -> str:
    from urllib.parse import urlencode

    params = {"first": data["first"].isoformat(), "second": data["second"].isoformat()}
    if unit is not None:
        params["unit"] = unit.pk
    if data.get("known_at"):
        params["known_at"] = timezone.localtime(data["known_at"], OSLO).strftime("%Y-%m-%dT%H:%M")
    params.update(extra)
    return urlencode(params)


@login_required
def flows_view(request: HttpRequest) -> HttpResponse:
    from veiviser.codes.models import MainGroup

    form, selected = _flows_selection(request, FlowsForm)
    if selected is None:
        return render(request, "web/flows.html", {"form": form}, status=400)
    data, unit, result = selected["data"], selected["unit"], selected["result"]
    names = dict(MainGroup.objects.values_list("number", "name"))
    youths_url = reverse("web:flows-youths")

    def cell(a: int, b: int) -> dict:
        count = result.count(a, b)
        url = f"{youths_url}?{_flows_query(data, unit, cell_from=a, cell_to=b)}" if count else ""
        return {"value": count, "url": url}

    matrix = [
        {
            "label": _state_label(a, names),
            "cells": [cell(a, b) for b in flows.STATES],
            "total": sum(result.count(a, b) for b in flows.STATES),
        }
        for a in flows.STATES
    ]
    columns = [_state_label(b, names) for b in flows.STATES]
    summary = [
        (_("Joiners (new registrations)"), len(result.joiners)),
        (_("Stayed in main groups 1–4"), len(result.stayed)),
        (_("Left for main group 5 (not moved away)"), len(result.leavers_to_group5)),
        (_("Moved away (OTFA_IM, OTFU_IM)"), len(result.moved_away)),
        (_("Left at the year end (not carried over)"), len(result.leavers_year_end)),
    ]
    first_text, second_text = _date_text(data["first"]), _date_text(data["second"])
    series = [
        (columns[i], [result.count(a, b) for a in flows.STATES]) for i, b in enumerate(flows.STATES)
    ]
    chart = mark_safe(  # built from escaped parts by statistics.charts
        charts.bar_chart(
            title=_("Where the youths went from %(first)s to %(second)s")
            % {"first": first_text, "second": second_text},
            categories=[_state_label(a, names) for a in flows.STATES],
            series=series,
            id_prefix="chart-flows",
            description=_(
                "Bar chart of the transition matrix: for each state at the first date, the "
                "number of youths in each state at the second date."
            ),
        )
    )
    context = {
        "form": form,
        "unit": unit,
        "county": request.user.county,
        "first": first_text,
        "second": second_text,
        "known_at": data["known_at"],
        "matrix": matrix,
        "columns": columns,
        "summary": summary,
        "chart": chart,
    }
    return render(request, "web/flows.html", context)


@login_required
def flows_youths_view(request: HttpRequest) -> HttpResponse:
    """The youths behind one cell of the transition matrix, as far as the user may VIEW them;
    the listing is audited (`quality.flows.drilldown.viewed`, the parameters and the count)."""
    from veiviser.codes.models import MainGroup
    from veiviser.registry.models import Registration

    form, selected = _flows_selection(request, FlowCellForm)
    if selected is None or not request.GET:
        return render(request, "web/flows_youths.html", {"form": form, "rows": None}, status=400)
    data, unit, result = selected["data"], selected["unit"], selected["result"]
    user = request.user
    a, b = data["cell_from"], data["cell_to"]
    persons = result.matrix.get((a, b), [])
    registration_ids = [
        reading.registration_id
        for person_id in persons
        for reading in (result.readings[person_id][1] or result.readings[person_id][0],)
    ]
    visible = (
        Registration.objects.filter(policy.registrations_q(user, policy.VIEW))
        .filter(pk__in=registration_ids)
        .select_related("person", "unit")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    rows = []
    for registration in visible:
        before, after = result.readings[registration.person_id]
        rows.append(
            {
                "registration": registration,
                "url": reverse("web:youth", args=[registration.person_id]),
                "status_first": before.status if before else "–",
                "status_second": after.status if after else "–",
            }
        )
    audit.log(
        user,
        "quality.flows.drilldown.viewed",
        county=user.county.number,
        data={
            "first": data["first"].isoformat(),
            "second": data["second"].isoformat(),
            "unit": unit.key if unit else None,
            "known_at": data["known_at"].isoformat() if data["known_at"] else None,
            "from": a,
            "to": b,
            "count": len(persons),
        },
    )
    names = dict(MainGroup.objects.values_list("number", "name"))
    context = {
        "form": form,
        "rows": rows,
        "total": len(persons),
        "narrower": len(rows) != len(persons),
        "from_label": _state_label(a, names),
        "to_label": _state_label(b, names),
        "first": _date_text(data["first"]),
        "second": _date_text(data["second"]),
        "back_url": f"{reverse('web:flows')}?{_flows_query(data, unit)}",
    }
    return render(request, "web/flows_youths.html", context)


# -- transfers between counties -------------------------------------------------------------


def _county_choices(own: str) -> list[tuple[str, str]]:
    from veiviser.organisation.services import known_county_names

    return [
        (number, f"{number} {name}")
        for number, name in sorted(known_county_names().items())
        if number != own
    ]


class TransferSendForm(forms.Form):
    to_county = forms.ChoiceField(label=gettext_lazy("The county the youth moved to"))

    def __init__(self, *args, own: str, **kw):
        super().__init__(*args, **kw)
        self.fields["to_county"].choices = _county_choices(own)


@login_required
@require_http_methods(["POST"])
def transfer_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a youth's history to the county they moved to: the file is downloaded (and sent on
    by the county's usual secure channel); refused with the reasons when the status is not
    OTFA_IM or the youth's consent is missing."""
    from django.shortcuts import get_object_or_404

    from veiviser.problems import ValidationFailed
    from veiviser.quality.services import transfer_send
    from veiviser.registry.models import Registration

    registration = get_object_or_404(Registration.objects.select_related("person"), pk=pk)
    policy.require(request.user, policy.CHANGE, registration)
    form = TransferSendForm(request.POST, own=registration.county.number)
    problems = []
    if form.is_valid():
        try:
            content, sent = transfer_send(
                actor=request.user,
                registration=registration,
                to_county=form.cleaned_data["to_county"],
            )
        except ValidationFailed as failed:
            problems = [p.reason for p in failed.problems]
        else:
            response = HttpResponse(content, content_type="application/jsonl; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="overforing-{sent.transfer_id}.jsonl"'
            )
            response["X-Checksum-SHA256"] = sent.sha256
            return response
    context = {
        "form": form,
        "problems": problems,
        "back_url": reverse("web:youth", args=[registration.person_id]),
    }
    return render(request, "web/transfer_refused.html", context, status=400)


class TransferReceiveForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Transfer file (.jsonl)"))
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args, user, **kw):
        super().__init__(*args, **kw)
        units = Unit.objects.filter(county_id=user.county_id).order_by("name")
        self.fields["unit"].queryset = units.filter(
            pk__in=[u.pk for u in units if policy.can(user, policy.REGISTER, u)]
        )


MAX_TRANSFER_BYTES = 2_000_000


@login_required
@require_http_methods(["GET", "POST"])
def transfer_receive_view(request: HttpRequest) -> HttpResponse:
    """Receive a transfer file from another county into one of the user's units (REGISTER)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from veiviser.problems import ValidationFailed
    from veiviser.quality.services import transfer_receive

    user = request.user
    if user.county_id is None or policy.scope(user, policy.REGISTER) == policy.NOTHING:
        raise PermissionDenied
    problems = []
    if request.method == "POST":
        form = TransferReceiveForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_TRANSFER_BYTES:
                form.add_error("file", _("The file is too large for a transfer."))
            else:
                try:
                    received, created = transfer_receive(
                        actor=user,
                        county=user.county,
                        content=upload.read(),
                        unit=form.cleaned_data["unit"],
                    )
                except ValidationFailed as failed:
                    problems = [str(p) for p in failed.problems]
                else:
                    if created:
                        messages.success(request, _("The transfer was received."))
                    else:
                        messages.info(
                            request, _("This transfer was received before: nothing changed.")
                        )
                    return redirect("web:youth", pk=received.registration.person_id)
        status = 400
    else:
        form = TransferReceiveForm(user=user)
        status = 200
    context = {"form": form, "problems": problems}
    return render(request, "web/transfer_receive.html", context, status=status)
