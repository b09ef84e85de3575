"""The public contact form: shape only; the rules are `services.check_request`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veiviser.organisation.models import Municipality
from veiviser.public.models import NEED_MAX_LENGTH, Asker, ReachBy
from veiviser.web.forms import DateInput

HONEYPOT = "website"


class ContactForm(forms.Form):
    given_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=DateInput(attrs={"autocomplete": "bday"})
    )
    fnr = forms.CharField(
        label=_("National identity number (optional)"),
        required=False,
        max_length=13,
        help_text=_(
            "11 digits. You do not have to give it, but it helps us find the right person."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    municipality = forms.ChoiceField(label=_("Municipality where the youth lives"))
    reach_by = forms.ChoiceField(
        label=_("How should we reach you?"),
        choices=ReachBy.choices,
        widget=forms.RadioSelect,
        initial=ReachBy.PHONE,
    )
    reach_at = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    need = forms.CharField(
        label=_("What do you need help with? (optional)"),
        required=False,
        max_length=NEED_MAX_LENGTH,
        help_text=_(
            "A few words are enough. Do not write about health or other sensitive matters here; "
            "we will talk about that when we meet. At most %(max)d characters."
        )
        % {"max": NEED_MAX_LENGTH},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    asker = forms.ChoiceField(
        label=_("Who is asking?"),
        choices=Asker.choices,
        widget=forms.RadioSelect,
        initial=Asker.SELF,
    )
    consent_confirmed = forms.BooleanField(
        label=_("The youth knows about this request and agrees that OT contacts them"),
        required=False,
        help_text=_("Needed when you ask on behalf of someone else."),
    )
    # The honeypot: hidden from people (and from screen readers, display: none); a bot that
    # fills every field gives itself away.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, county, **kw):
        super().__init__(*args, **kw)
        municipalities = Municipality.objects.filter(county=county, unit__isnull=False).order_by(
            "name", "number"
        )
        self.fields["municipality"].choices = [("", _("Choose a municipality"))] + [
            (m.number, m.name or m.number) for m in municipalities
        ]

    def clean_fnr(self):
        return self.cleaned_data["fnr"].replace(" ", "").replace("-", "")

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return value
