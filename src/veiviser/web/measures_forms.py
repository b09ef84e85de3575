"""Forms of the measures pages (the "Tiltak" section of the youth page and the catalogue).
They check shape only; the rules live in `veiviser.measures.services`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veiviser.measures.models import AutumnPlace, EndReason, Kind, Measure, Organiser, Party
from veiviser.organisation.models import Unit, User
from veiviser.web.forms import DateInput


class MeasureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        where = obj.unit.name if obj.unit_id else _("county-wide")
        return f"{obj.name} ({where})"


class EnrolForm(forms.Form):
    measure = MeasureChoiceField(label=_("Measure"), queryset=Measure.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())

    def __init__(self, *args, measures, **kw):
        kw.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kw)
        self.fields["measure"].queryset = measures


class EndEnrolmentForm(forms.Form):
    ends_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    end_reason = forms.ChoiceField(label=_("Reason for ending"), choices=EndReason.choices)

    def __init__(self, *args, **kw):
        kw.setdefault("initial", {"ends_on": timezone.localdate()})
        super().__init__(*args, **kw)


class PlacementForm(forms.Form):
    employer_name = forms.CharField(label=_("Employer"), max_length=200)
    employer_orgnr = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("Nine digits, from the Brønnøysund Register Centre."),
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), required=False)
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"), min_value=0, max_value=60, decimal_places=1
    )


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    party = forms.ChoiceField(
        label=_("Followed up"), choices=Party.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kw):
        kw.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kw)


class AutumnOutcomeForm(forms.Form):
    place = forms.ChoiceField(
        label=_("Where the youth is in the autumn"),
        choices=AutumnPlace.choices,
        widget=forms.RadioSelect,
    )
    observed_on = forms.DateField(label=_("Observed on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MeasureForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    organiser = forms.ChoiceField(label=_("Run by"), choices=Organiser.choices)
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("County-wide"),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Places at the same time. Empty: no limit."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput(), required=False)
    responsible = forms.ModelChoiceField(
        label=_("Responsible"), queryset=User.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, units, staff, **kw):
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = units
        self.fields["responsible"].queryset = staff
        self.fields["responsible"].label_from_instance = lambda u: u.get_full_name() or u.username


class EndPlacementForm(forms.Form):
    ends_on = forms.DateField(label=_("Ended on"), widget=DateInput())

    def __init__(self, *args, **kw):
        kw.setdefault("initial", {"ends_on": timezone.localdate()})
        super().__init__(*args, **kw)
