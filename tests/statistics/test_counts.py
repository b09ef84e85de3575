"""The set-based counts of the annual report agree with a straightforward reading, registration
by registration (and, for "at some point", day by day) with `registry.selectors.registration_state`,
on random histories over three school years with units, municipalities, corrections, facts
valid before the registration date and late recordings."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import synthetic_fnr
from tests.exchange.files import HEADER, lines
from veiviser.codes.selectors import kodeverk, school_year_bounds
from veiviser.exchange.importer import import_lines
from veiviser.registry.models import Registration
from veiviser.registry.selectors import registration_state
from veiviser.statistics import counts
from veiviser.statistics.tables import tables_at

pytestmark = pytest.mark.django_db

CODES = [
    "OTUK",
    "OTOV",
    "OTOV",
    "OTOA",
    "OTKO",
    "OTAP",
    "OTAR",
    "OTEV",
    "OTLL",
    "OTVF",
    "OTNO",
    "OTSY",
    "ELVG_IM",
    "OTAR_IM",
    "OTEV_IM",
    "OTLL_IM",
    "OTVF_IM",
    "Feil",
]
REASONS = ["not_applied", "declined", "dropped_out", "other"]
UNITS = {"u-a": ["3901", "3903"], "u-b": ["3905"]}


def _instant(day: date, rng: random.Random, hours: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=rng.randint(0, hours))


def three_years(seed: int, school_year: int, persons: int = 70) -> list[dict]:
    """Persons registered in some of the school years Y-2, Y-1 and Y."""
    rng = random.Random(seed)
    records = [dict(HEADER)]
    for key, municipalities in UNITS.items():
        records.append(
            {"type": "unit", "id": key, "name": key.upper(), "municipalities": municipalities}
        )
    all_municipalities = [m for ms in UNITS.values() for m in ms]
    for n in range(persons):
        birth = date(rng.randint(school_year - 25, school_year - 13), rng.randint(1, 12), 1)
        person = {
            "type": "person",
            "id": f"p-{n}",
            "fnr": synthetic_fnr(birth, rng.randint(0, 400) + (500 if birth.year >= 2000 else 0)),
            "birth_date": birth.isoformat(),
            "given_name": "Test",
            "family_name": f"Person{n}",
        }
        if rng.random() < 0.8:
            person["municipality"] = rng.choice(all_municipalities)
        records.append(person)
        years = [y for y, p in ((school_year - 2, 0.3), (school_year - 1, 0.6)) if rng.random() < p]
        if rng.random() < 0.7 or not years:
            years.append(school_year)
        for year in years:
            start, end = school_year_bounds(year)
            # Carried-over youths are registered on 1 August; others during the year.
            registered = start if rng.random() < 0.3 else start + timedelta(rng.randint(0, 360))
            registration = {
                "type": "registration",
                "id": f"r-{n}-{year}",
                "person": f"p-{n}",
                "school_year": year,
                "registered_on": registered.isoformat(),
                "reason": rng.choice(REASONS),
                "recorded_at": _instant(registered, rng, 24 * 40).isoformat(),
            }
            if rng.random() < 0.85:
                registration["unit"] = rng.choice(sorted(UNITS))
            records.append(registration)
            moments: set[tuple[date, datetime]] = set()
            for m in range(rng.randint(0, 6)):
                valid = start + timedelta(days=rng.randint(0, (end - start).days))
                if moments and rng.random() < 0.3:  # a correction: same valid_from
                    valid = rng.choice(sorted(moments))[0]
                at = _instant(valid, rng, 24 * 60)
                if (valid, at) in moments:
                    continue
                moments.add((valid, at))
                code = rng.choice(CODES)
                if year < 2016 and code.startswith("OTVF"):
                    code = "OTEV"
                records.append(
                    {
                        "type": "status",
                        "id": f"s-{n}-{year}-{m}",
                        "registration": f"r-{n}-{year}",
                        "code": code,
                        "valid_from": valid.isoformat(),
                        "recorded_at": at.isoformat(),
                    }
                )
    return records


def registrations(school_year: int):
    return (
        Registration.objects.filter(school_year=school_year)
        .prefetch_related("reason_facts", "status_facts")
        .select_related("person", "unit")
    )


def known(registration, known_at) -> bool:
    return known_at is None or registration.recorded_at <= known_at


@pytest.fixture(params=[(11, 2023), (12, 2024), (13, 2017)], ids=lambda p: f"seed{p[0]}-{p[1]}")
def world(request):
    seed, school_year = request.param
    import_lines(lines(three_years(seed, school_year)), county="39", actor=None)
    rng = random.Random(seed)
    instants = [None] + [
        datetime(school_year - 1, 8, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 760))
        for _ in range(2)
    ]
    return school_year, instants


def test_age_distribution_counts_the_target_group_at_15_june_by_age(world):
    school_year, instants = world
    kv = kodeverk()
    on = counts.last_counting_date(kv, school_year)
    assert (on.month, on.day) == (6, 15)
    for known_at in instants:
        expected = Counter()
        for r in registrations(school_year):
            state = registration_state(kv, r, on, known_at)
            if state.in_target_group:
                expected[str(state.age)] += 1
        got = counts.age_distribution(kv, county="39", school_year=school_year, known_at=known_at)
        assert got["ages"] == dict(expected)
        assert list(got["ages"]) == sorted(got["ages"], key=int)
        table2 = tables_at(kv, county="39", school_year=school_year, on=on, known_at=known_at)
        assert got["total"] == table2.table2["target_group"]


def test_during_year_counts_who_had_otov_and_own_measures_on_some_day(world):
    school_year, instants = world
    kv = kodeverk()
    _start, end = school_year_bounds(school_year)
    for known_at in instants:
        guidance, own = Counter(), Counter()
        for r in registrations(school_year):
            if not known(r, known_at):
                continue
            seen = set()
            day = r.registered_on
            while day <= end:  # day by day: the plain meaning of "at some point"
                seen.add(registration_state(kv, r, day, known_at).status)
                day += timedelta(days=1)
            unit = r.unit.key if r.unit else ""
            if "OTOV" in seen:
                guidance[unit] += 1
                if seen & {"OTOA", "OTKO"}:
                    own[unit] += 1
        got = counts.during_year(kv, county="39", school_year=school_year, known_at=known_at)
        assert {k: v["guidance"] for k, v in got["by_unit"].items()} == dict(guidance)
        assert {k: v["own_measures"] for k, v in got["by_unit"].items() if v["own_measures"]} == (
            dict(own)
        )
        assert got["total"] == {
            "guidance": sum(guidance.values()),
            "own_measures": sum(own.values()),
        }


def test_via_compares_each_via_code_with_its_im_twin_at_15_june(world):
    school_year, instants = world
    kv = kodeverk()
    on = counts.last_counting_date(kv, school_year)
    for known_at in instants:
        status = Counter(
            registration_state(kv, r, on, known_at).status
            for r in registrations(school_year)
            if registration_state(kv, r, on, known_at).exists
        )
        got = counts.via(kv, county="39", school_year=school_year, known_at=known_at)
        expected_codes = ["OTAR", "OTEV", "OTLL"] + (["OTVF"] if school_year >= 2016 else [])
        assert sorted(got["codes"]) == sorted(expected_codes)
        for code, row in got["codes"].items():
            assert row["twin"] == f"{code}_IM"
            assert row["via"] == status[code]
            assert row["without_ot"] == status[f"{code}_IM"]
        assert got["total"]["via"] == sum(status[c] for c in expected_codes)


def test_year_end_gives_the_target_group_by_main_group_and_code_and_the_share(world):
    school_year, instants = world
    kv = kodeverk()
    on = counts.last_counting_date(kv, school_year)
    for known_at in instants:
        by_code, by_group = Counter(), Counter()
        for r in registrations(school_year):
            state = registration_state(kv, r, on, known_at)
            if state.in_target_group:
                by_code[state.status] += 1
                by_group[str(state.main_group)] += 1
        got = counts.year_end(kv, county="39", school_year=school_year, known_at=known_at)
        assert {k: v for k, v in got["by_code"].items() if v} == dict(by_code)
        assert got["by_main_group"] == {g: by_group[g] for g in ("1", "2", "3", "4")}
        target = sum(by_group.values())
        assert got["target_group"] == target
        table2 = tables_at(kv, county="39", school_year=school_year, on=on, known_at=known_at)
        assert target == table2.table2["target_group"]
        assert got["share_in_activity"] == (round(by_group["3"] / target, 3) if target else None)


def test_by_unit_counts_registrations_per_unit_and_home_municipality(world):
    school_year, instants = world
    kv = kodeverk()
    on = counts.last_counting_date(kv, school_year)
    for known_at in instants:
        units, municipalities = Counter(), Counter()
        target_units, target_municipalities = Counter(), Counter()
        for r in registrations(school_year):
            state = registration_state(kv, r, on, known_at)
            if not state.exists:
                continue
            unit = r.unit.key if r.unit else ""
            units[unit] += 1
            municipalities[r.person.municipality] += 1
            if state.in_target_group:
                target_units[unit] += 1
                target_municipalities[r.person.municipality] += 1
        got = counts.by_unit(kv, county="39", school_year=school_year, known_at=known_at)
        assert {k: v["registered"] for k, v in got["by_unit"].items()} == dict(units)
        assert {k: v["target_group"] for k, v in got["by_unit"].items() if v["target_group"]} == (
            dict(target_units)
        )
        assert {k: v["registered"] for k, v in got["by_municipality"].items()} == dict(
            municipalities
        )
        assert {
            k: v["target_group"] for k, v in got["by_municipality"].items() if v["target_group"]
        } == dict(target_municipalities)
        assert got["total"]["registered"] == sum(units.values())
        if "u-a" in got["by_unit"]:
            assert got["by_unit"]["u-a"]["name"] == "U-A"


def test_repeat_counts_repeat_youths_and_follows_last_years_target_group(world):
    school_year, instants = world
    kv = kodeverk()
    on = counts.last_counting_date(kv, school_year)
    before = counts.last_counting_date(kv, school_year - 1)
    for known_at in instants:
        this_year = [r for r in registrations(school_year) if known(r, known_at)]
        earlier_persons = {
            r.person_id
            for r in Registration.objects.filter(school_year__lt=school_year)
            if known(r, known_at)
        }
        repeaters = sum(r.person_id in earlier_persons for r in this_year)
        last_target = {
            r.person_id
            for r in registrations(school_year - 1)
            if registration_state(kv, r, before, known_at).in_target_group
        }
        again = [r for r in this_year if r.person_id in last_target]
        groups, late, in_target = Counter(), 0, 0
        for r in again:
            state = registration_state(kv, r, on, known_at)
            if not state.exists:
                late += 1
                continue
            groups[str(state.main_group)] += 1
            in_target += state.in_target_group

        got = counts.repeat(kv, county="39", school_year=school_year, known_at=known_at)
        assert got["registrations"] == len(this_year)
        assert got["repeat"] == repeaters
        assert got["share"] == (round(repeaters / len(this_year), 3) if this_year else None)
        last = got["last_year"]
        assert last["target_group"] == len(last_target)
        assert last["registered_again"] == len(again)
        assert {k: v for k, v in last["by_main_group"].items() if v} == dict(groups)
        assert last["not_registered_at_date"] == late
        assert last["in_target_group"] == in_target


def test_during_year_ignores_a_corrected_fact_and_counts_the_status_on_the_registration_day(
    vestfold,
):
    records = [
        dict(HEADER),
        {
            "type": "person",
            "id": "p-1",
            "fnr": synthetic_fnr(date(2006, 3, 1)),
            "birth_date": "2006-03-01",
            "given_name": "Ola",
            "family_name": "Testesen",
        },
        {
            "type": "registration",
            "id": "r-1",
            "person": "p-1",
            "school_year": 2023,
            "registered_on": "2023-10-01",
            "reason": "other",
            "recorded_at": "2023-10-01T10:00:00+02:00",
        },
        # OTOV from 1 Sept, in force on the registration date 1 Oct: counts.
        {
            "type": "status",
            "id": "s-1",
            "registration": "r-1",
            "code": "OTOV",
            "valid_from": "2023-09-01",
            "recorded_at": "2023-10-02T10:00:00+02:00",
        },
        # OTOA from 1 Nov, corrected the next day to OTAP: OTOA never counts (as known now).
        {
            "type": "status",
            "id": "s-2",
            "registration": "r-1",
            "code": "OTOA",
            "valid_from": "2023-11-01",
            "recorded_at": "2023-11-01T10:00:00+01:00",
        },
        {
            "type": "status",
            "id": "s-3",
            "registration": "r-1",
            "code": "OTAP",
            "valid_from": "2023-11-01",
            "recorded_at": "2023-11-02T10:00:00+01:00",
        },
    ]
    import_lines(lines(records), county="39", actor=None)
    kv = kodeverk()
    now = counts.during_year(kv, county="39", school_year=2023)
    assert now["total"] == {"guidance": 1, "own_measures": 0}
    then = counts.during_year(
        kv, county="39", school_year=2023, known_at=datetime(2023, 11, 1, 12, tzinfo=UTC)
    )
    assert then["total"] == {"guidance": 1, "own_measures": 1}
