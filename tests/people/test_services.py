from datetime import date

import pytest

from veiviser.audit.models import AuditEvent
from veiviser.people.selectors import likely_duplicates, persons_without_number
from veiviser.problems import ValidationFailed


def test_person_create_is_audited(make_person):
    person = make_person()
    event = AuditEvent.objects.get(action="people.person.created")
    assert event.object_id == str(person.pk)
    assert event.county == "39"


def test_person_without_number_is_allowed_and_flagged(make_person, vestfold):
    person = make_person(fnr=None)
    assert person.lacks_identity_number
    assert list(persons_without_number(vestfold)) == [person]


def test_birth_date_must_agree_with_number(make_person):
    from tests.conftest import synthetic_fnr

    with pytest.raises(ValidationFailed) as excinfo:
        make_person(birth_date=date(2006, 3, 14), fnr=synthetic_fnr(date(2006, 3, 15)))
    assert excinfo.value.problems[0].field == "birth_date"


def test_same_name_and_birth_date_are_likely_duplicates(make_person, vestfold):
    with_number = make_person(given="Nora", family="Eksempel")
    without = make_person(given="nora", family="EKSEMPEL", fnr=None)
    make_person(given="Nora", family="Eksempel", birth_date=date(2007, 1, 1))
    assert likely_duplicates(vestfold) == [[with_number, without]]
