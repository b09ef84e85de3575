"""`tables.counting_tables`: one statement for many counties, school years and dates. Both of
its readings ("latest" and "intervals") are checked on whichever database runs the tests,
against the reference reading of `registry.rules` (random histories with corrections, late
recordings and ages around the limits), against the engine one date at a time, and against the
drill-down lists (`registrations_at` + `cell_q`), which must stay exactly as long as the
numbers they open."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.exchange.files import lines
from tests.statistics.test_tables import random_county
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.organisation.models import County
from veiviser.registry.models import CountyChange, ReasonFact, Registration, StatusFact
from veiviser.registry.selectors import registration_state
from veiviser.statistics.tables import (
    CELLS,
    READINGS,
    TABLE1,
    DateOutsideSchoolYear,
    cell_q,
    counting_tables,
    registrations_at,
    statistics_document,
    statistics_documents,
)

pytestmark = pytest.mark.django_db


def county_file(seed: int, county: str, school_year: int, persons: int = 40) -> list[str]:
    """`random_county`'s records for `county`, with keys of their own (one file per school
    year may go into the same county)."""
    records = random_county(seed, school_year, persons=persons)
    records[0] = {**records[0], "county": county}
    prefix = f"{county}-{school_year}-"
    for record in records[1:]:
        record["id"] = prefix + record["id"]
        for field in ("person", "registration"):
            if field in record:
                record[field] = prefix + record[field]
    return lines(records)


def reference(kv, *, county_of, school_year: int, on: date, known_at) -> dict:
    """Table 1 and Table 2 by the reference reading, one registration at a time;
    `county_of(registration)` is its county as known at K."""
    table1, table2 = Counter(), Counter()
    registrations = Registration.objects.filter(school_year=school_year).prefetch_related(
        "reason_facts", "status_facts"
    )
    for registration in registrations.select_related("person", "county"):
        state = registration_state(kv, registration, on, known_at)
        if not state.exists:
            continue
        key = county_of(registration)
        table1[(key, state.reason)] += 1
        table1[(key, "total")] += 1
        if state.in_target_group:
            table2[(key, f"group{state.main_group}")] += 1
        if state.outside_age:
            table2[(key, "outside_age")] += 1
    return {"table1": table1, "table2": table2}


def expected(ref: dict, county: str) -> tuple[dict, dict]:
    table1 = {k: ref["table1"][(county, k)] for k in TABLE1}
    groups = {f"group{g}": ref["table2"][(county, f"group{g}")] for g in (1, 2, 3, 4)}
    target = sum(groups.values())
    total = table1["total"]
    table2 = {
        **groups,
        "target_group": target,
        "not_in_target_group": total - target,
        "outside_age": ref["table2"][(county, "outside_age")],
        "total": total,
    }
    return table1, table2


@pytest.fixture
def two_counties_two_years(vestfold, telemark):
    for seed, county, year in ((11, "39", 2023), (12, "39", 2024), (13, "40", 2023)):
        import_lines(county_file(seed, county, year), county=county, actor=None)
    import_lines(county_file(14, "40", 2024, persons=25), county="40", actor=None)
    return ["39", "40"], [2023, 2024]


@pytest.mark.parametrize("reading", READINGS)
def test_every_county_year_and_date_agrees_with_the_reference(two_counties_two_years, reading):
    counties, years = two_counties_two_years
    kv = kodeverk()
    rng = random.Random(reading)
    instants = [None] + [
        datetime(2023, 8, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 720)) for _ in range(3)
    ]
    for known_at in instants:
        got = counting_tables(
            kv, counties=counties, school_years=years, known_at=known_at, reading=reading
        )
        assert list(got) == [(c, y) for c in counties for y in years]
        for year in years:
            for index, on in enumerate(kv.counting_dates_of(year)):
                ref = reference(
                    kv,
                    county_of=lambda r: r.county.number,
                    school_year=year,
                    on=on,
                    known_at=known_at,
                )
                for county in counties:
                    tables = got[(county, year)][index]
                    assert tables.date == on
                    table1, table2 = expected(ref, county)
                    assert (tables.table1, tables.table2) == (table1, table2), (
                        county,
                        on,
                        known_at,
                    )
                    # Not a test of zeros: as known now, every county-year has youths.
                    assert known_at is not None or tables.table1["total"] > 0


@pytest.mark.parametrize("reading", READINGS)
def test_ad_hoc_dates_agree_with_the_reference(vestfold, reading):
    import_lines(county_file(21, "39", 2023, persons=60), county="39", actor=None)
    kv = kodeverk()
    rng = random.Random(21)
    # Boundary dates: the first and last day of the school year, New Year's Day (ages change).
    days = [date(2023, 8, 1), date(2023, 12, 31), date(2024, 1, 1), date(2024, 7, 31)]
    days += [date(2023, 8, 1) + timedelta(days=rng.randint(0, 365)) for _ in range(3)]
    # A fact's first day, and the day before it: where one fact's interval ends.
    starts = sorted(set(StatusFact.objects.values_list("valid_from", flat=True)))
    starts += sorted(set(ReasonFact.objects.values_list("valid_from", flat=True)))
    for start in rng.sample(starts, 4):
        days += [start, start - timedelta(days=1)]
    days = [d for d in days if date(2023, 8, 1) <= d <= date(2024, 7, 31)]
    for on in days:
        for known_at in (None, datetime(2024, 1, 1, tzinfo=UTC)):
            got = counting_tables(
                kv,
                counties=["39"],
                school_years=[2023],
                on=on,
                known_at=known_at,
                reading=reading,
            )[("39", 2023)]
            ref = reference(
                kv, county_of=lambda r: "39", school_year=2023, on=on, known_at=known_at
            )
            assert [(t.date, t.table1, t.table2) for t in got] == [(on, *expected(ref, "39"))]


def test_the_documents_of_many_county_years_are_the_documents_of_each(two_counties_two_years):
    counties, years = two_counties_two_years
    kv = kodeverk()
    for known_at in (None, datetime(2024, 3, 1, tzinfo=UTC)):
        text = None if known_at is None else known_at.isoformat()
        many = statistics_documents(
            kv, counties=counties, school_years=years, known_at=known_at, known_at_text=text
        )
        each = [
            statistics_document(kv, county=c, school_year=y, known_at=known_at, known_at_text=text)
            for c in counties
            for y in years
        ]
        assert many == each
        assert [(d["county"], d["school_year"]) for d in many] == [
            ("39", 2023),
            ("39", 2024),
            ("40", 2023),
            ("40", 2024),
        ]
        # And one date at a time (the statement has every date, or only the one asked for).
        for document in each:
            for entry in document["counting_dates"]:
                single = statistics_document(
                    kv,
                    county=document["county"],
                    school_year=document["school_year"],
                    on=date.fromisoformat(entry["date"]),
                    known_at=known_at,
                    known_at_text=text,
                )
                assert single["counting_dates"] == [entry]


@pytest.mark.parametrize("reading", READINGS)
def test_drill_down_lists_are_as_long_as_the_numbers(vestfold, reading):
    import_lines(county_file(31, "39", 2023, persons=60), county="39", actor=None)
    kv = kodeverk()
    for known_at in (None, datetime(2024, 2, 1, tzinfo=UTC)):
        found = counting_tables(
            kv, counties=["39"], school_years=[2023], known_at=known_at, reading=reading
        )
        for tables in found[("39", 2023)]:
            on = tables.date
            rows = registrations_at(county="39", school_year=2023, on=on, known_at=known_at)
            for cell in CELLS:
                behind = rows.filter(cell_q(kv, cell, school_year=2023, on=on)).count()
                table, key = cell.split(".")
                if cell == "own.follow_up":
                    number = tables.table2["target_group"] + tables.table2["outside_age"]
                else:
                    number = getattr(tables, table)[key]
                assert behind == number, (cell, on, known_at)


@pytest.mark.parametrize("reading", READINGS)
def test_county_changes_count_under_the_county_as_known_at_k(vestfold, telemark, reading):
    import_lines(county_file(41, "39", 2023), county="39", actor=None)
    import_lines(county_file(42, "40", 2023), county="40", actor=None)
    counties = {c.number: c for c in County.objects.filter(number__in=["39", "40"])}
    rng = random.Random(41)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for registration in Registration.objects.order_by("pk"):
        where = registration.county.number
        at = start
        for _ in range(rng.choice([0, 0, 1, 2])):
            at += timedelta(days=rng.choice([0, 10, 40]))
            to = "40" if where == "39" else "39"
            CountyChange.objects.create(
                registration=registration,
                from_county=counties[where],
                to_county=counties[to],
                recorded_at=at,
            )
            where = to
        Registration.objects.filter(pk=registration.pk).update(county=counties[where])
        for facts in (StatusFact, ReasonFact):
            facts.objects.filter(registration=registration).move_county(counties[where])
    changes = sorted(CountyChange.objects.select_related("from_county"), key=lambda c: c.pk)

    def county_then(known_at):
        def of(registration):
            later = sorted(
                (
                    c
                    for c in changes
                    if c.registration_id == registration.pk
                    and (known_at is None or c.recorded_at > known_at)
                ),
                key=lambda c: (c.recorded_at, c.pk),
            )
            if known_at is None or not later:
                return registration.county.number
            return later[0].from_county.number

        return of

    kv = kodeverk()
    for known_at in (
        None,
        start - timedelta(days=1),
        start + timedelta(days=20),
        start + timedelta(days=200),
    ):
        got = counting_tables(
            kv, counties=["39", "40"], school_years=[2023], known_at=known_at, reading=reading
        )
        for index, on in enumerate(kv.counting_dates_of(2023)):
            ref = reference(
                kv, county_of=county_then(known_at), school_year=2023, on=on, known_at=known_at
            )
            for county in ("39", "40"):
                tables = got[(county, 2023)][index]
                assert (tables.table1, tables.table2) == expected(ref, county), (
                    county,
                    on,
                    known_at,
                )


@pytest.mark.parametrize("reading", READINGS)
def test_a_code_counts_in_its_group_only_in_the_years_it_exists(vestfold, reading):
    """OTVF exists from 2016/17: a 2015/16 registration with it (not possible through the
    importer) is in no main group then, while the same statement groups it in 2016/17."""
    for year in (2015, 2016):
        import_lines(county_file(50 + year, "39", year, persons=8), county="39", actor=None)
    for registration in Registration.objects.all():
        june = date(registration.school_year + 1, 6, 15)
        StatusFact.objects.create(
            county=registration.county,
            key=f"otvf-{registration.pk}",
            registration=registration,
            code="OTVF",
            valid_from=june,
            recorded_at=datetime(june.year, 6, 15, 12, 34, 56, tzinfo=UTC),
        )
    kv = kodeverk()
    got = counting_tables(kv, counties=["39"], school_years=[2015, 2016], reading=reading)
    for year in (2015, 2016):
        for tables in got[("39", year)]:
            ref = reference(
                kv, county_of=lambda r: "39", school_year=year, on=tables.date, known_at=None
            )
            assert (tables.table1, tables.table2) == expected(ref, "39")
    june_2016 = got[("39", 2016)][-1].table2
    assert june_2016["group3"] + june_2016["outside_age"] > 0
    june_2015 = got[("39", 2015)][-1].table2
    assert june_2015["target_group"] == june_2015["outside_age"] == 0


def test_a_county_year_without_registrations_has_zeros(vestfold, telemark):
    import_lines(county_file(61, "39", 2023, persons=5), county="39", actor=None)
    kv = kodeverk()
    got = counting_tables(kv, counties=["39", "40"], school_years=[2023, 2022])
    for key in (("40", 2023), ("39", 2022), ("40", 2022)):
        assert [t.date for t in got[key]] == kv.counting_dates_of(key[1])
        for tables in got[key]:
            assert set(tables.table1.values()) == set(tables.table2.values()) == {0}
    assert got[("39", 2023)][-1].table1["total"] > 0


def test_a_date_must_lie_in_the_one_school_year_given(vestfold):
    kv = kodeverk()
    with pytest.raises(DateOutsideSchoolYear, match="outside school year 2023/24"):
        counting_tables(kv, counties=["39"], school_years=[2023], on=date(2024, 8, 1))
    with pytest.raises(ValueError, match="exactly one"):
        counting_tables(kv, counties=["39"], school_years=[2023, 2024], on=date(2024, 3, 1))
    with pytest.raises(ValueError, match="unknown reading"):
        counting_tables(kv, counties=["39"], school_years=[2023], reading="fastest")
