"""The demo's appointments (casework.demo): the Min side test youth gets a next appointment, a
coming one and a cancelled one; others some; the same seed gives the same youths."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from veiviser.casework import demo, selectors
from veiviser.casework.models import Appointment
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def youths(make_person, tonsberg, advisor):
    registrations = []
    for n in range(60):
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=date(2004, 1, 1) + timedelta(days=n), given=f"Ungdom{n}"),
            school_year=2024,
            registered_on=date(2024, 9, 1),
            reason="other",
            unit=tonsberg,
        )
        registry.registration_assign(actor=None, registration=registration, advisor=advisor)
        registrations.append(registration)
    return registrations


def test_the_test_youth_gets_a_next_a_coming_and_a_cancelled_appointment(youths, vestfold, advisor):
    test_youth = youths[7]
    booked = demo.add_appointments(vestfold, 3, school_year=2024, minside_fnr=test_youth.person.fnr)
    mine = list(Appointment.objects.filter(registration=test_youth).order_by("starts_at"))
    assert len(mine) == 3
    assert [a.cancelled_at is not None for a in mine] == [False, True, False]
    assert all(a.starts_at > timezone.now() and a.advisor == advisor for a in mine)
    assert all(timezone.localtime(a.starts_at).weekday() < 5 for a in mine)
    upcoming = selectors.youth_appointments(test_youth.person, now=timezone.now())
    assert selectors.next_appointment(upcoming, now=timezone.now()) == mine[0]
    assert booked == Appointment.objects.count() >= 3


def test_the_same_seed_books_for_the_same_youths(youths, vestfold):
    demo.add_appointments(vestfold, 11, school_year=2024)
    first = sorted(Appointment.objects.values_list("registration_id", "mode"))
    Appointment.objects.all().delete()
    demo.add_appointments(vestfold, 11, school_year=2024)
    assert sorted(Appointment.objects.values_list("registration_id", "mode")) == first
