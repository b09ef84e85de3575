"""The letters on the youth page: the list with downloads, making a letter, and the block on
letters to guardians; and the information-letter batch page with its progress. Thin views over
veiviser.letters' services and selectors."""

from datetime import timedelta
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from veiviser import policy
from veiviser.letters import selectors
from veiviser.letters import services as letters
from veiviser.letters.forms import LetterBlockForm, LetterForm
from veiviser.letters.models import BatchStatus, Letter, LetterBatch
from veiviser.organisation.models import Unit
from veiviser.people.models import Person
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Registration
from veiviser.web import forms as web_forms
from veiviser.web.lazy_forms import FormSlot, form_slot, show_with_errors


def letters_context(user, person: Person, context: dict) -> None:
    """Add the letters section's data to the youth page's context (`_youth_context`)."""
    guardians = context.get("guardians", [])
    block = selectors.guardian_letters_blocked(person)
    context["letter_block"] = block
    context["letter_block_history"] = selectors.letter_block_history(person)
    can_change_person = False
    # The entries' registrations are those the user may view: one query for all their letters.
    by_registration: dict[int, list] = {}
    for letter in selectors.letters_of([e["registration"] for e in context["entries"]]):
        by_registration.setdefault(letter.registration_id, []).append(letter)
    for entry in context["entries"]:
        registration = entry["registration"]
        entry["letters"] = by_registration.get(registration.pk, [])
        can_change = entry.get("can_change", False)
        can_change_person = can_change_person or can_change
        pk = registration.pk
        entry["letter_form"] = (
            form_slot(
                "letter",
                pk,
                f"b{pk}",
                partial(_letter_form, registration, guardians),
                r=registration,
            )
            if can_change
            else None
        )
    context["letter_block_form"] = (
        FormSlot(
            "letter-block",
            "brevsperre",
            "web/youth_forms/letter_block.html",
            partial(
                LetterBlockForm,
                prefix="brevsperre",
                initial={"blocked": block is not None, "reason": block.reason if block else ""},
            ),
            {"letter_block": block},
        )
        if can_change_person
        else None
    )


def _letter_form(registration: Registration, guardians) -> LetterForm:
    """The letter form of `registration`, made when the user opens it."""
    return LetterForm(
        prefix=f"b{registration.pk}",
        guardians=guardians,
        appointments=_bookable(registration.appointments.order_by("starts_at", "pk")),
    )


def _bookable(appointments) -> list:
    """The appointments an appointment letter can be made from: to come and not cancelled."""
    now = timezone.now()
    return [a for a in appointments if a.cancelled_at is None and a.starts_at > now]


@login_required
@require_POST
def letter_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    from veiviser.web.views import _needs_reason, _youth_context

    registration = get_object_or_404(Registration.objects.select_related("person"), pk=pk)
    policy.require(request.user, policy.CHANGE, registration)
    person = registration.person
    form = LetterForm(
        request.POST,
        prefix=f"b{registration.pk}",
        guardians=person.guardians.all(),
        appointments=_bookable(registration.appointments.order_by("starts_at", "pk")),
    )
    if form.is_valid():
        try:
            letter = letters.letter_create(
                actor=request.user, registration=registration, **form.service_arguments()
            )
        except ValidationFailed as failed:
            web_forms.add_problems(form, failed)
        else:
            messages.success(
                request,
                _("The letter “%(title)s” to %(name)s was made.")
                % {"title": letter.title, "name": letter.recipient_name},
            )
            return redirect("web:youth", pk=person.pk)
    if _needs_reason(request, person):
        # No page of the youth without a stated reason outside the caseload (break the glass).
        messages.error(request, _("The letter was not made: check the form and try again."))
        return redirect("web:youth", pk=person.pk)
    context = _youth_context(request, person)
    show_with_errors(context, f"letter-{registration.pk}", form)
    return render(request, "web/youth.html", context, status=400)


