"""Appointments on the youth page ("Avtaler", docs/casework.md): the list of a registration's
appointments with the letters made from them, booking one, moving, cancelling, and recording a
held one as a contact. Thin views over `casework.services`; the policy's CHANGE on the
registration decides, as for every youth-page action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veiviser import policy
from veiviser.casework import selectors
from veiviser.casework import services as casework
from veiviser.casework.models import Appointment
from veiviser.people.models import Person
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Registration
from veiviser.web import forms

BOOK, MOVE, CANCEL, HELD = "avt", "avf", "ava", "avg"


def _move_form(appointment: Appointment, data=None, advisors=None) -> forms.AppointmentForm:
    return forms.AppointmentForm(
        data,
        prefix=f"{MOVE}{appointment.pk}",
        county_id=appointment.county_id,
        advisors=advisors,
        minutes=appointment.duration_minutes,
        moving=True,
        initial={
            "starts_at": timezone.localtime(appointment.starts_at),
            "duration_minutes": appointment.duration_minutes,
            "mode": appointment.mode,
            "place": appointment.place,
            "advisor": appointment.advisor_id,
            "note": appointment.note,
        },
    )


def _row(appointment: Appointment, *, now, can_change: bool, letters: list, advisors) -> dict:
    """One appointment as the youth page shows it, with the forms its state allows."""
    is_open = appointment.cancelled_at is None and appointment.contact_id is None
    to_come = appointment.starts_at > now
    return {
        "appointment": appointment,
        "over": appointment.ends_at <= now,
        "letters": letters,
        # A letter made before the appointment was moved shows the old time or place.
        "letter_outdated": bool(
            appointment.moved_at
            and any(letter.created_at < appointment.moved_at for letter in letters)
        ),
        "move_form": _move_form(appointment, advisors=advisors)
        if can_change and is_open and to_come
        else None,
        "cancel_form": forms.AppointmentCancelForm(prefix=f"{CANCEL}{appointment.pk}")
        if can_change and is_open
        else None,
        "held_form": forms.AppointmentHeldForm(prefix=f"{HELD}{appointment.pk}")
        if can_change and is_open and not to_come
        else None,
    }


def appointments_context(user, person: Person, context: dict) -> None:
    """Add the appointments to the youth page's context (`_youth_context`), after the letters
    (each appointment lists the letters made from it). The registrations' appointments come
    prefetched with their advisor: no query per appointment."""
    now = timezone.now()
    everyone = []
    advisors = None  # the county's staff for the forms' "with" choice: one query for the page
    for entry in context["entries"]:
        registration = entry["registration"]
        appointments = list(registration.appointments.all())
        everyone += appointments
        letters: dict[int, list] = {}
        for letter in entry.get("letters", []):
            if letter.appointment_id:
                letters.setdefault(letter.appointment_id, []).append(letter)
        can_change = entry.get("can_change", False)
        if can_change and advisors is None:
            advisors = list(forms.advisors_of(registration.county_id))
        # The ones to come first, the next at the top; then those that are over, newest first.
        over = sorted(
            (a for a in appointments if a.ends_at <= now),
            key=lambda a: (a.starts_at, a.pk),
            reverse=True,
        )
        entry["appointments"] = [
            _row(
                a, now=now, can_change=can_change, letters=letters.get(a.pk, []), advisors=advisors
            )
            for a in selectors.upcoming(appointments, now=now) + over
        ]
        entry["appointment_form"] = (
            forms.AppointmentForm(
                prefix=f"{BOOK}{registration.pk}",
                county_id=registration.county_id,
                advisors=advisors,
                initial={"advisor": registration.advisor_id},
            )
            if can_change
            else None
        )
    context["next_appointment"] = selectors.next_appointment(everyone, now=now)


def _appointment_for_change(request, pk: int) -> Appointment:
    """The appointment, if the user may change its registration (403 before any input is
    read; 404 for an unknown id). The service checks again when it writes."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("registration__person", "advisor"), pk=pk
    )
    policy.require(request.user, policy.CHANGE, appointment.registration)
    return appointment


def _done_or_again(request, registration: Registration, form, act, done: str, place):
    """Run the action; on invalid input or a refused rule, the youth page again with the form
    and its errors in place (`place(context, form)` puts it there) and opened."""
    from veiviser.web.views import _needs_reason, _youth_context

    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationFailed as failed:
            forms.add_problems(form, failed)
        else:
            messages.success(request, done)
            return redirect("web:youth", pk=registration.person_id)
    if _needs_reason(request, registration.person):
        # The page with the errors would show the youth: ask for the reason first.
        return redirect("web:youth", pk=registration.person_id)
    context = _youth_context(request, registration.person)
    for entry in context["entries"]:
        if entry["registration"].pk == registration.pk:
            place(entry, form)
    context["open_form"] = form.prefix
    return render(request, "web/youth.html", context, status=400)


def _put_in_row(key: str, appointment: Appointment):
    def place(entry, form):
        for row in entry["appointments"]:
            if row["appointment"].pk == appointment.pk:
                row[key] = form

    return place


@login_required
@require_POST
def appointment_book_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("person", "advisor"), pk=pk
    )
    policy.require(request.user, policy.CHANGE, registration)
    form = forms.AppointmentForm(
        request.POST, prefix=f"{BOOK}{registration.pk}", county_id=registration.county_id
    )

    def act(data):
        casework.appointment_book(actor=request.user, registration=registration, **data)

    def place(entry, bound):
        entry["appointment_form"] = bound

    return _done_or_again(request, registration, form, act, _("The appointment was booked."), place)


@login_required
@require_POST
def appointment_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_for_change(request, pk)
    form = _move_form(appointment, request.POST)

    def act(data):
        casework.appointment_move(actor=request.user, appointment=appointment, **data)

    return _done_or_again(
        request,
        appointment.registration,
        form,
        act,
        _("The appointment was changed."),
        _put_in_row("move_form", appointment),
    )


@login_required
@require_POST
def appointment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_for_change(request, pk)
    form = forms.AppointmentCancelForm(request.POST, prefix=f"{CANCEL}{appointment.pk}")

    def act(data):
        casework.appointment_cancel(actor=request.user, appointment=appointment, **data)

    return _done_or_again(
        request,
        appointment.registration,
        form,
        act,
        _("The appointment was cancelled."),
        _put_in_row("cancel_form", appointment),
    )


@login_required
@require_POST
def appointment_held_view(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment_for_change(request, pk)
    form = forms.AppointmentHeldForm(request.POST, prefix=f"{HELD}{appointment.pk}")

    def act(data):
        casework.appointment_held(actor=request.user, appointment=appointment, **data)

    return _done_or_again(
        request,
        appointment.registration,
        form,
        act,
        _("The appointment was recorded as a contact."),
        _put_in_row("held_form", appointment),
    )
