"""The audit viewer (`/revisjon/`): the county leader reads the county's audit trail.

Read-only: the page only lists events (the trail itself refuses changes). Who may open it is the
access policy's AUDIT action (county leader: own county; nobody else). The county's trail is
every event recorded for the county, and the county's users' events that belong to no county
(logins, logouts). Opening the page is itself an event, `audit.viewer.opened`, with the filters.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.audit.models import AuditEvent
from veiviser.web import forms

PAGE_SIZE = 50


def county_events(user):
    """The audit events of `user`'s county."""
    number = user.county.number
    return AuditEvent.objects.filter(
        Q(county=number) | Q(county="", actor__county_id=user.county_id)
    )


def filtered(events, data: dict):
    if data.get("actor"):
        events = events.filter(actor_label__iexact=data["actor"])
    if data.get("action"):
        events = events.filter(action__startswith=data["action"])
    if data.get("date_from"):
        events = events.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        events = events.filter(at__date__lte=data["date_to"])
    if data.get("object_type"):
        events = events.filter(object_type=data["object_type"])
    if data.get("object_id"):
        events = events.filter(object_id=data["object_id"])
    return events


@login_required
@require_safe
def audit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.may_audit(user):
        raise PermissionDenied
    form = forms.AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = filtered(county_events(user), data)
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.log(
        user,
        "audit.viewer.opened",
        county=user.county.number,
        data={k: str(v) for k, v in data.items() if v} | {"page": page_obj.number},
    )
    return render(
        request,
        "web/audit.html",
        {"form": form, "page_obj": page_obj, "county": user.county},
        status=400 if form.errors else 200,
    )
