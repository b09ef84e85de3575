"""The form renderer (settings.FORM_RENDERER): Django's, with the commonest widgets written out
in Python.

Django renders every widget through templates: an `<input>` through two (input.html and
attrs.html), a `<select>` through one more for every option. On the worklist the filter form's
nine fields took about a third of the page's rendering time (docs/performance.md). This
renderer gives the same HTML, character for character, for the `<input>` widgets and for
`<select>` with Django's own option template; every other widget goes through Django's
templates as before. `tests/web/test_renderers.py` compares the two for each widget.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString

WIDGETS = "django/forms/widgets/"
# The widgets whose template is only `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "color",
        "search",
        "tel",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
    )
)
SELECT = f"{WIDGETS}select.html"
OPTION = f"{WIDGETS}select_option.html"

_CONTEXT = Context()  # autoescape on, localisation and time zone as the settings say


def _variable(value) -> str:
    """`{{ value }}` in a widget template."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_variable(name)}" if value is True else f' {_variable(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_variable(widget["type"])}" name="{_variable(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_variable(option['label'])}</option>"
    )


def _select(widget: dict) -> str:
    parts = [f'<select name="{_variable(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_variable(group_name)}">')
        # select_option.html ends with a newline, which its include keeps.
        parts.extend(f"\n  {_option(option)}\n" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer (which always uses Django's own widget templates: its
    template directory comes before the apps'), with `<input>` and `<select>` written out in
    Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget is not None and template_name in INPUTS:
            return SafeString(_input(widget))
        if widget is not None and template_name == SELECT and _plain_options(widget):
            return SafeString(_select(widget))
        return super().render(template_name, context, request)


def _plain_options(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION
        for _name, options, _index in widget["optgroups"]
        for option in options
    )
