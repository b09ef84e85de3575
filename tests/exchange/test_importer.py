"""The importer enforces every rule of EXCHANGE.md §1 and §5: one bad file per rule, each
reported with file, line, field and reason, and nothing written."""

from datetime import date

import pytest
from django.utils import translation

from tests.conftest import synthetic_fnr
from tests.exchange.files import HEADER, base_records, changed, lines
from veiviser.audit.models import AuditEvent
from veiviser.exchange import importer
from veiviser.exchange.importer import ImportFailed, import_lines
from veiviser.organisation.models import County, Municipality, Unit
from veiviser.people.models import Person
from veiviser.registry.models import ReasonFact, Registration, StatusFact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["chunks", "one-record-chunks"])
def chunk_size(request, monkeypatch):
    """Every test twice: with the importer's chunks, and with chunks of one record, so that no
    rule depends on records being checked or written in the same chunk."""
    if request.param == "one-record-chunks":
        monkeypatch.setattr(importer, "CHUNK", 1)


MODELS = (County, Unit, Person, Registration, ReasonFact, StatusFact)


def run(records, county="39", **kw):
    return import_lines(lines(records), county=county, actor=None, filename="test.jsonl", **kw)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def errors_of(records, county="39"):
    """Import a bad file: it must fail, write nothing, and give its errors as (line, field)."""
    before = counts()
    with pytest.raises(ImportFailed) as excinfo:
        run(records, county=county)
    assert counts() == before, "a file with an error must write nothing"
    assert all(str(e).startswith("test.jsonl:") for e in excinfo.value.errors)
    return [(e.line, e.field) for e in excinfo.value.errors], excinfo.value.errors


# --- a good file --------------------------------------------------------------------------


def test_valid_file_creates_every_record():
    result = run(base_records())
    assert result.created == {
        "unit": 1,
        "person": 2,
        "registration": 2,
        "reason": 1,
        "status": 2,
    }
    assert counts() == {
        "County": 1,
        "Unit": 1,
        "Person": 2,
        "Registration": 2,
        "ReasonFact": 1,
        "StatusFact": 2,
    }
    assert County.objects.get().name == "Vestfold"
    unit = Unit.objects.get(key="u-tbg")
    assert sorted(unit.municipalities.values_list("number", flat=True)) == ["3905", "3911"]


def test_import_is_audited_once_with_checksum():
    result = run(base_records())
    event = AuditEvent.objects.get(action="exchange.import.completed")
    assert event.data["sha256"] == result.checksum
    assert event.data["created"]["status"] == 2
    assert event.county == "39"


def test_importing_the_same_file_twice_changes_nothing():
    run(base_records())
    before = counts()
    result = run(base_records())
    assert counts() == before
    assert sum(result.created.values()) == 0
    assert sum(result.updated.values()) == 0
    assert result.unchanged["status"] == 2


def test_records_may_come_in_any_order_after_the_header():
    records = base_records()
    run([records[0], *reversed(records[1:])])
    assert Registration.objects.count() == 2


def test_references_resolve_against_the_database():
    records = base_records()
    run(records[:6])
    result = run([records[0], *records[6:]])
    assert result.created == {"reason": 1, "status": 2, "unit": 0, "person": 0, "registration": 0}


def test_person_without_number_is_allowed_and_flagged():
    run(base_records())
    assert Person.objects.get(key="p-2").lacks_identity_number


def test_known_person_is_updated_and_audited():
    run(base_records())
    result = run(changed(base_records(), "p-1", family_name="Nyttnavn"))
    assert result.updated["person"] == 1
    assert Person.objects.get(key="p-1").family_name == "Nyttnavn"
    event = AuditEvent.objects.get(action="people.person.updated")
    assert event.data == {"fields": ["family_name"]}


def test_known_unit_is_updated_and_municipality_moves():
    run(base_records())
    records = changed(base_records(), "u-tbg", municipalities=["3905"])
    records += [{"type": "unit", "id": "u-fae", "name": "Færder", "municipalities": ["3911"]}]
    result = run(records)
    assert result.created["unit"] == 1
    assert result.unchanged["unit"] == 1
    assert Municipality.objects.get(number="3911").unit.key == "u-fae"


def test_dry_run_writes_nothing_but_says_what_would_change():
    result = run(base_records(), dry_run=True)
    assert result.created["person"] == 2
    assert Person.objects.count() == 0


