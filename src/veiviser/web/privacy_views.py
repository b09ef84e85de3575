"""The privacy pages (`/personvern/`): data subject access reports, the county's Noark 5 archive
extracts and the retention run, for the county leader acting for the data protection officer
(docs/privacy.md).

Finding the person is by national identity number or key only (an access request names the
person); the page shows no list of youths. Every report and every run is audited by the
services; the search itself is audited too, since it reveals whether a person is known.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.people.models import Person
from veiviser.privacy import archive, services
from veiviser.privacy.models import ArchiveExtract


class FindForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("National identity number or key"), max_length=64, strip=True
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (e.g. the request's case number)"),
        max_length=200,
        required=False,
    )


def _officer(request):
    user = request.user
    if not policy.may_audit(user):
        raise PermissionDenied
    return user


@login_required
@require_safe
def privacy_view(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    county = user.county
    form = FindForm(request.GET or None)
    person = None
    searched = False
    if form.is_valid():
        searched = True
        q = form.cleaned_data["q"]
        person = (
            Person.objects.filter(county=county)
            .filter(Q(fnr=q) | Q(key=q))
            .select_related("county")
            .first()
        )
        audit.log(
            user, "privacy.person.searched", county=county.number, data={"found": bool(person)}
        )
    today = timezone.localdate()
    candidates = [
        (c, archive.extract_state(c.person))
        for c in services.retention_candidates(county, today=today)
    ]
    return render(
        request,
        "web/privacy.html",
        {
            "form": form,
            "person": person,
            "searched": searched,
            "reason": form.cleaned_data.get("reason", "") if searched else "",
            "years": services.retention_years(county),
            "candidates": candidates,
            "ready": sum(1 for _c, state in candidates if state == "extracted"),
            "extracts": ArchiveExtract.objects.filter(county=county).select_related("created_by")[
                :50
            ],
            "today": today,
        },
    )


@login_required
@require_safe
def access_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    person = get_object_or_404(Person, pk=pk, county_id=user.county_id)
    report = services.access_report(
        actor=user, person=person, reason=request.GET.get("reason", "")[:200]
    )
    if request.GET.get("format") == "pdf":
        content, kind, suffix = services.access_report_pdf(report), "application/pdf", "pdf"
    else:
        content, kind, suffix = services.access_report_json(report), "application/json", "json"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="innsyn-{person.pk}.{suffix}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retention_run_view(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    run = services.retention_run(actor=user, county=user.county, today=timezone.localdate())
    messages.success(request, _("%(n)s persons anonymised.") % {"n": len(run.anonymised)})
    if run.not_extracted:
        messages.warning(
            request,
            _(
                "%(n)s persons were left as they are: no archive extract holds their case as "
                "it stands."
            )
            % {"n": len(run.not_extracted)},
        )
    return redirect("web:privacy")
