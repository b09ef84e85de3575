"""The youth page's action forms, made and rendered only when the user opens one.

The youth page offers up to twenty forms for each registration (record a contact, change the
status, reassign, enrol in a measure, ...). Most visits only read the page, and making and
rendering every form's widgets was most of the page's CPU time (docs/performance.md, "The
youth page's forms on demand"). Each form is therefore a `FormSlot` in the page's context: the
page shows a closed `<details>` with the form's summary (`{% youth_form slot %}`, in
`templatetags/veiviser_web.py`), and opening it fetches the form from `web:youth-form` with
htmx. That view builds the same context as the page, so it offers exactly the forms the page
would, after the same checks of the access policy.

A slot is rendered in place and open, with no request of its own, when the page is asked for
it: `?endre=<the form's prefix or the slot's key>` (a fix link of the data-quality check, and
the link a browser without JavaScript follows from the closed form) or a form sent back with
its errors.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(eq=False)
class FormSlot:
    """One form of the youth page, made on first use of `form`.

    - `key`: unique on the page, the `<details>` element's id and the last part of the
      fragment's URL (`contact-17`: the contact form of registration 17);
    - `prefix`: the form's prefix (its fields' names), which `?endre=` may give as well;
    - `template`: the fragment, the `<form>` element, rendered with `form`, `person` and
      `context`;
    - `make`: makes the unbound form (a `functools.partial`, not a closure over a loop
      variable).
    """

    key: str
    prefix: str
    template: str
    make: Callable[[], Any] = field(repr=False)
    context: dict = field(default_factory=dict, repr=False)

    @cached_property
    def form(self):
        """The form, made once. A view that shows a bound form with errors assigns it here."""
        return self.make()

    def opened_by(self, open_form: str) -> bool:
        return bool(open_form) and open_form in (self.key, self.prefix)


def form_slot(kind: str, pk: int, prefix: str, make: Callable[[], Any], **context) -> FormSlot:
    """The youth page's form `kind` for the object `pk`: key `<kind>-<pk>`, rendered by the
    template web/youth_forms/<kind>.html (with `_` for `-`)."""
    template = f"web/youth_forms/{kind.replace('-', '_')}.html"
    return FormSlot(f"{kind}-{pk}", prefix, template, make, context)


def slots_in(value) -> Iterator[FormSlot]:
    """Every slot in a context: in its dicts and lists, at any depth (model objects and
    querysets are not searched)."""
    if isinstance(value, FormSlot):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from slots_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from slots_in(item)


def slot_of(context: dict, key: str) -> FormSlot | None:
    return next((slot for slot in slots_in(context) if slot.key == key), None)


def show_with_errors(context: dict, key: str, form) -> None:
    """Put the bound `form` (with its errors) in the slot `key` and open that slot."""
    slot = slot_of(context, key)
    if slot is not None:
        slot.form = form
    context["open_form"] = key
