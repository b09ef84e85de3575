"""The intake import: preview per row, apply exactly as previewed, atomic and idempotent."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from tests.conftest import synthetic_fnr
from tests.intake.conftest import HEADER, csv_bytes, row
from veiviser.audit.models import AuditEvent
from veiviser.intake import services
from veiviser.intake.models import ColumnMapping, IntakeRun, RunStatus
from veiviser.people.models import Person
from veiviser.problems import ValidationFailed
from veiviser.registry import services as registry
from veiviser.registry.models import ReasonFact, Registration, Source

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The reasons in English, as written in the source (the web tests read them in bokmål)."""
    with translation.override("en"):
        yield


def preview(actor, county, rows, **kw):
    return services.run_preview(
        actor=actor, county=county, filename="inntak.csv", data=csv_bytes(rows, **kw)
    )


def apply(run, actor):
    return services.run_confirm(actor=actor, run=run, sha256=run.sha256, background=False)


def actions(run):
    return [(r["row"], r["action"]) for r in run.plan]


def test_good_and_bad_rows_are_previewed_and_imported_exactly_as_previewed(
    vestfold, tonsberg, horten, office
):
    rows = [
        row(birth=date(2007, 4, 2)),
        row(birth=date(2007, 5, 3), municipality="3901", reason="OESL"),
        row(birth=date(2007, 6, 4), fnr="12345678901"),
        row(birth=date(2007, 7, 5), municipality="9999"),
        row(birth=date(2007, 8, 6), reason="XYZ"),
        row(birth=date(2007, 9, 7), registered="01.08.2023"),
    ]
    run = preview(office, vestfold, rows)
    assert actions(run) == [
        (2, "create"),
        (3, "create"),
        (4, "rejected"),
        (5, "rejected"),
        (6, "rejected"),
        (7, "rejected"),
    ]
    assert not Registration.objects.exists()  # a preview writes nothing but the run
    problems = {r["row"]: r["problems"] for r in run.plan}
    assert problems[4][0]["column"] == "Fødselsnummer"
    assert "check digits" in problems[4][0]["reason"]
    assert problems[5] == [
        {
            "field": "municipality",
            "column": "Kommunenr",
            "reason": "not a municipality of the county",
        }
    ]
    assert problems[6][0]["column"] == "Årsak"
    assert problems[7][0]["column"] == "Registrert dato"

    run = apply(run, office)
    assert run.status == RunStatus.DONE
    registrations = Registration.objects.order_by("person__birth_date")
    assert [(r.unit, r.reason, r.reason_code, r.source) for r in registrations] == [
        (tonsberg, "not_applied", "OSON", Source.ADMISSIONS),
        (horten, "dropped_out", "OESL", Source.ADMISSIONS),
    ]
    applied = AuditEvent.objects.get(action="intake.run.applied")
    assert applied.data["sha256"] == run.sha256
    assert (applied.data["create"], applied.data["rejected"]) == (2, 4)
    assert applied.actor == office


def test_importing_the_same_file_again_changes_nothing_and_says_so(vestfold, tonsberg, office):
    rows = [row(birth=date(2007, 4, 2)), row(birth=date(2007, 5, 3))]
    first = apply(preview(office, vestfold, rows), office)
    events = AuditEvent.objects.count()
    second = preview(office, vestfold, rows)
    assert [r["action"] for r in second.plan] == ["unchanged", "unchanged"]
    assert list(services.earlier_imports(second)) == [first]
    apply(second, office)
    assert Registration.objects.count() == 2
    assert Person.objects.count() == 2
    # Only the run's own events: previewed and applied.
    assert AuditEvent.objects.count() == events + 2


