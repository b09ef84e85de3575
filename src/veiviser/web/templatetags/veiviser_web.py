"""Template filters for Designsystemet markup: `{% load veiviser_web %}`.

Django renders form widgets without Designsystemet's `ds-input` class, and a template cannot
call a method with arguments; these filters do both for web/_field.html and
web/_pagination.html.
"""

from django import forms, template
from django.core.paginator import Page
from django.utils.safestring import SafeString

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


@register.filter
def elided_pages(page: Page) -> list:
    """The page numbers to link around the current page: the first and last, two on each side
    of the current one, and Paginator.ELLIPSIS for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
