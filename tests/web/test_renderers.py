"""The form renderer (web/renderers.py) writes `<input>` and `<select>` in Python: it must give
Django's HTML character for character, whatever the values, attributes and choices."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from veiviser.web.renderers import WidgetRenderer
from veiviser.web.templatetags.veiviser_web import ds_input

DJANGO, OURS = DjangoTemplates(), WidgetRenderer()

VALUES = [
    None,
    "",
    "Ola Nordmann",
    "a<b>&\"'c",
    mark_safe("<b>trygg</b>"),
    0,
    12,
    Decimal("12.50"),
    1234567.5,
    date(2024, 9, 2),
    datetime(2024, 9, 2, 10, 5, tzinfo=UTC),
    time(8, 30),
    gettext_lazy("Unit"),
    True,
]
ATTRS = [
    None,
    {"class": "ds-input", "required": True, "disabled": False},
    {"aria-describedby": "id_x_helptext id_x_error", "aria-invalid": "true", "maxlength": 30},
    {"data-x": 'say "hi" & <bye>', "step": "any", "min": 0, "autofocus": True},
]
INPUTS = [
    forms.TextInput(),
    forms.NumberInput(),
    forms.EmailInput(),
    forms.URLInput(),
    forms.ColorInput(),
    forms.SearchInput(),
    forms.TelInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(),
    forms.DateInput(format="%Y-%m-%d"),
    forms.DateTimeInput(format="%Y-%m-%dT%H:%M"),
    forms.TimeInput(),
    forms.CheckboxInput(),
]
CHOICES = [
    [],
    [("", "–"), ("OTUK", "OTUK – Ukjent aktivitet (1)"), ("a&b", 'a <"b">')],
    [(2024, "2024/25"), (2023, "2023/24"), (0, 0), (1, Decimal("1.5"))],
    [("", gettext_lazy("All")), ("nav", gettext_lazy("Unit"))],
    [("Gruppe <1>", [("x", "X"), ("y", "Y")]), ("z", "Z"), ("Gruppe 2", [(3, "tre")])],
]
SELECTS = [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect]


@pytest.fixture(autouse=True)
def norwegian():
    with translation.override("nb"):
        yield


def both(widget, value, attrs):
    return (
        widget.render("field", value, attrs=attrs, renderer=DJANGO),
        widget.render("field", value, attrs=attrs, renderer=OURS),
    )


@pytest.mark.parametrize("widget", INPUTS, ids=lambda w: type(w).__name__)
def test_inputs_are_djangos_html(widget):
    for value in VALUES:
        for attrs in ATTRS:
            django, ours = both(widget, value, attrs)
            assert ours == django, (value, attrs)


@pytest.mark.parametrize("kind", SELECTS, ids=lambda k: k.__name__)
def test_selects_are_djangos_html(kind):
    if kind is forms.NullBooleanSelect:
        widgets = [kind()]
        values = [None, True, False, "true", "2", "unknown"]
    else:
        widgets = [kind(choices=choices) for choices in CHOICES]
        values = [None, "", "OTUK", "a&b", 2024, "2024", ["x", 3], "unknown", True]
    for widget in widgets:
        for value in values:
            for attrs in ATTRS:
                django, ours = both(widget, value, attrs)
                assert ours == django, (widget.choices, value, attrs)


def test_a_select_with_its_own_option_template_goes_through_djangos_templates():
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Marked(choices=[("a", "A")])
    django, ours = both(widget, "a", None)
    assert ours == django


def test_a_whole_form_as_the_pages_render_it():
    """Bound and unbound, with errors: the fields as web/_field.html renders them."""

    class Form(forms.Form):
        q = forms.CharField(label="Søk", required=False, help_text="Navn eller nummer")
        year = forms.TypedChoiceField(choices=[(2024, "2024/25")], coerce=int)
        age = forms.IntegerField(min_value=10, max_value=40, required=False)
        on = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d"))
        ok = forms.BooleanField(required=False)

    for data in (None, {"q": "<x>", "year": "1999", "age": "9", "on": "x", "ok": "on"}):
        html = {}
        for name, renderer in (("django", DJANGO), ("ours", OURS)):
            form = Form(data, renderer=renderer)
            form.is_valid() if data else None
            html[name] = [str(ds_input(form[field])) for field in form.fields]
        assert html["ours"] == html["django"]