def test_a_new_reason_or_name_is_an_update(vestfold, tonsberg, office):
    apply(preview(office, vestfold, [row(reason="OSON")]), office)
    run = preview(office, vestfold, [row(reason="OSVE", family="Nyttnavn")])
    assert run.plan[0]["action"] == "update"
    assert run.plan[0]["changes"] == ["family_name", "reason"]
    apply(run, office)
    registration = Registration.objects.get()
    assert ReasonFact.objects.get(registration=registration).reason == "declined"
    assert registration.person.family_name == "Nyttnavn"
    assert (
        preview(office, vestfold, [row(reason="OSVE", family="Nyttnavn")]).plan[0]["action"]
        == "unchanged"
    )


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)]
)
def test_utf8_with_or_without_bom_and_windows_1252_are_read_alike(
    vestfold, tonsberg, office, encoding, bom
):
    run = preview(office, vestfold, [row(given="Åse Bjørg")], encoding=encoding, bom=bom)
    assert run.plan[0]["action"] == "create", run.plan[0]["problems"]
    assert run.plan[0]["data"]["given_name"] == "Åse Bjørg"
    assert run.plan[0]["data"]["family_name"] == "Prøvesen"
    assert (
        run.encoding
        == {"utf-8": "utf-8-sig" if bom else "utf-8", "cp1252": "windows-1252"}[encoding]
    )


def test_a_file_in_neither_encoding_is_refused(vestfold, office):
    with pytest.raises(ValidationFailed, match="neither UTF-8 nor Windows-1252"):
        services.run_preview(actor=office, county=vestfold, filename="x.csv", data=b"a;b\x81\n")


def test_a_missing_column_names_the_header(vestfold, office):
    header = [h for h in HEADER if h != "Årsak"]
    with pytest.raises(ValidationFailed) as failed:
        preview(office, vestfold, [], header=header)
    assert failed.value.problems[0].field == "Årsak"
    assert "row 1" in failed.value.problems[0].reason
    assert not IntakeRun.objects.exists()


def test_the_county_mapping_names_the_columns_and_reason_values(vestfold, tonsberg, office):
    services.mapping_save(
        actor=office,
        county=vestfold,
        columns={**ColumnMapping(county=vestfold).columns, "reason": "Grunn"},
        reason_values={"Søkte ikke": "OSON"},
    )
    header = [("Grunn" if h == "Årsak" else h) for h in HEADER]
    run = preview(office, vestfold, [row(reason="Søkte ikke")], header=header)
    assert run.plan[0]["action"] == "create"
    assert run.plan[0]["data"]["reason_code"] == "OSON"


def test_the_same_youth_twice_in_a_file_is_rejected_the_second_time(vestfold, tonsberg, office):
    run = preview(office, vestfold, [row(), row(reason="OSVE")])
    assert actions(run) == [(2, "create"), (3, "rejected")]
    assert "row 2" in run.plan[1]["problems"][0]["reason"]


def test_a_failure_mid_apply_writes_nothing(vestfold, tonsberg, office):
    run = preview(office, vestfold, [row(birth=date(2007, 4, 2)), row(birth=date(2007, 5, 3))])
    real = registry.registration_create
    calls = []

    def fail_second(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kw)

    with (
        mock.patch.object(registry, "registration_create", fail_second),
        pytest.raises(RuntimeError),
    ):
        apply(run, office)
    assert not Registration.objects.exists()
    assert not Person.objects.exists()
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, "disk full")


def test_a_change_between_preview_and_confirmation_refuses_the_run(
    vestfold, tonsberg, office, make_person
):
    birth = date(2007, 4, 2)
    run = preview(office, vestfold, [row(birth=birth), row(birth=date(2007, 5, 3))])
    person = make_person(birth_date=birth, given="Nora", family="Prøvesen")
    registry.registration_create(
        actor=None,
        person=person,
        school_year=2024,
        registered_on=date(2024, 9, 1),
        reason="declined",
        unit=tonsberg,
    )
    with pytest.raises(services.StalePlan, match="rows 2"):
        apply(run, office)
    assert Registration.objects.count() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_a_confirmation_of_another_checksum_is_refused(vestfold, tonsberg, office):
    run = preview(office, vestfold, [row()])
    with pytest.raises(ValidationFailed, match="changed since the preview"):
        services.run_confirm(actor=office, run=run, sha256="0" * 64, background=False)
    assert not Registration.objects.exists()


