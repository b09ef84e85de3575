import itertools
from datetime import date

import pytest
from django.utils import translation

from veiviser.registry import services as registry


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def register(make_person, tonsberg):
    """A registration in school year 2024/25 for a new youth with a unique name; `statuses`
    are (code, valid_from) pairs recorded in order."""
    numbers = itertools.count(1)

    def make(
        *,
        registered_on=date(2024, 8, 20),
        statuses=(),
        unit=...,
        birth_date=None,
        fnr=...,
        given=None,
        family=None,
    ):
        n = next(numbers)
        person = make_person(
            birth_date=birth_date or date(2006, 1, n),
            given=given or f"Ung{n}",
            family=family or "Prøvesen",
            fnr=fnr,
        )
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=2024,
            registered_on=registered_on,
            reason="not_applied",
            unit=tonsberg if unit is ... else unit,
        )
        for code, valid_from in statuses:
            registry.status_record(
                actor=None, registration=registration, code=code, valid_from=valid_from
            )
        return registration

    return make
