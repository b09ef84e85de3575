"""Template filters for Designsystemet markup, and the youth page's forms on demand:
`{% load veiviser_web %}`.

Django renders form widgets without Designsystemet's `ds-input` class, and a template cannot
call a method with arguments; these filters do both for web/_field.html and
web/_pagination.html. `{% youth_form %}` renders a form of the youth page (a `FormSlot`,
web/lazy_forms.py) as a disclosure that fetches the form when it is opened.
"""

from django import forms, template
from django.core.paginator import Page
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

register = template.Library()


def _with_class(attrs: dict, css_class: str) -> dict:
    classes = [c for c in str(attrs.get("class", "")).split() if c]
    if css_class not in classes:
        classes.append(css_class)
    return {**attrs, "class": " ".join(classes)}


@register.filter
def ds_input(field) -> SafeString:
    """A bound field's widget, or one option of a radio or checkbox group (a BoundWidget),
    rendered with the class `ds-input`. Django adds aria-invalid and aria-describedby
    (`<id>_helptext`, `<id>_error`) itself."""
    if isinstance(field, forms.BoundField):
        return field.as_widget(attrs=_with_class(field.field.widget.attrs, "ds-input"))
    # A BoundWidget: render its option template as BoundWidget.tag() does, with the class.
    data = {**field.data, "attrs": _with_class(field.data.get("attrs", {}), "ds-input")}
    return field.parent_widget._render(
        field.template_name, {"widget": {**data, "wrap_label": False}}, field.renderer
    )


_LABELS: dict = {}


@register.filter
def display(obj, field_name: str):
    """`{{ obj|display:"field" }}`: `obj.get_field_display()`, with the field's choices made
    into a dict once per field and language. Django's own method builds that dict again on
    every call, and translates every label of the field each time (it hashes the lazy
    labels): a youth page with many contacts spent a tenth of its time there."""
    field = obj._meta.get_field(field_name)
    key = (field, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {make_hashable(v): str(label) for v, label in field.flatchoices}
    value = getattr(obj, field.attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


@register.filter(expects_localtime=True)
def dmy(value) -> str:
    """A date, or a datetime in local time, as `date:"j.n.Y"` writes it (2.9.2024). The lists
    and the youth page show many dates, and Django's date filter goes through the localised
    formatter for each one: a tenth of the worklist's rendering time."""
    if not value:
        return ""
    return f"{value.day}.{value.month}.{value.year}"


@register.filter(expects_localtime=True)
def dmy_hm(value) -> str:
    """A datetime in local time as `date:"j.n.Y H:i"` writes it (2.9.2024 10:05)."""
    if not value:
        return ""
    return f"{value.day}.{value.month}.{value.year} {value.hour:02d}:{value.minute:02d}"


@register.filter
def elided_pages(page: Page) -> list:
    """The page numbers to link around the current page: the first and last, two on each side
    of the current one, and Paginator.ELLIPSIS for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.tag("youth_form")
def youth_form(parser, token):
    """`{% youth_form slot %}<the summary>{% endyouth_form %}`: a `<details>` disclosure for
    a form of the youth page (a `FormSlot`; nothing when the slot is None).

    Closed, it holds only a link; opening it fetches the form from `web:youth-form` with htmx
    (`toggle once`: the first opening) and puts it in place of the link. Without JavaScript the
    link opens the page again with this form in place (`?endre=<key>`). The slot is rendered in
    place and open, with its form, when the page's `open_form` names it.
    Needs `person` (the page's youth) and `open_form` in the context.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% youth_form %} takes one argument, a FormSlot")
    nodelist = parser.parse(("endyouth_form",))
    parser.delete_first_token()
    return YouthFormNode(parser.compile_filter(bits[1]), nodelist)


class YouthFormNode(template.Node):
    def __init__(self, slot, nodelist):
        self.slot = slot
        self.nodelist = nodelist

    def render(self, context) -> SafeString:
        slot = self.slot.resolve(context)
        if not slot:
            return ""
        summary = self.nodelist.render(context)
        if slot.opened_by(context.get("open_form", "")):
            fragment = context.template.engine.get_template(slot.template)
            with context.push(form=slot.form, **slot.context):
                body = fragment.render(context)
            return format_html(
                '<details class="ds-details" id="{}" open><summary>{}</summary>'
                '<div class="app-lazy-form">{}</div></details>',
                slot.key,
                summary,
                body,
            )
        person = context["person"].pk
        return format_html(
            '<details class="ds-details" id="{key}" hx-get="{fragment}" hx-trigger="toggle once"'
            ' hx-target="find .app-lazy-form"><summary>{summary}</summary>'
            '<div class="app-lazy-form"><a class="ds-link" href="{page}?endre={key}#{key}">'
            "{label}</a></div></details>",
            key=slot.key,
            fragment=reverse("web:youth-form", args=[person, slot.key]),
            summary=summary,
            page=reverse("web:youth", args=[person]),
            label=gettext("Open the form"),
        )
