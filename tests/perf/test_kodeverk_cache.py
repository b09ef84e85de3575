"""The kodeverk snapshot is cached in the process and read again when, and only when, its
version token changes (codes.selectors; docs/performance.md, "The kodeverk cache")."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veiviser.codes import loader
from veiviser.codes.models import AgeLimit, KodeverkVersion, StatusCode
from veiviser.codes.selectors import kodeverk, kodeverk_changed, load_kodeverk

pytestmark = pytest.mark.django_db


def count_queries(function) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured), result


def test_the_migrations_give_the_kodeverk_a_token():
    assert len(KodeverkVersion.objects.get(pk=1).token) == 32


def test_a_cached_snapshot_costs_one_query_for_its_token():
    kodeverk_changed()
    first, snapshot = count_queries(kodeverk)
    assert first == 7  # the token and the six code tables
    again, cached = count_queries(kodeverk)
    assert again == 1
    assert cached is snapshot
    assert cached == load_kodeverk()


def test_loadcodes_makes_every_process_read_the_kodeverk_again(tmp_path):
    before = kodeverk()
    token = KodeverkVersion.objects.get(pk=1).token
    assert before.status_main_group("OTIF", 2025) == 4
    data = loader.read()
    for row in data["status_codes"]:
        if row["code"] == "OTIF":
            row["valid_to"] = 2024
    path = tmp_path / "kodeverk.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("loadcodes", str(path), stdout=StringIO())
    assert KodeverkVersion.objects.get(pk=1).token != token
    assert kodeverk().status_main_group("OTIF", 2025) is None


def test_another_process_changing_the_token_is_seen():
    """Another process (here: a bulk update and a new token written behind this process's back)
    changed the kodeverk: the next call reads it again."""
    assert kodeverk().age_limit(2024) == (15, 24)
    AgeLimit.objects.filter(valid_from=2024).update(max_age=25)
    assert kodeverk().age_limit(2024) == (15, 24)  # the token did not change: still cached
    KodeverkVersion.objects.filter(pk=1).update(token="0" * 32)
    assert kodeverk().age_limit(2024) == (15, 25)


def test_saving_a_code_row_through_the_orm_changes_the_token():
    assert kodeverk().status_main_group("OTOV", 2024) is not None
    code = StatusCode.objects.filter(code="OTOV").order_by("-valid_from").first()
    code.valid_to = 2023
    code.save()
    assert kodeverk().status_main_group("OTOV", 2024) is None


def test_one_request_reads_the_token_once(client, advisor):
    """However often a page asks for the kodeverk, the request checks the token once."""
    client.force_login(advisor)
    client.get("/ungdommer/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/ungdommer/").status_code == 200
    tokens = [q for q in captured if "codes_kodeverkversion" in q["sql"]]
    assert len(tokens) == 1
    assert not [q for q in captured if "codes_statuscode" in q["sql"]]
    # after the request, a call outside a request checks the token again
    assert count_queries(kodeverk)[0] == 1
