"""The demo county generator: a valid exchange file (EXCHANGE.md §1) with a realistic shape.

The shape is computed here in plain Python with the reference rules of `registry.rules`, so
these tests need no database.
"""

import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from veiviser.codes import loader
from veiviser.demo import generator
from veiviser.people import identity
from veiviser.registry import rules

KODEVERK = loader.read()
MAIN_GROUP = {row["code"]: row["main_group"] for row in KODEVERK["status_codes"]}
REASON_OF_CODE = {row["code"]: row["reason"] for row in KODEVERK["reason_codes"]}
REASON_GROUPS = {row["key"] for row in KODEVERK["reason_groups"]}
TYPES = {"header", "unit", "person", "registration", "reason", "status"}
OSLO = ZoneInfo("Europe/Oslo")


def limits(school_year: int) -> tuple[int, int]:
    row = [r for r in KODEVERK["age_limits"] if r["valid_from"] <= school_year][-1]
    return row["min_age"], row["max_age"]


def counting_dates(school_year: int) -> list[date]:
    return [date(school_year, 11, 15), date(school_year + 1, 2, 15), date(school_year + 1, 6, 15)]


def school_year_bounds(school_year: int) -> tuple[date, date]:
    return date(school_year, 8, 1), date(school_year + 1, 7, 31)


class County:
    """The generated file read back: records by type and the facts of each registration."""

    def __init__(self, lines: list[str]):
        self.records = [json.loads(line) for line in lines]
        self.by_type: dict[str, list[dict]] = defaultdict(list)
        for record in self.records:
            self.by_type[record["type"]].append(record)
        self.persons = {p["id"]: p for p in self.by_type["person"]}
        self.registrations = {r["id"]: r for r in self.by_type["registration"]}
        self.facts: dict[str, dict[str, list[rules.TimedValue]]] = {
            "reason": defaultdict(list),
            "status": defaultdict(list),
        }
        for kind, field in (("reason", "reason"), ("status", "code")):
            for fact in self.by_type[kind]:
                self.facts[kind][fact["registration"]].append(
                    rules.TimedValue(
                        date.fromisoformat(fact["valid_from"]),
                        datetime.fromisoformat(fact["recorded_at"]),
                        fact[field],
                    )
                )

    def state(self, registration: dict, on: date, known_at: datetime | None = None):
        """(exists, reason, status, age) of a registration at `on`, the bitemporal reading."""
        key = registration["id"]
        exists = rules.registration_exists(
            school_year=registration["school_year"],
            registered_on=date.fromisoformat(registration["registered_on"]),
            recorded_at=datetime.fromisoformat(registration["recorded_at"]),
            on=on,
            known_at=known_at,
        )
        reason = rules.value_at(self.facts["reason"][key], on, known_at, registration["reason"])
        status = rules.value_at(self.facts["status"][key], on, known_at, rules.DEFAULT_STATUS)
        birth_date = date.fromisoformat(self.persons[registration["person"]]["birth_date"])
        return exists, reason, status, rules.age_at(on, birth_date)

    def in_target_group(self, registration: dict, on: date) -> bool:
        _, _, status, age = self.state(registration, on)
        return rules.in_target_group(MAIN_GROUP[status], age, limits(registration["school_year"]))

    def tables(self, school_year: int, on: date, known_at: datetime | None = None):
        """Table 1 and Table 2 of EXCHANGE.md §3 at `on`."""
        table1: Counter = Counter()
        table2: Counter = Counter()
        for registration in self.registrations.values():
            if registration["school_year"] != school_year:
                continue
            exists, reason, status, age = self.state(registration, on, known_at)
            if not exists:
                continue
            table1[reason] += 1
            table1["total"] += 1
            table2["total"] += 1
            group = MAIN_GROUP[status]
            if rules.in_target_group(group, age, limits(school_year)):
                table2[f"group{group}"] += 1
                table2["target_group"] += 1
            else:
                table2["not_in_target_group"] += 1
                if group <= 4:
                    table2["outside_age"] += 1
        return table1, table2


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return list(generator.generate())


@pytest.fixture(scope="module")
def county(lines) -> County:
    return County(lines)


# -- the file ----------------------------------------------------------------------------------


def test_same_seed_gives_the_same_lines(lines):
    assert list(generator.generate(generator.DEFAULT_SEED)) == lines


def test_another_seed_gives_other_lines(lines):
    assert list(generator.generate(7)) != lines


def test_every_line_is_json_of_a_known_type(lines):
    for line in lines:
        assert "\n" not in line
        assert json.loads(line)["type"] in TYPES