def test_blank_lines_are_skipped():
    text = lines(base_records())
    text.insert(3, "\n")
    import_lines([*text, "\n"], county="39", actor=None)
    assert Person.objects.count() == 2


def test_unknown_field_is_a_warning_not_an_error():
    result = run(changed(base_records(), "p-1", nickname="Olabola"))
    assert [(w.line, w.field) for w in result.warnings] == [(3, "nickname")]


# --- one bad file per rule -----------------------------------------------------------------


def test_every_error_is_reported_not_just_the_first():
    records = changed(base_records(), "s-1", code="OTXX")
    records = changed(records, "r-2", reason="bored")
    found, _ = errors_of(records)
    assert found == [(6, "reason"), (8, "code")]


def test_error_names_file_line_field_and_reason():
    _, errors = errors_of(changed(base_records(), "s-1", code="OTXX"))
    assert str(errors[0]) == "test.jsonl:8: code: 'OTXX' is not an OT status code"


def test_error_reasons_are_in_bokmal_field_names_in_the_format():
    """The report is for county staff: the installation's language (bokmål), with the field
    names of the exchange format."""
    with translation.override("nb"):
        _, errors = errors_of(changed(base_records(), "s-1", code="OTXX"))
        assert str(errors[0]) == "test.jsonl:8: code: 'OTXX' er ikke en statuskode i OT"
        _, errors = errors_of(changed(base_records(), "s-1", valid_from="2024-08-01"))
        assert str(errors[0]) == (
            "test.jsonl:8: valid_from: 2024-08-01 er utenfor tilmeldingens skoleår 2023/24 "
            "(2023-08-01 – 2024-07-31)"
        )


def test_line_that_is_not_json():
    text = lines(base_records())
    text.insert(2, "{not json\n")
    with pytest.raises(ImportFailed) as excinfo:
        import_lines(text, county="39", actor=None, filename="f.jsonl")
    assert [(e.line, e.field) for e in excinfo.value.errors] == [(3, "-")]


def test_line_that_is_not_an_object():
    records = [*base_records(), ["a", "list"]]
    found, _ = errors_of(records)
    assert found == [(10, "-")]


def test_unknown_record_type():
    found, _ = errors_of([*base_records(), {"type": "guardian", "id": "g-1"}])
    assert found == [(10, "type")]


def test_header_must_be_the_first_line():
    records = base_records()
    found, _ = errors_of([records[1], records[0], *records[2:]])
    assert (1, "type") in found
    assert (2, "type") in found


def test_empty_file():
    with pytest.raises(ImportFailed) as excinfo:
        import_lines([], county="39", actor=None)
    assert excinfo.value.errors[0].line == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("format", "something-else"), ("version", 3), ("county", "9"), ("county", 39)],
)
def test_header_fields(field, value):
    records = base_records()
    records[0] = {**HEADER, field: value}
    found, _ = errors_of(records)
    assert found == [(1, field)]


def test_header_county_must_match_the_import():
    found, _ = errors_of(base_records(), county="40")
    assert found == [(1, "county")]


@pytest.mark.parametrize(
    ("record_id", "field"),
    [
        ("u-tbg", "name"),
        ("p-1", "birth_date"),
        ("p-1", "given_name"),
        ("p-1", "fnr"),
        ("r-1", "school_year"),
        ("r-1", "recorded_at"),
        ("c-1", "valid_from"),
        ("s-1", "code"),
    ],
)
def test_required_field_missing(record_id, field):
    _, errors = errors_of(changed(base_records(), record_id, **{field: "<drop>"}))
    assert (field, "is required") in [(e.field, e.reason) for e in errors]


@pytest.mark.parametrize(
    ("record_id", "field", "value"),
    [
        ("p-1", "birth_date", "01.05.2005"),
        ("p-1", "birth_date", "2005-02-30"),
        ("p-1", "municipality", "390"),
        ("u-tbg", "municipalities", ["3905", "39"]),
        ("u-tbg", "municipalities", "3905"),
        ("r-1", "school_year", "2023"),
        ("r-1", "recorded_at", "2023-08-21T09:00:00"),
        ("r-1", "recorded_at", "2023-08-21"),
        ("s-1", "valid_from", "2023-9-1"),
        ("p-1", "given_name", ""),
        ("p-1", "fnr", 1850552084),
    ],
)
def test_field_of_wrong_shape(record_id, field, value):
    found, _ = errors_of(changed(base_records(), record_id, **{field: value}))
    line = next(i for i, r in enumerate(base_records(), 1) if r.get("id") == record_id)
    assert found == [(line, field)]


