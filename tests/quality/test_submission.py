"""The submission file: one row per registration counted at the date, reproducible byte for
byte for an earlier instant, logged and audited."""

import csv
import hashlib
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from veiviser.audit.models import AuditEvent
from veiviser.codes.selectors import kodeverk
from veiviser.quality.models import Submission
from veiviser.quality.services import KnownAtInFuture, submission_produce
from veiviser.quality.submission import COLUMNS, submission_file
from veiviser.registry import services as registry
from veiviser.statistics.tables import tables_at

pytestmark = pytest.mark.django_db

NOV = date(2024, 11, 15)


def parsed(content: bytes) -> list[dict]:
    text = content.decode("utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_one_row_per_registration_counted_at_the_date(vestfold, register):
    counted = register(statuses=[("OTOV", date(2024, 9, 1))])
    register(registered_on=date(2024, 12, 1))
    produced, _ = submission_produce(actor=None, county=vestfold, on=NOV)
    rows = parsed(produced.content)
    assert list(rows[0]) == COLUMNS
    assert [r["registration"] for r in rows] == [counted.key]
    row = rows[0]
    assert row["county"] == "39"
    assert row["unit_name"] == "Tønsberg"
    assert row["fnr"] == counted.person.fnr
    assert row["reason"] == "not_applied"
    assert (row["status"], row["main_group"], row["in_target_group"]) == ("OTOV", "2", "1")


def test_the_file_agrees_with_table_1_and_2(vestfold, register):
    register(statuses=[("OTOV", date(2024, 9, 1))])
    register(statuses=[("OTAR_IM", date(2024, 9, 1))])
    register(birth_date=date(1995, 1, 1), statuses=[("OTOA", date(2024, 9, 1))])
    produced, _ = submission_produce(actor=None, county=vestfold, on=NOV)
    rows = parsed(produced.content)
    tables = tables_at(kodeverk(), county="39", school_year=2024, on=NOV)
    assert len(rows) == tables.table1["total"]
    assert sum(r["in_target_group"] == "1" for r in rows) == tables.table2["target_group"]


def test_the_checksum_is_the_sha256_of_the_bytes_and_the_log_keeps_it(vestfold, register, advisor):
    from veiviser.organisation import services as organisation
    from veiviser.organisation.models import Role

    office = organisation.staff_user_create(
        actor=None, username="ola", password="pw-123456789", role=Role.OFFICE, county=vestfold
    )
    register()
    produced, log = submission_produce(actor=office, county=vestfold, on=NOV)
    assert produced.sha256 == hashlib.sha256(produced.content).hexdigest()
    assert Submission.objects.get() == log
    assert (log.sha256, log.rows, log.produced_by, log.on) == (produced.sha256, 1, office, NOV)
    event = AuditEvent.objects.get(action="quality.submission.produced")
    assert event.data["sha256"] == produced.sha256
    assert event.county == "39"


def test_the_file_for_an_earlier_instant_equals_the_one_produced_then(vestfold, register):
    with time_machine.travel("2024-11-20 09:00 +01:00", tick=False):
        changing = register(statuses=[("OTOV", date(2024, 9, 1))])
        first, log = submission_produce(actor=None, county=vestfold, on=NOV)
    with time_machine.travel("2024-12-02 09:00 +01:00", tick=False):
        # Learned afterwards: a status from before the date, and a late registration.
        registry.status_record(
            actor=None, registration=changing, code="OTEV", valid_from=date(2024, 11, 1)
        )
        register(registered_on=date(2024, 10, 1))
        now, _ = submission_produce(actor=None, county=vestfold, on=NOV)
        again, _ = submission_produce(actor=None, county=vestfold, on=NOV, known_at=log.known_at)
    assert now.content != first.content
    assert again.content == first.content
    assert again.sha256 == log.sha256


def test_an_instant_in_the_future_is_refused_and_nothing_is_logged(vestfold):
    with pytest.raises(KnownAtInFuture):
        submission_produce(
            actor=None, county=vestfold, on=NOV, known_at=timezone.now() + timedelta(days=1)
        )
    assert not Submission.objects.exists()


def test_only_county_statistics_scope_may_produce(vestfold, advisor):
    with pytest.raises(PermissionDenied):
        submission_produce(actor=advisor, county=vestfold, on=NOV)
    assert not Submission.objects.exists()


def test_rows_are_ordered_by_registration_key(vestfold, register):
    keys = [register().key for _ in range(3)]
    rows = parsed(submission_file(kodeverk(), county="39", on=NOV, known_at=None).content)
    assert [r["registration"] for r in rows] == sorted(keys)