def test_header_comes_first_and_names_the_format(county):
    header = county.records[0]
    assert header["type"] == "header"
    assert header["format"] == "veiviser-exchange"
    assert header["version"] == 1
    assert header["county"] == generator.COUNTY_NUMBER == "39"
    assert [r for r in county.records if r["type"] == "header"] == [header]
    last = max(
        datetime.fromisoformat(r["recorded_at"]) for r in county.records[1:] if "recorded_at" in r
    )
    assert datetime.fromisoformat(header["exported_at"]) > last


def test_units_cover_vestfolds_municipalities_once(county):
    units = county.by_type["unit"]
    assert {u["name"] for u in units} == {"Horten", "Tønsberg", "Sandefjord", "Larvik"}
    municipalities = [m for u in units for m in u["municipalities"]]
    assert sorted(municipalities) == ["3901", "3903", "3905", "3907", "3909", "3911"]
    assert set(municipalities) == set(generator.MUNICIPALITIES)


def test_ids_are_unique_per_type(county):
    for kind in TYPES - {"header"}:
        ids = [r["id"] for r in county.by_type[kind]]
        assert len(ids) == len(set(ids)), kind


def test_references_resolve(county):
    units = {u["id"]: u for u in county.by_type["unit"]}
    for registration in county.registrations.values():
        person = county.persons[registration["person"]]
        assert person["municipality"] in units[registration["unit"]]["municipalities"]
    for kind in ("reason", "status"):
        for fact in county.by_type[kind]:
            assert fact["registration"] in county.registrations


def test_every_person_is_registered(county):
    registered = {r["person"] for r in county.registrations.values()}
    assert registered == set(county.persons)


# -- people ------------------------------------------------------------------------------------


def test_identity_numbers_are_synthetic_valid_unique_and_agree_with_birth_date(county):
    numbers = [p["fnr"] for p in county.persons.values() if p["fnr"]]
    assert len(numbers) == len(set(numbers))
    for person in county.persons.values():
        if person["fnr"]:
            parsed = identity.parse(person["fnr"], allow_synthetic=True)
            assert parsed.synthetic
            assert parsed.birth_date == date.fromisoformat(person["birth_date"])


def test_a_few_percent_of_persons_have_no_number(county):
    without = sum(1 for p in county.persons.values() if p["fnr"] is None)
    assert 0.01 <= without / len(county.persons) <= 0.06


def test_a_handful_of_likely_duplicates(county):
    by_name_and_birth: dict[tuple, list[dict]] = defaultdict(list)
    for person in county.persons.values():
        key = (person["given_name"], person["family_name"], person["birth_date"])
        by_name_and_birth[key].append(person)
    pairs = [
        group
        for group in by_name_and_birth.values()
        if any(p["fnr"] for p in group) and any(p["fnr"] is None for p in group)
    ]
    assert 3 <= len(pairs) <= 20


def test_the_faults_the_generator_knows_are_those_its_file_shows(county):
    """`known_faults` (from the simulation's truth) against the same rules computed here from
    the written file (docs/quality.md), at the latest counting date: the list the
    pre-submission check must give for the generated part of the demo county."""
    on = date(2025, 6, 15)
    names = Counter(
        (p["given_name"].lower(), p["family_name"].lower(), p["birth_date"])
        for p in county.persons.values()
    )
    expected: dict[str, set[str]] = {rule: set() for rule in generator.FAULT_RULES}
    for key, registration in county.registrations.items():
        if registration["school_year"] != 2024 or registration["registered_on"] > on.isoformat():
            continue
        person = county.persons[registration["person"]]
        if person["fnr"] is None:
            expected["no_identity_number"].add(key)
        if (
            names[
                (person["given_name"].lower(), person["family_name"].lower(), person["birth_date"])
            ]
            > 1
        ):
            expected["likely_duplicate"].add(key)
        _, _, status, age = county.state(registration, on)
        group = MAIN_GROUP[status]
        since = max(
            (f.valid_from for f in county.facts["status"][key] if f.valid_from <= on),
            default=date.fromisoformat(registration["registered_on"]),
        )
        if group == 1 and (on - since).days > 7:
            expected["otuk_past_deadline"].add(key)
        low, high = limits(2024)
        if group <= 4 and not low <= age <= high:
            expected["outside_age_in_groups_1_4"].add(key)
    assert generator.known_faults(on=on) == expected
    assert all(expected.values())  # each kind of fault is there, for the check to show


