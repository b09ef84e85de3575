"""The letters on the youth page: the list with downloads, making a letter, and the block on
letters to guardians. Thin views over veiviser.letters' services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from veiviser import policy
from veiviser.letters import selectors
from veiviser.letters import services as letters
from veiviser.letters.forms import LetterBlockForm, LetterForm
from veiviser.letters.models import Letter
from veiviser.people.models import Person
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Registration
from veiviser.web import forms as web_forms


def letters_context(user, person: Person, context: dict) -> None:
    """Add the letters section's data to the youth page's context (`_youth_context`)."""
    guardians = context.get("guardians", [])
    block = selectors.guardian_letters_blocked(person)
    context["letter_block"] = block
    can_change_person = False
    # The entries' registrations are those the user may view: one query for all their letters.
    by_registration: dict[int, list] = {}
    for letter in selectors.letters_of([e["registration"] for e in context["entries"]]):
        by_registration.setdefault(letter.registration_id, []).append(letter)
    templates = None
    for entry in context["entries"]:
        registration = entry["registration"]
        entry["letters"] = by_registration.get(registration.pk, [])
        can_change = entry.get("can_change", False)
        can_change_person = can_change_person or can_change
        if can_change and templates is None:
            templates = list(selectors.active_templates())
        entry["letter_form"] = (
            LetterForm(prefix=f"b{registration.pk}", guardians=guardians, templates=templates)
            if can_change
            else None
        )
    context["letter_block_form"] = (
        LetterBlockForm(
            prefix="brevsperre",
            initial={"blocked": block is not None, "reason": block.reason if block else ""},
        )
        if can_change_person
        else None
    )


@login_required
@require_POST
def letter_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    from veiviser.web.views import _youth_context

    registration = get_object_or_404(Registration.objects.select_related("person"), pk=pk)
    policy.require(request.user, policy.CHANGE, registration)
    person = registration.person
    form = LetterForm(request.POST, prefix=f"b{registration.pk}", guardians=person.guardians.all())
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
    context = _youth_context(request, person)
    for entry in context["entries"]:
        if entry["registration"].pk == registration.pk:
            entry["letter_form"] = form
    context["open_form"] = form.prefix
    return render(request, "web/youth.html", context, status=400)


@login_required
@require_GET
def letter_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(Letter.objects.select_related("registration"), pk=pk)
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
            if letters.letter_block_clear(actor=request.user, person=person):
                messages.success(request, _("The block on letters to the guardians was lifted."))
    except ValidationFailed as failed:
        messages.error(request, " ".join(p.reason for p in failed.problems))
    return redirect("web:youth", pk=person.pk)
