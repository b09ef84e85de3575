"""Measures in the staff app: the "Tiltak" section of the youth page (enrol, end, confirm the
proposed status, placements with follow-ups, the autumn outcome) and the measure catalogue.
Thin views over `veiviser.measures`; the access policy decides, the services check again."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veiviser import policy
from veiviser.measures import rules, selectors
from veiviser.measures import services as measures
from veiviser.measures.models import (
    AutumnPlace,
    Enrolment,
    Measure,
    Party,
    Placement,
    ProposalState,
)
from veiviser.organisation.models import Unit, User
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Registration
from veiviser.web.lazy_forms import form_slot
from veiviser.web.measures_forms import (
    AutumnOutcomeForm,
    EndEnrolmentForm,
    EndPlacementForm,
    EnrolForm,
    FollowUpForm,
    MeasureForm,
    PlacementForm,
)


def measures_context(user, person, context: dict) -> None:
    """Add the "Tiltak" section's data to each entry of the youth page (`_youth_context`):
    a constant number of queries for all the youth's registrations."""
    today = timezone.localdate()
    ids = [e["registration"].pk for e in context["entries"]]
    enrolments: dict[int, list] = {}
    for enrolment in selectors.enrolments_of(ids):
        enrolments.setdefault(enrolment.registration_id, []).append(enrolment)
    placements: dict[int, list] = {}
    for placement in selectors.placements_of(ids):
        placements.setdefault(placement.registration_id, []).append(placement)
    outcomes = selectors.outcomes_of(ids)
    for entry in context["entries"]:
        registration = entry["registration"]
        can_change = entry.get("can_change", False)
        own = enrolments.get(registration.pk, [])
        rows = []
        for enrolment in own:
            rows.append(
                {
                    "enrolment": enrolment,
                    "proposed": enrolment.proposal == ProposalState.PROPOSED,
                    "end_form": form_slot(
                        "enrolment-end",
                        enrolment.pk,
                        f"e{enrolment.pk}",
                        partial(EndEnrolmentForm, prefix=f"e{enrolment.pk}"),
                        enrolment=enrolment,
                    )
                    if can_change and enrolment.ends_on is None
                    else None,
                }
            )
        placement_rows = [
            {
                "placement": placement,
                "follow_ups": list(placement.follow_ups.all()),
                "next_youth": selectors.next_follow_up(placement, Party.YOUTH),
                "next_employer": selectors.next_follow_up(placement, Party.EMPLOYER),
                "open": placement.ends_on is None or placement.ends_on >= today,
                "follow_up_form": form_slot(
                    "follow-up",
                    placement.pk,
                    f"f{placement.pk}",
                    partial(FollowUpForm, prefix=f"f{placement.pk}"),
                    placement=placement,
                )
                if can_change
                else None,
                "end_form": form_slot(
                    "placement-end",
                    placement.pk,
                    f"pe{placement.pk}",
                    partial(EndPlacementForm, prefix=f"pe{placement.pk}"),
                    placement=placement,
                )
                if can_change and placement.ends_on is None
                else None,
            }
            for placement in placements.get(registration.pk, [])
        ]
        trained = any(rules.is_training(e.measure.kind) for e in own)
        outcome = outcomes.get(registration.pk)
        pk = registration.pk
        entry["measures"] = {
            "enrolments": rows,
            "placements": placement_rows,
            "today": today,
            "trained": trained,
            "outcome": outcome,
            "enrol_form": form_slot(
                "enrol", pk, f"t{pk}", partial(_enrol_form, registration), r=registration
            )
            if can_change
            else None,
            "placement_form": form_slot(
                "placement", pk, f"pl{pk}", partial(PlacementForm, prefix=f"pl{pk}"), r=registration
            )
            if can_change
            else None,
            "outcome_form": form_slot(
                "autumn-outcome",
                pk,
                f"h{pk}",
                partial(
                    AutumnOutcomeForm,
                    prefix=f"h{pk}",
                    initial={
                        "place": outcome.place if outcome else None,
                        "observed_on": outcome.observed_on if outcome else today,
                    },
                ),
                r=registration,
            )
            if can_change and (trained or outcome)
            else None,
        }