def test_telemark_is_a_small_county_of_its_own_with_telemarks_municipalities(county):
    lines = list(generator.generate(generator.DEFAULT_SEED, generator.TELEMARK))
    assert lines == list(generator.generate(generator.DEFAULT_SEED, generator.TELEMARK))
    small = County(lines)
    assert small.records[0]["county"] == "40"
    units = small.by_type["unit"]
    assert {u["id"] for u in units} == {"u-gren", "u-tele"}
    municipalities = [m for u in units for m in u["municipalities"]]
    assert sorted(municipalities) == sorted(generator.TELEMARK.municipalities)
    assert set(generator.TELEMARK.post_codes) == set(generator.TELEMARK.municipalities)
    assert 20 <= len(small.persons) <= 80
    assert {r["school_year"] for r in small.registrations.values()} == set(generator.SCHOOL_YEARS)
    for person in small.persons.values():
        if person["fnr"]:
            assert identity.parse(person["fnr"], allow_synthetic=True).synthetic
    # Other people than Vestfold's, from a random stream of their own.
    vestfold = {
        (p["given_name"], p["family_name"], p["birth_date"]) for p in county.persons.values()
    }
    ours = {(p["given_name"], p["family_name"], p["birth_date"]) for p in small.persons.values()}
    assert len(ours & vestfold) <= 1


def test_names_are_filled_in(county):
    for person in county.persons.values():
        assert person["given_name"].strip() and person["family_name"].strip()


# -- registrations and facts -------------------------------------------------------------------


def test_registrations_cover_three_school_years(county):
    years = Counter(r["school_year"] for r in county.registrations.values())
    assert set(years) == {2022, 2023, 2024}


def test_one_registration_per_person_and_school_year(county):
    pairs = [(r["person"], r["school_year"]) for r in county.registrations.values()]
    assert len(pairs) == len(set(pairs))


def test_registered_on_lies_inside_the_school_year(county):
    for registration in county.registrations.values():
        start, end = school_year_bounds(registration["school_year"])
        assert start <= date.fromisoformat(registration["registered_on"]) <= end


def test_codes_come_from_the_kodeverk(county):
    for registration in county.registrations.values():
        assert registration["reason"] in REASON_GROUPS
        assert REASON_OF_CODE[registration["reason_code"]] == registration["reason"]
    for fact in county.by_type["reason"]:
        assert fact["reason"] in REASON_GROUPS
    for fact in county.by_type["status"]:
        assert fact["code"] in MAIN_GROUP


def test_facts_are_valid_inside_the_registrations_school_year(county):
    for kind in ("reason", "status"):
        for fact in county.by_type[kind]:
            start, end = school_year_bounds(
                county.registrations[fact["registration"]]["school_year"]
            )
            assert start <= date.fromisoformat(fact["valid_from"]) <= end


def test_no_two_facts_of_a_registration_are_ambiguous(county):
    for kind in ("reason", "status"):
        moments = [
            (f["registration"], f["valid_from"], datetime.fromisoformat(f["recorded_at"]))
            for f in county.by_type[kind]
        ]
        assert len(moments) == len(set(moments)), kind


def test_instants_carry_the_oslo_offset(county):
    offset = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$")
    for record in county.records:
        for field in ("recorded_at", "exported_at"):
            if field in record:
                assert offset.match(record[field]), record[field]
                moment = datetime.fromisoformat(record[field])
                wall = moment.replace(tzinfo=None).replace(tzinfo=OSLO)
                assert moment.utcoffset() == wall.utcoffset(), record[field]


def test_facts_are_recorded_after_they_became_true(county):
    for kind in ("reason", "status"):
        for fact in county.by_type[kind]:
            recorded = datetime.fromisoformat(fact["recorded_at"]).date()
            assert recorded >= date.fromisoformat(fact["valid_from"])


def test_some_codes_are_corrected_later(county):
    by_moment: dict[tuple, list[dict]] = defaultdict(list)
    for fact in county.by_type["status"]:
        by_moment[fact["registration"], fact["valid_from"]].append(fact)
    corrections = [facts for facts in by_moment.values() if len(facts) > 1]
    assert len(corrections) >= 100
    for facts in corrections:
        first, second = sorted(facts, key=lambda f: datetime.fromisoformat(f["recorded_at"]))
        assert first["code"] != second["code"]


def test_some_facts_are_recorded_after_a_counting_date(county):
    late = 0
    for fact in county.by_type["status"]:
        valid_from = date.fromisoformat(fact["valid_from"])
        recorded = datetime.fromisoformat(fact["recorded_at"]).date()
        year = county.registrations[fact["registration"]]["school_year"]
        late += any(valid_from <= d < recorded for d in counting_dates(year))
    assert late >= 100