def test_a_coordinator_imports_only_rows_of_their_own_unit(vestfold, tonsberg, horten, coordinator):
    run = preview(coordinator, vestfold, [row(), row(birth=date(2007, 5, 3), municipality="3901")])
    assert actions(run) == [(2, "create"), (3, "rejected")]
    assert run.plan[1]["problems"][0]["reason"] == "Horten is outside your unit"
    assert run.unit == tonsberg


def test_an_advisor_may_not_import(vestfold, advisor):
    with pytest.raises(PermissionDenied):
        preview(advisor, vestfold, [row()])


def test_another_countys_office_may_not_import_into_the_county(vestfold, telemark_office):
    with pytest.raises(PermissionDenied):
        preview(telemark_office, vestfold, [row()])


def test_birth_date_is_taken_from_the_number_when_the_column_is_empty(vestfold, tonsberg, office):
    cells = row(birth=date(2007, 4, 2))
    cells[3] = ""
    run = preview(office, vestfold, [cells])
    assert run.plan[0]["data"]["birth_date"] == "2007-04-02"
    assert run.plan[0]["data"]["fnr"] == synthetic_fnr(date(2007, 4, 2))


def test_background_confirmation_queues_the_run(
    vestfold, tonsberg, office, django_capture_on_commit_callbacks
):
    run = preview(office, vestfold, [row()])
    with django_capture_on_commit_callbacks(execute=False):
        run = services.run_confirm(actor=office, run=run, sha256=run.sha256)
    assert run.status == RunStatus.QUEUED
    services.run_apply(run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Registration.objects.get().recorded_by == office


def test_the_documented_example_file(vestfold, tonsberg, horten, office):
    from pathlib import Path

    example = Path(__file__).parents[2] / "docs" / "examples" / "inntak-eksempel.csv"
    run = services.run_preview(
        actor=office, county=vestfold, filename=example.name, data=example.read_bytes()
    )
    assert actions(run) == [
        (2, "create"),
        (3, "create"),
        (4, "create"),
        (5, "rejected"),
        (6, "rejected"),
    ]


def test_a_likely_duplicate_without_a_number_is_rejected(vestfold, tonsberg, office, make_person):
    make_person(birth_date=date(2007, 4, 2), given="Nora", family="PRØVESEN", fnr=None)
    run = preview(office, vestfold, [row(birth=date(2007, 4, 2))])
    assert run.plan[0]["action"] == "rejected"
    assert "same name and birth date" in run.plan[0]["problems"][0]["reason"]


def test_a_run_is_confirmed_once(vestfold, tonsberg, office):
    run = preview(office, vestfold, [row()])
    apply(run, office)
    with pytest.raises(ValidationFailed, match="not waiting for confirmation"):
        services.run_confirm(actor=office, run=run, sha256=run.sha256, background=False)
    assert Registration.objects.count() == 1


def test_the_plan_asks_the_database_a_fixed_number_of_times(
    vestfold, tonsberg, office, django_assert_max_num_queries
):
    rows = [row(birth=date(2007, 1, day)) for day in range(1, 29)]
    with django_assert_max_num_queries(20):
        run = preview(office, vestfold, rows)
    assert run.created == 28


def test_a_task_delivered_twice_applies_once_and_stays_done(vestfold, tonsberg, office):
    run = apply(preview(office, vestfold, [row()]), office)
    again = services.run_apply(run=run)
    assert again.status == RunStatus.DONE
    assert Registration.objects.count() == 1
    assert AuditEvent.objects.filter(action="intake.run.applied").count() == 1