def test_fnr_with_bad_check_digits():
    number = synthetic_fnr(date(2005, 5, 1))
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    found, errors = errors_of(changed(base_records(), "p-1", fnr=bad))
    assert found == [(3, "fnr")]
    assert "check digits" in errors[0].reason


def test_fnr_must_agree_with_birth_date():
    found, _ = errors_of(changed(base_records(), "p-1", birth_date="2005-05-02"))
    assert found == [(3, "birth_date")]


def test_synthetic_number_refused_where_the_installation_does_not_allow_it(settings):
    settings.ALLOW_SYNTHETIC_FNR = False
    found, errors = errors_of(base_records())
    assert found == [(3, "fnr")]
    assert "synthetic" in errors[0].reason


def test_two_persons_with_one_number():
    records = changed(base_records(), "p-2", fnr=synthetic_fnr(date(2005, 5, 1)))
    records = changed(records, "p-2", birth_date="2005-05-01")
    found, _ = errors_of(records)
    assert found == [(4, "fnr")]


def test_number_held_by_another_person_in_the_county():
    run(base_records())
    records = changed(base_records(), "p-1", id="p-99")
    records = [r for r in records if r["type"] in ("header", "person")]
    found, _ = errors_of(records)
    assert found == [(2, "fnr")]


def test_same_id_twice_with_other_content():
    records = [*base_records(), {**base_records()[2], "given_name": "Per"}]
    found, _ = errors_of(records)
    assert found == [(10, "id")]


def test_same_id_twice_with_same_content_is_a_warning():
    result = run([*base_records(), base_records()[2]])
    assert [(w.line, w.field) for w in result.warnings] == [(10, "id")]


def test_municipality_in_two_units():
    records = [
        *base_records(),
        {"type": "unit", "id": "u-x", "name": "X", "municipalities": ["3905"]},
    ]
    found, _ = errors_of(records)
    assert found == [(10, "municipalities")]


def test_reference_to_unknown_person():
    found, _ = errors_of(changed(base_records(), "r-1", person="p-404"))
    assert found == [(5, "person")]


def test_reference_to_unknown_unit():
    found, _ = errors_of(changed(base_records(), "r-1", unit="u-404"))
    assert found == [(5, "unit")]


def test_reference_to_unknown_registration():
    found, _ = errors_of(changed(base_records(), "s-1", registration="r-404"))
    assert found == [(8, "registration")]


def test_unreadable_line_is_not_reported_again_through_its_references():
    found, _ = errors_of(changed(base_records(), "r-1", school_year="2023"))
    assert found == [(5, "school_year")]


def test_unknown_reason_group():
    found, _ = errors_of(changed(base_records(), "r-1", reason="bored"))
    assert found == [(5, "reason")]


def test_reason_fact_with_unknown_group():
    found, _ = errors_of(changed(base_records(), "c-1", reason="bored"))
    assert found == [(7, "reason")]


def test_reason_code_of_another_group():
    found, _ = errors_of(changed(base_records(), "r-1", reason_code="OESL"))
    assert found == [(5, "reason_code")]


def test_registered_on_outside_the_school_year():
    found, _ = errors_of(changed(base_records(), "r-1", registered_on="2023-07-31"))
    assert found == [(5, "registered_on")]


def test_one_registration_per_person_and_school_year_in_the_file():
    records = [*base_records(), {**base_records()[4], "id": "r-9"}]
    found, _ = errors_of(records)
    assert found == [(10, "school_year")]


def test_one_registration_per_person_and_school_year_against_the_database():
    run(base_records())
    records = [HEADER, {**base_records()[4], "id": "r-9", "registered_on": "2024-03-01"}]
    found, _ = errors_of(records)
    assert found == [(2, "school_year")]


def test_status_code_unknown():
    found, _ = errors_of(changed(base_records(), "s-1", code="OTXX"))
    assert found == [(8, "code")]


def test_status_code_not_valid_in_the_school_year():
    # OTVF exists from school year 2016/17 (kodeverk data).
    records = changed(base_records(), "r-1", school_year=2015, registered_on="2015-08-20")
    records = changed(records, "s-1", code="OTVF", valid_from="2015-09-01")
    records = [r for r in records if r.get("id") not in ("c-1", "s-2")]
    found, errors = errors_of(records)
    assert found == [(7, "code")]
    assert "not valid in school year 2015/16" in errors[0].reason