def _enrol_form(registration, data=None) -> EnrolForm:
    return EnrolForm(
        data,
        prefix=f"t{registration.pk}",
        measures=selectors.measures_open_for_enrolment(registration, on=timezone.localdate()),
    )


def _registration(request, pk: int) -> Registration:
    registration = get_object_or_404(Registration.objects.select_related("person"), pk=pk)
    policy.require(request.user, policy.CHANGE, registration)
    return registration


def _run(request, registration, form, act, done: str) -> HttpResponse:
    """Run an action of the section: problems come back as a message on the youth page."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationFailed as failed:
            messages.error(request, " ".join(p.reason for p in failed.problems))
        else:
            messages.success(request, done)
    else:
        messages.error(
            request,
            " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()),
        )
    return redirect("web:youth", pk=registration.person_id)


@login_required
@require_POST
def enrolment_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    form = _enrol_form(registration, request.POST)

    def act(data):
        enrolment = measures.enrolment_create(actor=request.user, registration=registration, **data)
        if enrolment.proposal == ProposalState.PROPOSED:
            messages.info(
                request,
                _(
                    "The measure implies the status %(code)s from %(date)s. Confirm it in the "
                    "measures section if it is right."
                )
                % {"code": enrolment.proposed_status, "date": f"{enrolment.starts_on:%d.%m.%Y}"},
            )

    return _run(request, registration, form, act, _("The youth was enrolled."))


def _enrolment(request, pk: int) -> Enrolment:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("registration", "measure"), pk=pk
    )
    policy.require(request.user, policy.CHANGE, enrolment.registration)
    return enrolment


@login_required
@require_POST
def enrolment_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    form = EndEnrolmentForm(request.POST, prefix=f"e{enrolment.pk}")

    def act(data):
        measures.enrolment_end(actor=request.user, enrolment=enrolment, **data)

    return _run(request, enrolment.registration, form, act, _("The enrolment was ended."))


@login_required
@require_POST
def enrolment_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (`decision=confirm`) or dismiss the status the enrolment proposes."""
    enrolment = _enrolment(request, pk)
    try:
        if request.POST.get("decision") == "confirm":
            fact = measures.enrolment_confirm_status(actor=request.user, enrolment=enrolment)
            messages.success(
                request,
                _("The status %(code)s was recorded from %(date)s.")
                % {"code": fact.code, "date": f"{fact.valid_from:%d.%m.%Y}"},
            )
        else:
            measures.enrolment_dismiss_status(actor=request.user, enrolment=enrolment)
            messages.success(request, _("The proposed status was dismissed."))
    except ValidationFailed as failed:
        messages.error(request, " ".join(p.reason for p in failed.problems))
    return redirect("web:youth", pk=enrolment.registration.person_id)


@login_required
@require_POST
def placement_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    form = PlacementForm(request.POST, prefix=f"pl{registration.pk}")

    def act(data):
        measures.placement_create(actor=request.user, registration=registration, **data)

    return _run(request, registration, form, act, _("The placement was recorded."))


@login_required
@require_POST
def follow_up_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(Placement.objects.select_related("registration"), pk=pk)
    policy.require(request.user, policy.CHANGE, placement.registration)
    form = FollowUpForm(request.POST, prefix=f"f{placement.pk}")

    def act(data):
        measures.follow_up_record(actor=request.user, placement=placement, **data)

    return _run(request, placement.registration, form, act, _("The follow-up was recorded."))


@login_required
@require_POST
def autumn_outcome_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    form = AutumnOutcomeForm(request.POST, prefix=f"h{registration.pk}")

    def act(data):
        measures.autumn_outcome_record(actor=request.user, registration=registration, **data)

    return _run(request, registration, form, act, _("The autumn outcome was recorded."))


