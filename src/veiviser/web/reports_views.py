"""The annual report pages (docs/reports.md): make a report in the background and follow its
progress, download the kept reports, and write the county's narratives. County-wide: the
policy's STATISTICS action at county scope (county leader, office). Thin views over
veiviser.reports' services and selectors."""

from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from veiviser.codes.selectors import school_year_bounds, school_year_label, school_year_of
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Registration
from veiviser.reports import markdown, selectors, services
from veiviser.reports.models import ReportFormat, ReportStatus
from veiviser.web import forms as web_forms

OSLO = ZoneInfo("Europe/Oslo")


def _require(user) -> None:
    if not selectors.may_make_reports(user):
        raise PermissionDenied


class ReportForm(forms.Form):
    school_year = forms.TypedChoiceField(label=gettext_lazy("School year"), coerce=int)
    known_at = forms.DateTimeField(
        label=gettext_lazy("Numbers as known at"),
        required=False,
        widget=web_forms.DateTimeInput(),
        help_text=gettext_lazy(
            "Norwegian time. Empty: now. Give the instant of a published report to make it again."
        ),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=ReportFormat.choices, initial=ReportFormat.PDF
    )

    def __init__(self, *args, county, **kw):
        super().__init__(*args, **kw)
        today = timezone.localdate()
        years = sorted(
            set(
                Registration.objects.filter(county=county)
                .order_by()
                .values_list("school_year", flat=True)
                .distinct()
            ),
            reverse=True,
        ) or [school_year_of(today)]
        self.fields["school_year"].choices = [(y, school_year_label(y)) for y in years]
        # The default: the latest school year that is over (the report is written after it).
        finished = [y for y in years if school_year_bounds(y)[1] < today]
        self.fields["school_year"].initial = finished[0] if finished else years[0]

    def clean_known_at(self):
        value = self.cleaned_data.get("known_at")
        if value is None:
            return None
        return timezone.make_aware(value.replace(tzinfo=None), OSLO)


@login_required
def reports_view(request: HttpRequest) -> HttpResponse:
    """GET: the form and the county's reports; POST: queue a report (`report_queue`)."""
    user = request.user
    _require(user)
    form = ReportForm(request.POST or None, county=user.county)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = services.report_queue(
                    actor=user,
                    county=user.county,
                    school_year=form.cleaned_data["school_year"],
                    known_at=form.cleaned_data["known_at"],
                    output_format=form.cleaned_data["format"],
                )
            except ValidationFailed as failed:
                web_forms.add_problems(form, failed)
            else:
                messages.success(request, _("The annual report is queued."))
                return redirect("web:report", pk=report.pk)
        status = 400
    return render(
        request,
        "web/reports.html",
        {"form": form, "reports": selectors.reports_for(user).defer("file")[:20]},
        status=status,
    )


def _report(request, pk):
    _require(request.user)
    return get_object_or_404(selectors.reports_for(request.user).defer("file"), pk=pk)


def _progress(report) -> dict:
    return {"finished": report.status in (ReportStatus.DONE, ReportStatus.FAILED)}


@login_required
@require_GET
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    again_url = reverse("web:report", args=[report.again_of_id]) if report.again_of_id else ""
    return render(
        request,
        "web/report.html",
        {"report": report, "again_url": again_url, **_progress(report)},
    )


@login_required
@require_GET
def report_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every 2 s until the report is done or failed."""
    report = _report(request, pk)
    response = render(request, "web/_report_status.html", {"report": report, **_progress(report)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def report_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request.user)
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk, status=ReportStatus.DONE)
    content = services.report_download(actor=request.user, report=report)
    response = HttpResponse(content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def report_again_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a finished report to be made again: the same instant and narrative versions."""
    report = _report(request, pk)
    try:
        again = services.report_queue_again(actor=request.user, report=report)
    except ValidationFailed as failed:
        messages.error(request, " ".join(p.reason for p in failed.problems))
        return redirect("web:report", pk=report.pk)
    messages.success(request, _("The report is queued to be made again."))
    return redirect("web:report", pk=again.pk)


class NarrativeForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=services.MAX_NARRATIVE,
        help_text=gettext_lazy(
            "Markdown: blank line between paragraphs, **bold**, *italic*, lists with -, "
            "links as [text](https://…). HTML is not allowed."
        ),
    )


@login_required
def narratives_view(request: HttpRequest) -> HttpResponse:
    """The county's narratives: each section's newest version, a form to save the next one."""
    user = request.user
    _require(user)
    county = user.county
    posted = None
    if request.method == "POST":
        posted = NarrativeForm(request.POST, auto_id=f"id_{request.POST.get('key', '')}_%s")
    status = 200
    if posted is not None:
        if posted.is_valid():
            try:
                narrative = services.narrative_save(
                    actor=user,
                    county=county,
                    key=posted.cleaned_data["key"],
                    body=posted.cleaned_data["body"],
                )
            except ValidationFailed as failed:
                web_forms.add_problems(posted, failed)
            else:
                messages.success(
                    request, _("The text is saved as version %(v)d.") % {"v": narrative.version}
                )
                return redirect(f"{request.path}#tekst-{narrative.key}")
        status = 400
    latest = selectors.latest_narratives(county)
    entries = []
    for key, label in services.narrative_keys(county):
        current = latest.get(key)
        if posted is not None and posted.data.get("key") == key:
            form = posted
        else:
            form = NarrativeForm(
                initial={"key": key, "body": current.body if current else ""},
                auto_id=f"id_{key}_%s",
            )
        entries.append(
            {
                "key": key,
                "label": label,
                "current": current,
                "preview": markdown.to_html(current.body) if current else "",
                "form": form,
            }
        )
    return render(request, "web/report_narratives.html", {"entries": entries}, status=status)
