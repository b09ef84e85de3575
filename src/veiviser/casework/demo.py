"""Demo appointments: upcoming appointments for some youths of the demo county's latest school
year, and for the youth prepared for Min side's test login, so that the youth page, the
worklist and Min side show them (docs/casework.md, docs/public.md).

Appointments are booked for the weeks after the demo is built (an appointment is always for a
time to come), on weekdays in working hours; who gets one and when is drawn from the demo's
seed. Booked by the youth's advisor through `casework.services`, as in the web app.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from veiviser.casework import services
from veiviser.casework.models import AppointmentMode
from veiviser.organisation.models import County
from veiviser.registry.models import Registration

OSLO = ZoneInfo("Europe/Oslo")
SHARE = 0.05  # about one in twenty youths with an advisor has an appointment booked
MOST = 120
HOURS = (9, 10, 11, 13, 14)


def _weekday(day):
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(days: int, hour: int) -> datetime:
    day = _weekday(timezone.localdate() + timedelta(days=days))
    return datetime.combine(day, time(hour, 0), tzinfo=OSLO)


def _book(registration: Registration, when: datetime, mode: str, note: str = ""):
    unit = registration.unit
    place = {
        AppointmentMode.MEETING: f"Oppfølgingstjenesten {unit.name}" if unit else "Kontoret",
        AppointmentMode.PHONE: "Rådgiveren ringer deg",
        AppointmentMode.VIDEO: "Lenken kommer på SMS samme dag",
    }[mode]
    return services.appointment_book(
        actor=registration.advisor,
        registration=registration,
        starts_at=when,
        duration_minutes=45,
        mode=mode,
        place=place,
        note=note,
    )


def add_appointments(county: County, seed: int, *, school_year: int, minside_fnr: str = "") -> int:
    """Book appointments in the next three weeks for about one in twenty youths of
    `school_year` who have an advisor (at most MOST), and for the Min side test youth (the
    youth with `minside_fnr`) the next one in two days, another in nine days by phone, and one
    cancelled in between. Returns how many were booked."""
    rng = random.Random(f"appointments-{seed}")
    registrations = (
        Registration.objects.filter(county=county, school_year=school_year, advisor__isnull=False)
        .select_related("unit", "advisor", "person")
        .order_by("pk")
    )
    booked = 0
    test_youth = None
    for registration in registrations:
        if minside_fnr and registration.person.fnr == minside_fnr:
            test_youth = registration
            continue
        if booked >= MOST or rng.random() >= SHARE:
            continue
        mode = rng.choice([AppointmentMode.MEETING] * 3 + [AppointmentMode.PHONE])
        _book(registration, _at(rng.randrange(1, 22), rng.choice(HOURS)), mode)
        booked += 1
    if test_youth is not None:
        _book(
            test_youth,
            _at(2, 10),
            AppointmentMode.MEETING,
            note="Vi snakker om skoleplass og læreplass. Ta gjerne med vitnemålet.",
        )
        cancelled = _book(test_youth, _at(5, 13), AppointmentMode.VIDEO)
        services.appointment_cancel(
            actor=test_youth.advisor, appointment=cancelled, reason="Rådgiveren er på kurs."
        )
        _book(test_youth, _at(9, 14), AppointmentMode.PHONE)
        booked += 3
    return booked
