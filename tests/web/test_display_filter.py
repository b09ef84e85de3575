"""`{{ obj|display:"field" }}` (web/templatetags/veiviser_web.py) gives what Django's
`obj.get_field_display()` gives, for every field with choices of every Veiviser model, in
Norwegian and in English, for each choice, an unknown value and nothing."""

import pytest
from django.apps import apps
from django.utils import translation

from veiviser.web.templatetags.veiviser_web import display


def choice_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("veiviser."):
            continue
        for field in model._meta.concrete_fields:
            if field.choices:
                yield model, field


def test_there_are_fields_to_compare():
    assert len(list(choice_fields())) > 20


@pytest.mark.parametrize("language", ["nb", "en"])
def test_display_is_get_field_display(language):
    with translation.override(language):
        for model, field in choice_fields():
            values = [value for value, _label in field.flatchoices]
            for value in [*values, "no-such-choice", None]:
                obj = model(**{field.attname: value})
                expected = getattr(obj, f"get_{field.name}_display")()
                assert display(obj, field.name) == expected, (model.__name__, field.name, value)