@pytest.mark.parametrize("kind_id", ["s-1", "c-1"])
def test_valid_from_outside_the_school_year(kind_id):
    found, _ = errors_of(changed(base_records(), kind_id, valid_from="2024-08-01"))
    line = next(i for i, r in enumerate(base_records(), 1) if r.get("id") == kind_id)
    assert found == [(line, "valid_from")]


def test_valid_from_before_registered_on_is_allowed():
    run(changed(base_records(), "s-1", valid_from="2023-08-01"))
    assert StatusFact.objects.get(key="s-1").valid_from == date(2023, 8, 1)


@pytest.mark.parametrize(
    ("record_id", "field", "value"),
    [
        ("s-1", "code", "OTAR"),
        ("s-1", "valid_from", "2023-09-02"),
        ("s-1", "recorded_at", "2023-09-02T11:00:00+02:00"),
        ("c-1", "reason", "other"),
        ("r-1", "registered_on", "2023-08-21"),
        ("r-1", "unit", None),
    ],
)
def test_facts_are_immutable(record_id, field, value):
    run(base_records())
    found, errors = errors_of(changed(base_records(), record_id, **{field: value}))
    line = next(i for i, r in enumerate(base_records(), 1) if r.get("id") == record_id)
    assert found == [(line, field)]
    assert "immutable" in errors[0].reason


def test_same_instant_in_another_offset_is_the_same_fact():
    run(base_records())
    result = run(changed(base_records(), "s-1", recorded_at="2023-09-02T08:00:00Z"))
    assert result.unchanged["status"] == 2


def test_ambiguous_facts_in_the_file_name_both_lines():
    records = [*base_records(), {**base_records()[7], "id": "s-9", "code": "OTAR"}]
    found, errors = errors_of(records)
    assert found == [(10, "recorded_at")]
    assert "line 8" in errors[0].reason


def test_ambiguous_fact_against_the_database():
    run(base_records())
    records = [HEADER, {**base_records()[7], "id": "s-9", "recorded_at": "2023-09-02T08:00:00Z"}]
    found, errors = errors_of(records)
    assert found == [(2, "recorded_at")]
    assert "'s-1'" in errors[0].reason


def test_correction_with_later_recorded_at_is_accepted():
    run(base_records())
    correction = {
        **base_records()[7],
        "id": "s-1b",
        "code": "OTAP",
        "recorded_at": "2023-10-01T10:00:00+02:00",
    }
    run([HEADER, correction])
    assert StatusFact.objects.filter(registration__key="r-1").count() == 3


# --- a file read more than once ------------------------------------------------------------


def change_before(step, monkeypatch, path, records):
    """Rewrite the file at `path` with `records` just before the import's `step` reads it."""
    original = getattr(importer._Import, step)

    def changed_first(self, *args):
        path.write_text("".join(lines(records)), encoding="utf-8")
        return original(self, *args)

    monkeypatch.setattr(importer._Import, step, changed_first)


@pytest.mark.parametrize("step", ["check", "write"])
def test_a_file_that_changes_while_it_is_imported_writes_nothing(step, monkeypatch, tmp_path):
    """The importer reads a file again to check it and to write it: if it is no longer the
    file it read first, the import fails (and a write already begun is rolled back)."""
    path = tmp_path / "f.jsonl"
    path.write_text("".join(lines(base_records())), encoding="utf-8")
    change_before(step, monkeypatch, path, changed(base_records(), "s-1", code="OTAR"))
    before = counts()
    with pytest.raises(ImportFailed) as excinfo:
        importer.import_path(path, county="39", actor=None)
    assert counts() == before
    assert [(e.line, e.field) for e in excinfo.value.errors] == [(8, "-")]
    assert "changed while it was being imported" in excinfo.value.errors[0].reason


def test_a_file_cut_short_while_it_is_imported_writes_nothing(monkeypatch, tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text("".join(lines(base_records())), encoding="utf-8")
    change_before("write", monkeypatch, path, base_records()[:5])
    with pytest.raises(ImportFailed) as excinfo:
        importer.import_path(path, county="39", actor=None)
    assert [(e.line, e.field) for e in excinfo.value.errors] == [(6, "-")]
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_stream_is_read_once_and_spooled():
    """A stream that can be read only once (a generator, stdin) imports like a list."""
    stream = iter(lines(base_records()))
    result = import_lines(stream, county="39", actor=None)
    assert result.created["status"] == 2
    assert next(stream, None) is None
