"""The intake pages (docs/intake.md): upload an admissions file, read its preview row by row,
confirm it, and follow the run until it is done. Office: the county; unit coordinator: their
own unit (policy INTAKE). Thin views over veiviser.intake's services and selectors."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.intake import selectors, services
from veiviser.intake.models import FIELDS, Action, RunStatus
from veiviser.problems import ValidationFailed

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
