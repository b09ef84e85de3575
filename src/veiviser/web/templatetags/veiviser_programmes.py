"""Template filters of the programme sections (web/programmes_views.py)."""

from django import template

from veiviser.casework.models import PartnerKind

register = template.Library()


@register.filter
def partner_kind(value: str) -> str:
    """The name of a partner service kind (casework.PartnerKind), or the value itself."""
    try:
        return PartnerKind(value).label
    except ValueError:
        return value
