"""The kodeverk as data: loaded by the migration, reloaded by `veiviser loadcodes`."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from veiviser.audit.models import AuditEvent
from veiviser.codes import loader
from veiviser.codes.models import (
    AgeLimit,
    CountingDate,
    MainGroup,
    ReasonCode,
    ReasonGroup,
    StatusCode,
)
from veiviser.codes.selectors import kodeverk, school_year_bounds, school_year_of

pytestmark = pytest.mark.django_db

MODELS = (MainGroup, StatusCode, ReasonGroup, ReasonCode, AgeLimit, CountingDate)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def loadcodes(*args) -> str:
    out = StringIO()
    call_command("loadcodes", *args, stdout=out)
    return out.getvalue()


# What the migration loaded


def test_migration_loads_the_23_status_codes():
    assert StatusCode.objects.count() == 23


def test_migration_loads_main_groups_1_to_4_in_the_target_group_and_5_outside():
    groups = dict(MainGroup.objects.values_list("number", "in_target_group"))
    assert groups == {1: True, 2: True, 3: True, 4: True, 5: False}


def test_migration_loads_the_four_reason_groups_in_order():
    keys = list(ReasonGroup.objects.values_list("key", flat=True))
    assert keys == ["not_applied", "declined", "dropped_out", "other"]


def test_age_limit_is_21_up_to_school_year_2023():
    assert kodeverk().age_limit(2023) == (15, 21)


def test_age_limit_is_24_from_school_year_2024():
    assert kodeverk().age_limit(2024) == (15, 24)


def test_age_limit_before_the_first_is_an_error():
    with pytest.raises(LookupError):
        kodeverk().age_limit(2009)


def test_counting_dates_are_15_november_15_february_and_15_june():
    assert kodeverk().counting_dates_of(2023) == [
        date(2023, 11, 15),
        date(2024, 2, 15),
        date(2024, 6, 15),
    ]


def test_every_status_code_points_to_its_main_group():
    kv = kodeverk()
    assert kv.status_main_group("OTUK", 2023) == 1
    assert kv.status_main_group("OTOV", 2023) == 2
    assert kv.status_main_group("OTKO", 2023) == 3
    assert kv.status_main_group("OTSY", 2023) == 4
    assert kv.status_main_group("Feil", 2023) == 5


def test_status_main_group_is_none_for_a_code_outside_its_validity():
    # OTVF (private upper secondary school) was added in school year 2016/17.
    kv = kodeverk()
    assert kv.status_main_group("OTVF", 2015) is None
    assert kv.status_main_group("OTVF", 2016) == 3


def test_status_main_group_is_none_for_an_unknown_code():
    assert kodeverk().status_main_group("OTXX", 2023) is None


def test_reason_code_belongs_to_its_reason_group():
    kv = kodeverk()
    assert kv.reason_group_of_code("OSON", 2023) == "not_applied"
    assert kv.reason_group_of_code("OESL", 2023) == "dropped_out"
    assert kv.reason_group_of_code("XLOCAL", 2023) is None


def test_valid_in_filters_status_codes_by_school_year():
    assert not StatusCode.objects.valid_in(2015).filter(code="OTVF").exists()
    assert StatusCode.objects.valid_in(2016).filter(code="OTVF").exists()


# School years


def test_school_year_runs_from_1_august_to_31_july():
    assert school_year_bounds(2023) == (date(2023, 8, 1), date(2024, 7, 31))
    assert school_year_of(date(2023, 8, 1)) == 2023
    assert school_year_of(date(2024, 7, 31)) == 2023
    assert school_year_of(date(2024, 8, 1)) == 2024


# veiviser loadcodes


def test_loadcodes_twice_gives_the_same_rows():
    before = row_counts()
    loadcodes()
    loadcodes()
    assert row_counts() == before


def test_loadcodes_restores_a_row_changed_by_hand():
    StatusCode.objects.filter(code="OTOV").update(name="changed")
    loadcodes()
    assert StatusCode.objects.get(code="OTOV").name == "Oppfølging og veiledning"


def test_loadcodes_is_audited_as_the_system():
    loadcodes()
    event = AuditEvent.objects.get(action="codes.kodeverk.loaded")
    assert event.actor is None
    assert event.actor_label == "system"
    assert event.data["version"] == "2021-04"
    assert event.data["status_codes"] == 23


def test_loadcodes_reports_what_it_loaded():
    assert "Kodeverk 2021-04 loaded: 5 main groups, 23 status codes" in loadcodes()


def test_loadcodes_from_a_file_retires_a_code_without_deleting_it(tmp_path):
    data = loader.read()
    for row in data["status_codes"]:
        if row["code"] == "OTIF":
            row["valid_to"] = 2024
    path = tmp_path / "kodeverk.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loadcodes(str(path))
    kv = kodeverk()
    assert kv.status_main_group("OTIF", 2024) == 4
    assert kv.status_main_group("OTIF", 2025) is None
    assert StatusCode.objects.count() == 23
