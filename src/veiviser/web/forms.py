"""Forms of the staff web app. They check shape only; the rules live in the services, whose
problems are put back on the fields (`add_problems`)."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veiviser.casework.models import AppointmentMode, Channel, Outcome, PartnerKind
from veiviser.codes.selectors import kodeverk
from veiviser.organisation.models import Municipality, Role, Unit, User
from veiviser.people.models import ContactChannel
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Source


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%d", **kw)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%dT%H:%M", **kw)


def add_problems(form: forms.Form, failed: ValidationFailed, fields: dict[str, str] | None = None):
    """Show a service's problems on the form's fields (or on the form when no field fits)."""
    fields = fields or {}
    for problem in failed.problems:
        name = fields.get(problem.field, problem.field)
        form.add_error(name if name in form.fields else None, problem.reason)


def reason_choices():
    return list(kodeverk().reason_group_names)


class WorklistFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or national identity number"), required=False)
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    group = forms.TypedChoiceField(label=_("Status main group"), coerce=int, required=False)
    reason = forms.ChoiceField(label=_("Reason group"), required=False)
    min_age = forms.IntegerField(label=_("Age from"), min_value=10, max_value=40, required=False)
    max_age = forms.IntegerField(label=_("Age to"), min_value=10, max_value=40, required=False)
    no_contact_days = forms.IntegerField(
        label=_("No contact for at least (days)"), min_value=0, max_value=3650, required=False
    )
    new_days = forms.IntegerField(
        label=_("Registered in the last (days)"), min_value=0, max_value=3650, required=False
    )

    def __init__(self, *args, user, years, groups, **kw):
        super().__init__(*args, **kw)
        self.fields["school_year"].choices = [(y, f"{y}/{(y + 1) % 100:02d}") for y in years]
        self.fields["unit"].queryset = Unit.objects.filter(county_id=user.county_id)
        self.fields["group"].choices = [("", _("All"))] + [
            (number, f"{number} {name}") for number, name in groups
        ]
        self.fields["reason"].choices = [("", _("All")), *reason_choices()]


class ContactForm(forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was said and agreed. No health or child-welfare details here."),
    )

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class StatusForm(forms.Form):
    code = forms.ChoiceField(label=_("Status code"))
    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=DateInput(),
        help_text=_(
            "The date the status became true for the youth. To correct a status, give the "
            "same date as the status you are correcting."
        ),
    )

    def __init__(self, *args, school_year: int, **kw):
        super().__init__(*args, **kw)
        self.fields["code"].choices = [
            (code, f"{code} – {name} ({group})")
            for code, name, group in kodeverk().status_codes_in(school_year)
        ]
        self.fields["valid_from"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason group"))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["reason"].choices = reason_choices()
        self.fields["valid_from"].initial = timezone.localdate()


def advisors_of(county_id: int, unit_id: int | None = None):
    qs = (
        User.objects.filter(
            county_id=county_id,
            is_active=True,
            role__in=[Role.ADVISOR, Role.UNIT_COORDINATOR, Role.PROJECT_WORKER],
            api_client__isnull=True,  # an API client's service user is nobody's advisor
        )
        .select_related("unit")
        .order_by("first_name", "last_name")
    )
    return qs.filter(unit_id=unit_id) if unit_id else qs


def advisor_label(user) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.unit})" if user.unit_id else name


class AdvisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return advisor_label(obj)


DURATIONS = [
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1½ hours")),
    (120, _("2 hours")),
]


class AppointmentForm(forms.Form):
    """Booking or moving an appointment (casework.services.appointment_book / _move)."""

    starts_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    duration_minutes = forms.TypedChoiceField(
        label=_("Length"), coerce=int, choices=DURATIONS, initial=45
    )
    mode = forms.ChoiceField(
        label=_("How"),
        choices=AppointmentMode.choices,
        initial=AppointmentMode.MEETING,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("Where to meet; for a phone or video call, e.g. who calls whom."),
    )
    advisor = forms.ChoiceField(label=_("With"), required=False)
    note = forms.CharField(
        label=_("Note for the youth"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The youth sees this on Min side: nothing confidential here."),
    )

    def __init__(
        self, *args, county_id: int, advisors=None, minutes: int | None = None, moving=False, **kw
    ):
        """`advisors`: the county's staff who follow up youths (`advisors_of`), loaded once by
        the caller for every form of the page; loaded here when not given. No choice of
        "with" means the youth's advisor when booking, and no change when `moving`."""
        super().__init__(*args, **kw)
        advisors = list(advisors_of(county_id)) if advisors is None else advisors
        self.advisors = {str(user.pk): user for user in advisors}
        empty = _("Unchanged") if moving else _("The youth's advisor")
        self.fields["advisor"].choices = [("", empty)] + [
            (pk, advisor_label(user)) for pk, user in self.advisors.items()
        ]
        if minutes and minutes not in dict(DURATIONS):
            # An appointment booked elsewhere (the API) with a length of its own keeps it.
            self.fields["duration_minutes"].choices = sorted(
                [*DURATIONS, (minutes, _("%(n)d minutes") % {"n": minutes})]
            )

    def clean_advisor(self):
        return self.advisors.get(self.cleaned_data["advisor"])


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the appointment; the youth sees only that it is cancelled."),
    )


class AppointmentHeldForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Did the youth come?"),
        choices=[
            (Outcome.REACHED, _("Yes: contact established")),
            (Outcome.NO_ANSWER, _("No, the youth did not come")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was said and agreed. No health or child-welfare details here."),
    )


class AssignForm(forms.Form):
    advisor = AdvisorChoiceField(
        label=_("Advisor"), queryset=User.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args, county_id: int, unit_id: int | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["advisor"].queryset = advisors_of(county_id, unit_id)


class MoveUnitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("New unit"), queryset=Unit.objects.none())

    def __init__(self, *args, county_id: int, current_unit_id: int | None = None, **kw):
        super().__init__(*args, **kw)
        today = timezone.localdate()
        self.fields["unit"].queryset = (
            Unit.objects.filter(county_id=county_id)
            .exclude(pk=current_unit_id)
            .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today))
            .order_by("name")
        )


class BulkAssignForm(AssignForm):
    registrations = forms.TypedMultipleChoiceField(
        label=_("Youths"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices, **kw):
        super().__init__(*args, **kw)
        self.fields["registrations"].choices = choices
        self.fields["advisor"].required = True


class RegisterForm(forms.Form):
    fnr = forms.CharField(
        label=_("National identity number"),
        required=False,
        max_length=13,
        help_text=_("Fødselsnummer or D-number, 11 digits. Leave empty if the youth has none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    municipality = forms.ChoiceField(label=_("Home municipality"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    reason = forms.ChoiceField(label=_("Reason group"))
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput())
    confirm_duplicate = forms.BooleanField(
        label=_("This is a different youth: register anyway"), required=False
    )

    def __init__(self, *args, county_id: int, **kw):
        super().__init__(*args, **kw)
        municipalities = Municipality.objects.filter(county_id=county_id).select_related("unit")
        self.fields["municipality"].choices = [("", "")] + [
            (m.number, f"{m.number} {m.name}".strip()) for m in municipalities
        ]
        self.fields["reason"].choices = reason_choices()
        self.fields["registered_on"].initial = timezone.localdate()

    def clean_fnr(self):
        return self.cleaned_data["fnr"].replace(" ", "").replace("-", "")


class WorkingListForm(forms.Form):
    name = forms.CharField(label=_("Name of the working list"), max_length=100)
    shared = forms.BooleanField(label=_("Share with my unit"), required=False)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))
    confidential = forms.BooleanField(
        label=_("Confidential (health, drug use, child welfare …)"),
        required=False,
        help_text=_("Only the youth's advisor and the unit coordinator can read it."),
    )

    def __init__(self, *args, confidential_allowed: bool, **kw):
        super().__init__(*args, **kw)
        if not confidential_allowed:
            del self.fields["confidential"]


class PartnerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Service"), choices=PartnerKind.choices)
    name = forms.CharField(label=_("Contact person or office"), max_length=200, required=False)
    since = forms.DateField(label=_("Involved since"), widget=DateInput())

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["since"].initial = timezone.localdate()


class ConsentForm(forms.Form):
    partner_kind = forms.ChoiceField(label=_("Share information with"), choices=PartnerKind.choices)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    written = forms.BooleanField(label=_("Written consent"), required=False, initial=True)
    signed_by_guardian = forms.BooleanField(
        label=_("Signed by a guardian"),
        required=False,
        help_text=_("Required when the youth is under 18."),
    )

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["given_on"].initial = timezone.localdate()


class PlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}))
    steps = forms.CharField(
        label=_("Agreed steps"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    agreed_on = forms.DateField(label=_("Agreed with the youth on"), widget=DateInput())
    review_on = forms.DateField(label=_("Review on"), widget=DateInput(), required=False)


class PersonContactForm(forms.Form):
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred contact channel"),
        choices=[("", "–"), *ContactChannel.choices],
        required=False,
    )


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(label=_("Relation"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class AccessReasonForm(forms.Form):
    """Why the user opens a youth outside their caseload ("break the glass")."""

    reason = forms.CharField(
        label=_("Reason for opening"),
        help_text=_(
            "Say why you need this youth's records, e.g. a call from the youth or covering for "
            "a colleague. The reason is kept in the audit trail."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AuditFilterForm(forms.Form):
    """The audit viewer's filters; every field is optional."""

    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("The start of the action's name, e.g. people.person.viewed or registry."),
    )
    date_from = forms.DateField(label=_("From date"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To date"), required=False, widget=DateInput())
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=100,
        help_text=_("E.g. people.person or registry.registration."),
    )
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
