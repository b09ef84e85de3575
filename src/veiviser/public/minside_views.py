""" "Min side": the youth's own page, after an OpenID Connect login (ID-porten) or, in a demo,
the documented test login.

The youth is not a staff user: the session holds the person's id (under SESSION_KEY) for
YOUTH_SESSION_SECONDS, and each view reads only that person's rows, inside the tenant wall of
the person's county. Another youth's letter or consent id is 404.
"""

import logging
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from veiviser.audit import services as audit
from veiviser.casework import services as casework
from veiviser.casework.models import PartnerKind
from veiviser.casework.selectors import youth_appointment
from veiviser.people import identity
from veiviser.people.models import Person
from veiviser.problems import ValidationFailed
from veiviser.public import ics, oidc, selectors
from veiviser.tenancy.db import county_scope
from veiviser.web.forms import add_problems

SESSION_KEY = "veiviser_youth"
log = logging.getLogger(__name__)


class ConsentForm(forms.Form):
    partner_kind = forms.ChoiceField(
        label=gettext_lazy("Who may OT share information with?"), choices=PartnerKind.choices
    )


class TestLoginForm(forms.Form):
    fnr = forms.CharField(
        label=gettext_lazy("Synthetic test identity number"),
        max_length=13,
        help_text=gettext_lazy("Only synthetic numbers (month + 80) of the demo's youths."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _label(person: Person) -> str:
    return f"youth:{person.key}"


def _current(request) -> Person | None:
    pk = request.session.get(SESSION_KEY)
    return Person.objects.filter(pk=pk).first() if pk else None


def youth_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        person = _current(request)
        if person is None:
            return redirect("minside:home")
        with county_scope(person.county_id):
            return view(request, person, *args, **kwargs)

    return wrapper


def _log_in(request, person: Person, via: str):
    request.session.cycle_key()
    request.session[SESSION_KEY] = person.pk
    request.session.set_expiry(settings.YOUTH_SESSION_SECONDS)
    audit.log(None, "public.minside.login", person, data={"via": via}, actor_label=_label(person))


def _finish_login(request, number: str, via: str):
    person = selectors.youth_by_identity_number(number)
    if person is None or not person.registrations.exists():
        # The youth is logged in with ID-porten but OT has nothing on them: say so, and offer
        # the contact page. (Only the person themself can see this answer.)
        return render(request, "public/minside/unknown.html", status=404)
    _log_in(request, person, via)
    return redirect("minside:home")


@never_cache
def home_view(request):
    person = _current(request)
    if person is None:
        return render(
            request,
            "public/minside/login.html",
            {"oidc": oidc.enabled(), "test_login": settings.YOUTH_TEST_LOGIN},
        )
    with county_scope(person.county_id):
        context = selectors.youth_overview(person, now=timezone.now())
        if context.get("appointments"):
            # Like a letter download: the youth's reading of their appointments is audited.
            audit.log(
                None,
                "public.minside.appointments_viewed",
                person,
                data={"appointments": [a.pk for a in context["appointments"]]},
                actor_label=_label(person),
            )
        context["consent_form"] = ConsentForm(prefix="consent")
        return render(request, "public/minside/home.html", context)


def oidc_login_view(request):
    if not oidc.enabled():
        raise Http404
    return oidc.login_redirect(request, request.build_absolute_uri(reverse("minside:callback")))


@never_cache
def oidc_callback_view(request):
    if not oidc.enabled():
        raise Http404
    try:
        number = oidc.identity_number(request)
    except Exception as exc:  # authlib raises several kinds; none may become a 500
        log.warning("Min side login failed: %s", type(exc).__name__)
        messages.error(request, _("The login did not succeed. Please try again."))
        return redirect("minside:home")
    return _finish_login(request, number, "oidc")


@never_cache
def test_login_view(request):
    """The demo's test login (docs/public.md): a synthetic number, no password. 404 unless
    VEIVISER_YOUTH_TEST_LOGIN is on, which production refuses."""
    if not settings.YOUTH_TEST_LOGIN:
        raise Http404
    form = TestLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["fnr"].replace(" ", "")
        try:
            parsed = identity.parse(number, allow_synthetic=True)
        except identity.IdentityError as exc:
            form.add_error("fnr", str(exc))
        else:
            if not parsed.synthetic:
                form.add_error("fnr", _("the test login takes synthetic numbers only"))
            else:
                return _finish_login(request, parsed.number, "test")
    status = 400 if form.errors else 200
    return render(request, "public/minside/test_login.html", {"form": form}, status=status)


@require_POST
def logout_view(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect("minside:home")


@never_cache
@youth_required
def letter_view(request, person: Person, pk: int):
    letter = selectors.youth_letter(person, pk)
    audit.log(None, "public.minside.letter_downloaded", letter, actor_label=_label(person))
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@youth_required
def appointment_ics_view(request, person: Person, pk: int):
    """One of the youth's own appointments as a calendar file (another youth's id: 404)."""
    appointment = youth_appointment(person, pk)
    audit.log(
        None, "public.minside.appointment_downloaded", appointment, actor_label=_label(person)
    )
    response = HttpResponse(
        ics.appointment_ics(appointment, now=timezone.now()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="avtale.ics"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@youth_required
def consent_give_view(request, person: Person):
    overview = selectors.youth_overview(person, now=timezone.now())
    registration = overview["registration"]
    if registration is None:
        raise Http404
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        try:
            casework.consent_give_by_youth(
                youth=person,
                registration=registration,
                partner_kind=form.cleaned_data["partner_kind"],
                given_on=timezone.localdate(),
            )
        except ValidationFailed as failed:
            add_problems(form, failed)
        else:
            messages.success(request, _("Your consent is registered. Your advisor can see it now."))
            return redirect("minside:home")
    overview["consent_form"] = form
    return render(request, "public/minside/home.html", overview, status=400)


@require_POST
@youth_required
def consent_withdraw_view(request, person: Person, pk: int):
    consent = selectors.youth_consent(person, pk)
    try:
        casework.consent_withdraw_by_youth(
            youth=person, consent=consent, withdrawn_on=timezone.localdate()
        )
    except ValidationFailed:
        messages.info(request, _("The consent was already withdrawn."))
    else:
        messages.success(request, _("Your consent is withdrawn. Your advisor can see it now."))
    return redirect("minside:home")
