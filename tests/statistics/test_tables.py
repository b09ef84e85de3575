"""The set-based tables agree with the reference reading of `registry.rules`, on random
histories with corrections and late recordings, at many dates and instants."""

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import synthetic_fnr
from tests.exchange.files import HEADER, lines
from veiviser.codes.selectors import kodeverk
from veiviser.exchange.importer import import_lines
from veiviser.registry.models import Registration
from veiviser.registry.selectors import registration_state
from veiviser.statistics.tables import tables_at

pytestmark = pytest.mark.django_db

CODES = ["OTUK", "OTOV", "OTOA", "OTAR", "OTEV", "OTNO", "OTSY", "ELVG_IM", "OTEV_IM", "Feil"]
REASONS = ["not_applied", "declined", "dropped_out", "other"]


def random_county(seed: int, school_year: int, persons: int = 60) -> list[dict]:
    rng = random.Random(seed)
    start = date(school_year, 8, 1)
    records = [dict(HEADER)]
    for n in range(persons):
        birth = date(rng.randint(school_year - 26, school_year - 13), rng.randint(1, 12), 1)
        records.append(
            {
                "type": "person",
                "id": f"p-{n}",
                "fnr": synthetic_fnr(
                    birth, rng.randint(0, 400) + (500 if birth.year >= 2000 else 0)
                ),
                "birth_date": birth.isoformat(),
                "given_name": "Test",
                "family_name": f"Person{n}",
            }
        )
        registered = start + timedelta(days=rng.randint(0, 360))
        recorded = datetime.combine(registered, datetime.min.time(), UTC) + timedelta(
            hours=rng.randint(1, 24 * 40)
        )
        records.append(
            {
                "type": "registration",
                "id": f"r-{n}",
                "person": f"p-{n}",
                "school_year": school_year,
                "registered_on": registered.isoformat(),
                "reason": rng.choice(REASONS),
                "recorded_at": recorded.isoformat(),
            }
        )
        for kind, values, count in (("status", CODES, 5), ("reason", REASONS, 2)):
            moments = set()
            for m in range(rng.randint(0, count)):
                valid = start + timedelta(days=rng.randint(0, 364))
                # Corrections: often the same valid_from as an earlier fact.
                if moments and rng.random() < 0.3:
                    valid = rng.choice(sorted(moments))[0]
                at = datetime.combine(valid, datetime.min.time(), UTC) + timedelta(
                    hours=rng.randint(0, 24 * 60)
                )
                if (valid, at) in moments:
                    continue
                moments.add((valid, at))
                field = "code" if kind == "status" else "reason"
                records.append(
                    {
                        "type": kind,
                        "id": f"{kind}-{n}-{m}",
                        "registration": f"r-{n}",
                        field: rng.choice(values),
                        "valid_from": valid.isoformat(),
                        "recorded_at": at.isoformat(),
                    }
                )
    return records


def reference(school_year: int, on: date, known_at) -> tuple[dict, dict]:
    kv = kodeverk()
    table1, table2 = Counter(), Counter()
    registrations = Registration.objects.prefetch_related(
        "reason_facts", "status_facts"
    ).select_related("person")
    for registration in registrations:
        state = registration_state(kv, registration, on, known_at)
        if not state.exists:
            continue
        table1[state.reason] += 1
        table1["total"] += 1
        table2["total"] += 1
        if state.in_target_group:
            table2[f"group{state.main_group}"] += 1
            table2["target_group"] += 1
        if state.outside_age:
            table2["outside_age"] += 1
    table2["not_in_target_group"] = table2["total"] - table2["target_group"]
    return table1, table2


@pytest.mark.parametrize(("seed", "school_year"), [(1, 2023), (2, 2024), (3, 2019)])
def test_set_based_tables_agree_with_the_reference_reading(seed, school_year):
    import_lines(lines(random_county(seed, school_year)), county="39", actor=None)
    kv = kodeverk()
    rng = random.Random(seed)
    instants = [None] + [
        datetime(school_year, 8, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 420))
        for _ in range(3)
    ]
    days = kv.counting_dates_of(school_year) + [
        date(school_year, 8, 1) + timedelta(days=rng.randint(0, 364)) for _ in range(3)
    ]
    for on in days:
        for known_at in instants:
            got = tables_at(kv, county="39", school_year=school_year, on=on, known_at=known_at)
            table1, table2 = reference(school_year, on, known_at)
            assert got.table1 == {k: table1[k] for k in got.table1}, (on, known_at)
            assert got.table2 == {k: table2[k] for k in got.table2}, (on, known_at)


def test_stats_command_prints_the_documented_json():
    import_lines(lines(random_county(4, 2023)), county="39", actor=None)
    out = StringIO()
    call_command("stats", "--county", "39", "--school-year", "2023", stdout=out)
    document = json.loads(out.getvalue())
    assert list(document) == ["county", "school_year", "known_at", "suppressed", "counting_dates"]
    assert document["county"] == "39"
    assert document["known_at"] is None
    assert [d["date"] for d in document["counting_dates"]] == [
        "2023-11-15",
        "2024-02-15",
        "2024-06-15",
    ]
    for entry in document["counting_dates"]:
        assert list(entry["table1"]) == ["not_applied", "declined", "dropped_out", "other", "total"]
        assert list(entry["table2"]) == [
            "group1",
            "group2",
            "group3",
            "group4",
            "target_group",
            "not_in_target_group",
            "outside_age",
            "total",
        ]
        assert entry["table1"]["total"] == entry["table2"]["total"]


def test_stats_with_a_date_outside_the_school_year_is_an_error():
    import_lines(lines(random_county(5, 2023, persons=2)), county="39", actor=None)
    with pytest.raises(CommandError, match="outside school year 2023/24"):
        call_command("stats", "--county", "39", "--school-year", "2023", "--date", "2024-08-01")


def test_stats_known_at_must_have_an_offset():
    import_lines(lines(random_county(5, 2023, persons=2)), county="39", actor=None)
    with pytest.raises(CommandError, match="er ikke et tidspunkt med avvik fra UTC"):
        call_command(
            "stats", "--county", "39", "--school-year", "2023", "--known-at", "2024-01-01T00:00"
        )