def test_counting_date_numbers_as_known_then_differ_from_now(county):
    on = date(2023, 11, 15)
    then = datetime(2023, 11, 15, 23, 59, tzinfo=OSLO)
    assert county.tables(2023, on, known_at=then) != county.tables(2023, on)


def test_some_later_referrals_change_the_reason(county):
    assert len(county.by_type["reason"]) >= 50
    assert {f["reason"] for f in county.by_type["reason"]} == {"dropped_out"}


# -- carry-over at year end (DOMAIN.md §3) -----------------------------------------------------


@pytest.mark.parametrize("school_year", [2022, 2023])
def test_youths_in_the_target_group_on_31_july_are_carried_over(county, school_year):
    year_end = date(school_year + 1, 7, 31)
    next_year = {
        r["person"]: r for r in county.registrations.values() if r["school_year"] == school_year + 1
    }
    carried = 0
    for registration in county.registrations.values():
        if registration["school_year"] != school_year:
            continue
        if county.in_target_group(registration, year_end):
            following = next_year[registration["person"]]
            assert following["registered_on"] == f"{school_year + 1}-08-01"
            assert following["reason"] == county.state(registration, year_end)[1]
            carried += 1
    total = sum(1 for r in next_year.values())
    assert 0.35 <= carried / total <= 0.6


# -- the shape (DOMAIN.md §9) ------------------------------------------------------------------


@pytest.mark.parametrize("school_year", generator.SCHOOL_YEARS)
def test_shape_of_the_school_year(county, school_year):
    tables = [county.tables(school_year, on) for on in counting_dates(school_year)]
    totals = [table1["total"] for table1, _ in tables]
    assert totals[0] < totals[1] < totals[2]
    for table1, table2 in tables:
        assert table1["total"] == table2["total"]
        assert sum(table1[r] for r in REASON_GROUPS) == table1["total"]
        assert table2["target_group"] == sum(table2[f"group{g}"] for g in (1, 2, 3, 4))

    table1, table2 = tables[2]  # 15 June
    assert 1900 <= table1["total"] <= 2100
    assert 0.40 <= table2["target_group"] / table2["total"] <= 0.50
    groups = {g: table2[f"group{g}"] for g in (1, 2, 3, 4)}
    assert max(groups, key=groups.get) == 3
    assert 0 < groups[1] < 0.05 * table2["target_group"]
    assert min(table1[r] for r in REASON_GROUPS) > 0.05 * table1["total"]
    assert max(table1, key=lambda r: table1[r] if r != "total" else 0) == "not_applied"


def test_dropouts_grow_through_the_year(county):
    for school_year in generator.SCHOOL_YEARS:
        dropped = [
            county.tables(school_year, on)[0]["dropped_out"] for on in counting_dates(school_year)
        ]
        assert dropped[0] < dropped[1] < dropped[2]


def test_most_new_registrations_come_in_the_autumn(county):
    for school_year in generator.SCHOOL_YEARS:
        new = [
            date.fromisoformat(r["registered_on"])
            for r in county.registrations.values()
            if r["school_year"] == school_year and r["registered_on"] != f"{school_year}-08-01"
        ]
        autumn = sum(1 for d in new if d.month in (8, 9, 10))
        assert autumn / len(new) > 0.4


def test_ages_are_mostly_16_to_21(county):
    ages: Counter = Counter()
    for registration in county.registrations.values():
        year = registration["school_year"]
        birth_year = int(county.persons[registration["person"]]["birth_date"][:4])
        ages[year - birth_year] += 1
    total = sum(ages.values())
    assert sum(ages[a] for a in range(16, 22)) / total > 0.85
    assert 0 < ages[15] < 0.03 * total
    assert sum(ages[a] for a in (22, 23, 24)) > 0
    assert min(ages) >= 15 and max(ages) <= 24


def test_youths_aged_22_to_24_are_in_the_target_group_only_from_2024(county):
    older_in_target: Counter = Counter()
    outside_age: Counter = Counter()
    for registration in county.registrations.values():
        year = registration["school_year"]
        on = date(year + 1, 6, 15)
        exists, _, status, age = county.state(registration, on)
        if exists and 22 <= age <= 24 and MAIN_GROUP[status] <= 4:
            if county.in_target_group(registration, on):
                older_in_target[year] += 1
            else:
                outside_age[year] += 1
    assert older_in_target[2022] == older_in_target[2023] == 0
    assert outside_age[2022] > 0 and outside_age[2023] > 0
    assert older_in_target[2024] > 0 and outside_age[2024] == 0