@login_required
@require_GET
def letter_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.select_related("registration__person"), pk=pk)
    person = letter.registration.person
    from veiviser.web.views import _needs_reason  # the youth page's break-the-glass grant

    if policy.can(request.user, policy.VIEW, person) and _needs_reason(request, person):
        # Outside the caseload a reason is asked first (break the glass), on the youth's page.
        return redirect("web:youth", pk=person.pk)
    pdf = letters.letter_download(actor=request.user, letter=letter)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def letter_block_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    policy.require(request.user, policy.CHANGE, person)
    form = LetterBlockForm(request.POST, prefix="brevsperre")
    if not form.is_valid():
        messages.error(request, _("The block could not be saved."))
        return redirect("web:youth", pk=person.pk)
    try:
        if form.cleaned_data["blocked"]:
            letters.letter_block_set(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Letters to the guardians are blocked."))
        else:
            if letters.letter_block_clear(
                actor=request.user, person=person, reason=form.cleaned_data["lift_reason"]
            ):
                messages.success(request, _("The block on letters to the guardians was lifted."))
    except ValidationFailed as failed:
        messages.error(request, " ".join(p.reason for p in failed.problems))
    return redirect("web:youth", pk=person.pk)


# The information-letter batch page (docs/letters.md): for users who may change the youths'
# records of a whole unit or county (coordinator: the unit; office: the county).


def _batch_scope(user) -> str:
    """UNIT or COUNTY for users who may start batches; PermissionDenied for the rest."""
    kind = policy.scope(user, policy.CHANGE)
    if kind == policy.COUNTY or (kind == policy.UNIT and user.unit_id):
        return kind
    raise PermissionDenied


def _batches_for(user):
    batches = LetterBatch.objects.filter(county_id=user.county_id).select_related("unit")
    if _batch_scope(user) == policy.UNIT:
        batches = batches.filter(unit_id=user.unit_id)
    return batches


class LetterBatchForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("Registered on or after"),
        widget=web_forms.DateInput(),
        help_text=gettext_lazy(
            "Everyone registered since this date who has had no information letter."
        ),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole county"),
    )

    def __init__(self, *args, user, **kw):
        super().__init__(*args, **kw)
        if _batch_scope(user) == policy.COUNTY:
            self.fields["unit"].queryset = Unit.objects.filter(county_id=user.county_id)
        else:
            del self.fields["unit"]

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return since


@login_required
def letter_batches_view(request: HttpRequest) -> HttpResponse:
    """GET: the form and the latest batches in the user's scope; POST: queue a batch
    (`letters.services.batch_start`) for the user's unit (coordinator) or county (office)."""
    user = request.user
    kind = _batch_scope(user)
    initial = {"since": timezone.localdate() - timedelta(days=7)}
    form = LetterBatchForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            unit = form.cleaned_data.get("unit") if kind == policy.COUNTY else user.unit
            try:
                batch = letters.batch_start(
                    actor=user, county=user.county, since=form.cleaned_data["since"], unit=unit
                )
            except ValidationFailed as failed:
                web_forms.add_problems(form, failed)
            else:
                messages.success(request, _("The letter batch is queued."))
                return redirect("web:letter-batch", pk=batch.pk)
        status = 400
    else:
        status = 200
    return render(
        request,
        "web/letter_batches.html",
        {
            "form": form,
            "batches": _batches_for(user)[:10],
            "scope_unit": user.unit if kind == policy.UNIT else None,
        },
        status=status,
    )


@login_required
@require_GET
def letter_batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    return render(request, "web/letter_batch.html", {"batch": batch, **_batch_progress(batch)})


@login_required
@require_GET
def letter_batch_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls every 2 s until the batch is done or failed."""
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    response = render(
        request, "web/_letter_batch_status.html", {"batch": batch, **_batch_progress(batch)}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def letter_batch_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Prøv igjen" on a failed batch: queue it again (`letters.services.batch_retry`), for
    whoever may see the batch (its unit's coordinator, the county's office)."""
    batch = get_object_or_404(_batches_for(request.user), pk=pk)
    if letters.batch_retry(actor=request.user, batch=batch):
        messages.success(request, _("The letter batch is queued again."))
    else:
        messages.info(request, _("The batch has not failed: there is nothing to start again."))
    return redirect("web:letter-batch", pk=batch.pk)


def _batch_progress(batch: LetterBatch) -> dict:
    return {"finished": batch.status in (BatchStatus.DONE, BatchStatus.FAILED)}
