"""Referrals from the public contact page: the unit coordinator's list and its actions.

Who handles them is `policy.referral_scope` (the unit coordinator for the own unit, the office
for the county); every opening of a referral is audited, as a youth's page is.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.problems import ValidationFailed
from veiviser.public import selectors
from veiviser.public import services as public
from veiviser.web.forms import add_problems


class MatchForm(forms.Form):
    person = forms.TypedChoiceField(
        label=gettext_lazy("The youth this request is about"),
        coerce=int,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, suggestions, **kw):
        super().__init__(*args, **kw)
        self.fields["person"].choices = [
            (p.pk, f"{p.full_name}, {p.birth_date:%d.%m.%Y}") for p in suggestions
        ]


class RegisterForm(forms.Form):
    confirm_duplicate = forms.BooleanField(
        label=gettext_lazy("This is a different youth: register anyway"), required=False
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the request closed?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _require_handler(user) -> None:
    if policy.referral_scope(user) == policy.NOTHING:
        raise PermissionDenied


@login_required
def referrals_view(request: HttpRequest) -> HttpResponse:
    """Pending requests from the public page for the user's unit (or county), oldest first."""
    _require_handler(request.user)
    rows = list(selectors.pending_for(request.user))
    # The list shows names and birth dates of youths who may not be registered: its opening is
    # audited too (which referrals, never their contents).
    audit.log(
        request.user,
        "public.referrals.listed",
        county=request.user.county.number,
        data={"referrals": [r.pk for r in rows]},
    )
    return render(request, "web/referrals.html", {"referrals": rows})


def _page(request, referral, *, match_form=None, register_form=None, close_form=None, status=200):
    suggestions = selectors.match_suggestions(request.user, referral)
    context = {
        "referral": referral,
        "suggestions": suggestions,
        "match_form": match_form or MatchForm(suggestions=suggestions, prefix="match"),
        "register_form": register_form or RegisterForm(prefix="register"),
        "close_form": close_form or CloseForm(prefix="close"),
    }
    return render(request, "web/referral.html", context, status=status)


@login_required
def referral_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_handler(request.user)
    referral = selectors.referral_open(request.user, pk)
    return _page(request, referral)


def _act(request, pk, form_name, build, act, done):
    _require_handler(request.user)
    referral = selectors.referral_open(request.user, pk)
    form = build(request, referral)
    if form.is_valid():
        try:
            act(referral, form.cleaned_data)
        except ValidationFailed as failed:
            add_problems(form, failed)
        else:
            messages.success(request, done)
            return redirect("web:referrals")
    return _page(request, referral, status=400, **{form_name: form})


@login_required
@require_POST
def referral_match_view(request: HttpRequest, pk: int) -> HttpResponse:
    def build(request, referral):
        suggestions = selectors.match_suggestions(request.user, referral)
        return MatchForm(request.POST, suggestions=suggestions, prefix="match")

    def act(referral, data):
        person = next(
            p for p in selectors.match_suggestions(request.user, referral) if p.pk == data["person"]
        )
        public.referral_match(
            actor=request.user, referral=referral, person=person, today=timezone.localdate()
        )

    return _act(request, pk, "match_form", build, act, _("The request was matched to the youth."))


@login_required
@require_POST
def referral_register_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(referral, data):
        public.referral_register(
            actor=request.user,
            referral=referral,
            today=timezone.localdate(),
            confirm_duplicate=data["confirm_duplicate"],
        )

    return _act(
        request,
        pk,
        "register_form",
        lambda request, referral: RegisterForm(request.POST, prefix="register"),
        act,
        _("The youth was registered."),
    )


@login_required
@require_POST
def referral_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    def act(referral, data):
        public.referral_close(actor=request.user, referral=referral, reason=data["reason"])

    return _act(
        request,
        pk,
        "close_form",
        lambda request, referral: CloseForm(request.POST, prefix="close"),
        act,
        _("The request was closed."),
    )
