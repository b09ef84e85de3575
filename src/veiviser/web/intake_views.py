"""The intake pages (docs/intake.md): upload an admissions file, read its preview row by row,
confirm it, and follow the run until it is done. Office: the county; unit coordinator: their
own unit (policy INTAKE). Thin views over veiviser.intake's services and selectors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.codes.selectors import school_year_label
from veiviser.intake import selectors, services
from veiviser.intake.models import FIELDS, REQUIRED_FIELDS, Action, RunStatus
from veiviser.problems import ValidationFailed
from veiviser.web import forms as web_forms

MAX_UPLOAD = 20 * 1024 * 1024  # a county's whole intake is a few MB
ROWS_SHOWN = 500


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Intake file (CSV)"),
        help_text=gettext_lazy(
            "Semicolon-separated, UTF-8 or Windows-1252, with the columns of the county's mapping."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ConfirmForm(forms.Form):
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


@login_required
def intake_view(request: HttpRequest) -> HttpResponse:
    """GET: the upload form, the county's column mapping and the latest runs; POST: preview."""
    user = request.user
    runs = selectors.runs_for(user)  # refuses users without INTAKE
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.run_preview(
                    actor=user, county=user.county, filename=upload.name, data=upload.read()
                )
            except ValidationFailed as failed:
                for problem in failed.problems:
                    form.add_error("file", f"{problem.field}: {problem.reason}")
            else:
                return redirect("web:intake-run", pk=run.pk)
        status = 400
    mapping = services.mapping_for(user.county)
    return render(
        request,
        "web/intake.html",
        {
            "form": form,
            "runs": runs[:10],
            "columns": [(field, mapping.columns.get(field, "")) for field in FIELDS],
            "reason_values": sorted(mapping.reason_values.items()),
            "scope_unit": user.unit if services.intake_scope(user) == policy.UNIT else None,
        },
        status=status,
    )


def _masked(fnr: str) -> str:
    """The birth-date part of the number only: enough to recognise the row."""
    return f"{fnr[:6]}*****" if len(fnr) == 11 else fnr


@login_required
@require_GET
def intake_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs_for(request.user), pk=pk)
    # The preview lists the file's youths: opening it is a read of their data.
    audit.log(request.user, "intake.run.viewed", run)
    shown = request.GET.get("vis", "")
    rows = [r for r in run.plan if not shown or r["action"] == shown]
    for row in rows[:ROWS_SHOWN]:
        row["fnr_masked"] = _masked(row["data"]["fnr"])
        year = row["data"]["school_year"]
        row["school_year_label"] = school_year_label(year) if year else ""
    return render(
        request,
        "web/intake_run.html",
        {
            "run": run,
            "rows": rows[:ROWS_SHOWN],
            "more": max(len(rows) - ROWS_SHOWN, 0),
            "shown": shown,
            "actions": Action,
            "filters": [("", _("All rows"))] + [(a.value, a.label) for a in Action],
            "confirm": ConfirmForm(initial={"sha256": run.sha256})
            if run.status == RunStatus.PREVIEWED
            else None,
            "earlier": services.earlier_imports(run).first(),
        },
    )


@login_required
@require_POST
def intake_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs_for(request.user), pk=pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The confirmation was incomplete: try again."))
        return redirect("web:intake-run", pk=run.pk)
    try:
        services.run_confirm(actor=request.user, run=run, sha256=form.cleaned_data["sha256"])
    except ValidationFailed as failed:
        messages.error(request, " ".join(p.reason for p in failed.problems))
    else:
        messages.success(request, _("The import is queued."))
    return redirect("web:intake-run", pk=run.pk)


@login_required
@require_GET
def intake_run_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every 2 s until the run is done or failed."""
    run = get_object_or_404(selectors.runs_for(request.user), pk=pk)
    response = render(request, "web/_intake_run_status.html", {"run": run})
    response["Cache-Control"] = "no-store"
    return response


FIELD_LABELS = {
    "fnr": gettext_lazy("National identity number"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "birth_date": gettext_lazy("Birth date"),
    "municipality": gettext_lazy("Home municipality (number)"),
    "school_year": gettext_lazy("School year"),
    "reason": gettext_lazy("Reason"),
    "registered_on": gettext_lazy("Registered on"),
    "unit": gettext_lazy("Unit"),
}


class MappingForm(forms.Form):
    reason_values = forms.CharField(
        label=gettext_lazy("Reason values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "One a line: the file's value = a reason code or reason group, e.g. "
            "“Søkte ikke = OSON”. Codes and groups themselves need no line."
        ),
    )

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        for field in reversed(FIELDS):
            self.fields = {
                f"col_{field}": forms.CharField(
                    label=FIELD_LABELS[field],
                    max_length=100,
                    required=field in REQUIRED_FIELDS,
                    help_text=None if field in REQUIRED_FIELDS else _("Optional column."),
                ),
                **self.fields,
            }

    def clean_reason_values(self):
        values = {}
        for number, line in enumerate(self.cleaned_data["reason_values"].splitlines(), 1):
            if not line.strip():
                continue
            value, sep, target = line.partition("=")
            if not sep or not value.strip() or not target.strip():
                raise forms.ValidationError(
                    _("Line %(line)s is not “value = code”.") % {"line": number}
                )
            values[value.strip()] = target.strip()
        return values


@login_required
def intake_mapping_view(request: HttpRequest) -> HttpResponse:
    """The county's column mapping, edited by the office (county scope of INTAKE)."""
    user = request.user
    if services.intake_scope(user) != policy.COUNTY:
        raise PermissionDenied
    mapping = services.mapping_for(user.county)
    initial = {f"col_{f}": mapping.columns.get(f, "") for f in FIELDS}
    initial["reason_values"] = "\n".join(f"{k} = {v}" for k, v in mapping.reason_values.items())
    form = MappingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            columns = {
                f: form.cleaned_data[f"col_{f}"] for f in FIELDS if form.cleaned_data[f"col_{f}"]
            }
            try:
                services.mapping_save(
                    actor=user,
                    county=user.county,
                    columns=columns,
                    reason_values=form.cleaned_data["reason_values"],
                )
            except ValidationFailed as failed:
                web_forms.add_problems(form, failed, fields={f: f"col_{f}" for f in FIELDS})
            else:
                messages.success(request, _("The column mapping is saved."))
                return redirect("web:intake")
        return render(request, "web/intake_mapping.html", {"form": form}, status=400)
    return render(request, "web/intake_mapping.html", {"form": form})