def _measure_form(user, data=None, **kw):
    units = Unit.objects.filter(county_id=user.county_id, closed_on__isnull=True)
    if policy.scope(user, policy.MEASURES) == policy.UNIT:
        units = units.filter(pk=user.unit_id)
    staff = User.objects.filter(county_id=user.county_id, is_active=True).order_by(
        "first_name", "last_name", "username"
    )
    if policy.scope(user, policy.MEASURES) == policy.UNIT:
        staff = staff.filter(Q(unit_id=user.unit_id) | Q(unit__isnull=True))
    form = MeasureForm(data, prefix="tiltak", units=units, staff=staff, **kw)
    if policy.scope(user, policy.MEASURES) == policy.UNIT:
        form.fields["unit"].empty_label = None
    return form


@login_required
def catalogue_view(request: HttpRequest) -> HttpResponse:
    """The county's measure catalogue with participants today and capacity; a form to add a
    measure for those who manage the catalogue (policy `measures`)."""
    user = request.user
    if policy.scope(user, policy.VIEW) == policy.NOTHING:
        raise PermissionDenied("the catalogue is for those who follow up youths")
    manages = policy.scope(user, policy.MEASURES) != policy.NOTHING
    form = None
    status = 200
    if request.method == "POST":
        if not manages:
            raise PermissionDenied("managing the catalogue is not allowed here")
        form = _measure_form(user, request.POST)
        if form.is_valid():
            try:
                measure = measures.measure_create(
                    actor=user, county=user.county, **form.cleaned_data
                )
            except ValidationFailed as failed:
                from veiviser.web.forms import add_problems

                add_problems(form, failed)
            else:
                messages.success(
                    request, _("The measure %(name)s was added.") % {"name": measure.name}
                )
                return redirect("web:measures")
        status = 400
    elif manages:
        form = _measure_form(user, initial={"starts_on": timezone.localdate()})
    today = timezone.localdate()
    rows = list(selectors.catalogue_for(user, on=today))
    for row in rows:
        row.can_edit = policy.may_manage_measure(user, row.county_id, row.unit_id)
    return render(
        request,
        "web/measures.html",
        {"measures": rows, "form": form, "today": today},
        status=status,
    )


def statistics_section(user, selection) -> dict:
    """The measures section of the statistics page (web/_statistics_measures.html): the counts
    of `measures.statistics` with a drill-down link on every youth count."""
    from veiviser.measures import statistics

    counts = statistics.measure_counts(
        selection.county,
        selection.school_year,
        unit_id=selection.unit.pk if selection.unit else None,
    )
    base = reverse("web:statistics-measure-youths")

    def link(cell, measure_id=None):
        return f"{base}?{selection.query(cell=cell, measure=measure_id)}"

    autumn = [
        {
            "label": label,
            "count": counts.cells.get(f"autumn.{place}", 0),
            "url": link(f"autumn.{place}"),
        }
        for place, label in [*AutumnPlace.choices, ("none", _("Not recorded"))]
    ]
    return {
        "counts": counts,
        "totals": [
            {"label": CELL_LABELS[cell], "count": counts.cells[cell], "url": link(cell)}
            for cell in (*statistics.ENROLMENT_CELLS, "in_work_practice")
        ],
        "rows": [
            {
                "row": row,
                "cells": [
                    {"count": row.cells[cell], "url": link(cell, row.measure_id)}
                    for cell in statistics.ENROLMENT_CELLS
                ],
            }
            for row in counts.rows
        ],
        "cell_labels": [CELL_LABELS[cell] for cell in statistics.ENROLMENT_CELLS],
        "training": {"count": counts.cells["training"], "url": link("training")},
        "autumn": autumn,
        "share": _percent(counts.back_in_education_or_work),
        "follow_ups": counts.follow_ups,
        "follow_up_share": _percent(counts.follow_ups.get("share_on_time")),
    }


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


CELL_LABELS = {
    "participants": gettext_lazy("Participants"),
    "completed": gettext_lazy("Completed"),
    "ended_early": gettext_lazy("Ended early"),
    "moved_on": gettext_lazy("Ended for education or work"),
    "ongoing": gettext_lazy("Still taking part"),
    "in_work_practice": gettext_lazy("In work practice"),
    "training": gettext_lazy("Participants in OT's training measures"),
}


