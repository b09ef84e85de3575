"""The small interface the check needs from the measures app (built in parallel, issue on
measures): which registrations have a measure or placement recorded at a date.

The contract: `veiviser.measures.selectors.registrations_with_measure(county_id=…, on=…)`
returns the ids of the county's registrations with a measure or placement in force on `on`
(an iterable of ints or a values_list queryset). Until that app is installed and has the
function, this returns None and the rule "group 3 code without a measure" flags nothing
(docs/quality.md).
"""

from datetime import date
from importlib import import_module

from django.apps import apps


def registrations_with_measure(*, county_id: int, on: date):
    """Ids of registrations with a measure in force on `on`, or None when no app answers."""
    if not apps.is_installed("veiviser.measures"):
        return None
    try:
        selectors = import_module("veiviser.measures.selectors")
    except ImportError:
        return None
    function = getattr(selectors, "registrations_with_measure", None)
    if function is None:
        return None
    return function(county_id=county_id, on=on)
