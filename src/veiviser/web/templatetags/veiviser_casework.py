"""Template filters for the casework pages."""

from django import template

from veiviser.codes.selectors import school_year_label

register = template.Library()


@register.filter
def school_year(value: int) -> str:
    """2023 → "2023/24"."""
    return school_year_label(int(value))


@register.filter
def lookup(key, mapping: dict):
    """`{{ key|lookup:names }}`: the value for `key` in a dict, or the key itself."""
    return mapping.get(key, key)