def _cell_label(cell: str) -> str:
    if cell.startswith("autumn."):
        place = cell.split(".", 1)[1]
        name = dict(AutumnPlace.choices).get(place, _("Not recorded"))
        return _("In the autumn: %(place)s") % {"place": name}
    return str(CELL_LABELS[cell])


@login_required
def statistics_youths_view(request: HttpRequest) -> HttpResponse:
    """The youths behind one number of the measures section, as the user may see them
    (policy VIEW); the opening is audited like the statistics drill-down."""
    from veiviser.audit import services as audit
    from veiviser.measures import statistics
    from veiviser.web.statistics_views import _audit_data, _describe, _selection

    _form, selection = _selection(request)
    cell = request.GET.get("cell", "")
    measure_id = request.GET.get("measure") or None
    if selection is None or cell not in statistics.CELLS:
        return render(
            request, "web/statistics_measure_youths.html", {"selection": None}, status=400
        )
    measure = None
    if measure_id:
        if cell not in statistics.ENROLMENT_CELLS or not str(measure_id).isdigit():
            return render(
                request, "web/statistics_measure_youths.html", {"selection": None}, status=400
            )
        measure = get_object_or_404(Measure, pk=measure_id, county=selection.county)
    behind = statistics.cell_registrations(
        selection.county,
        selection.school_year,
        cell,
        unit_id=selection.unit.pk if selection.unit else None,
        measure_id=measure.pk if measure else None,
    )
    visible = behind.filter(policy.registrations_q(request.user, policy.VIEW))
    total = behind.count()
    rows = list(
        visible.select_related("person", "unit", "advisor").order_by(
            "person__family_name", "person__given_name", "pk"
        )
    )
    audit.log(
        request.user,
        "statistics.drilldown.viewed",
        county=selection.county.number,
        data={
            **_audit_data(selection),
            "cell": f"measures.{cell}",
            "measure": measure.pk if measure else None,
            "count": total,
        },
    )
    return render(
        request,
        "web/statistics_measure_youths.html",
        {
            "selection": selection,
            "describe": _describe(selection),
            "cell_label": _cell_label(cell),
            "measure": measure,
            "total": total,
            "rows": rows,
            "narrower": len(rows) != total,
            "back_url": f"{reverse('web:statistics')}?{selection.query()}#measures-heading",
        },
    )


@login_required
def measure_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a measure of the catalogue: name, capacity, dates, responsible, description (and
    kind and organiser while nobody has enrolled). Policy `measures` for its unit."""
    measure = get_object_or_404(Measure.objects.select_related("unit"), pk=pk)
    user = request.user
    if not policy.may_manage_measure(user, measure.county_id, measure.unit_id):
        raise PermissionDenied("managing this measure is not allowed here")
    initial = {
        "name": measure.name,
        "kind": measure.kind,
        "organiser": measure.organiser,
        "unit": measure.unit_id,
        "capacity": measure.capacity,
        "starts_on": measure.starts_on,
        "ends_on": measure.ends_on,
        "responsible": measure.responsible_id,
        "description": measure.description,
    }
    form = _measure_form(user, request.POST if request.method == "POST" else None, initial=initial)
    form.fields["unit"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
            try:
                measures.measure_update(actor=user, measure=measure, **data)
            except ValidationFailed as failed:
                from veiviser.web.forms import add_problems

                add_problems(form, failed)
            else:
                messages.success(
                    request, _("The measure %(name)s was changed.") % {"name": measure.name}
                )
                return redirect("web:measures")
        status = 400
    return render(
        request, "web/measure_edit.html", {"form": form, "measure": measure}, status=status
    )


@login_required
@require_POST
def placement_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_object_or_404(Placement.objects.select_related("registration"), pk=pk)
    policy.require(request.user, policy.CHANGE, placement.registration)
    form = EndPlacementForm(request.POST, prefix=f"pe{placement.pk}")

    def act(data):
        measures.placement_end(actor=request.user, placement=placement, **data)

    return _run(request, placement.registration, form, act, _("The placement was ended."))
