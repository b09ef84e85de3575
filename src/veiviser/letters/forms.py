"""Forms of the letters section on the youth page (shape only; the rules are in services)."""

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from veiviser.letters.models import Audience, LetterKind
from veiviser.letters.selectors import active_templates

YOUTH = "youth"


def appointment_label(appointment) -> str:
    when = formats.date_format(timezone.localtime(appointment.starts_at), "j.n.Y H:i")
    return f"{when}, {appointment.where}"


class LetterForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Letter"), coerce=int)
    recipient = forms.ChoiceField(label=_("To"))
    appointment = forms.TypedChoiceField(
        label=_("Appointment"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Only for appointment letters: the time and place come from the booked appointment."
        ),
    )

    def __init__(self, *args, guardians=(), templates=None, appointments=(), **kw):
        super().__init__(*args, **kw)
        templates = active_templates() if templates is None else templates
        self.templates = {t.pk: t for t in templates}
        self.guardians = {str(g.pk): g for g in guardians}
        self.appointments = {a.pk: a for a in appointments}
        self.fields["template"].choices = [
            (t.pk, f"{t.title} ({t.get_audience_display().lower()})")
            for t in self.templates.values()
        ]
        self.fields["recipient"].choices = [(YOUTH, _("The youth"))] + [
            (pk, _("Guardian: %(name)s") % {"name": g.name}) for pk, g in self.guardians.items()
        ]
        self.fields["appointment"].choices = [("", _("None"))] + [
            (pk, appointment_label(a)) for pk, a in self.appointments.items()
        ]
        if self.appointments:
            self.fields["appointment"].initial = next(iter(self.appointments))

    def clean(self):
        data = super().clean()
        template = self.templates.get(data.get("template"))
        if template is not None and template.kind != LetterKind.APPOINTMENT:
            # The appointment chosen (or preselected) only belongs to an appointment letter.
            data["appointment"] = None
        if template is not None and data.get("recipient"):
            wants_guardian = data["recipient"] != YOUTH
            if wants_guardian != (template.audience == Audience.GUARDIAN):
                self.add_error(
                    "recipient",
                    _("This letter is for a guardian.")
                    if template.audience == Audience.GUARDIAN
                    else _("This letter is for the youth."),
                )
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "template": self.templates[data["template"]],
            "recipient": self.guardians.get(data["recipient"]),
            "appointment": self.appointments.get(data.get("appointment")),
        }


class LetterBlockForm(forms.Form):
    blocked = forms.BooleanField(
        label=_("Do not send letters to the guardians (confidentiality)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the block"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    lift_reason = forms.CharField(
        label=_("Reason for lifting the block"),
        help_text=_("Only when you lift the block: it is kept in the block's history."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
