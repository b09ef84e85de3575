"""The importer's memory (docs/performance.md, "Memory"): the file is read line by line, and
what an import holds grows with the file only by its compact index (ids, identity numbers, the
moments of facts), never by the records themselves: the lines are read again to check and to
write, a chunk at a time, and the write step makes the new rows as it writes them."""

import gc
import io
import json
import tracemalloc
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import synthetic_fnr
from tests.exchange.files import lines
from tests.statistics.test_tables import random_county
from veiviser.exchange import importer
from veiviser.exchange.format import Line
from veiviser.people.models import Person
from veiviser.registry.models import Registration, StatusFact

pytestmark = pytest.mark.django_db


def county_file(county: str, persons: int, first_birth: date) -> list[str]:
    """A valid file of about six lines per person: the person, a registration, three statuses
    and a reason. Every person has their own birth date, so every identity number differs."""
    records = [{"type": "header", "format": "veiviser-exchange", "version": 1, "county": county}]
    start = datetime(2023, 8, 20, 9, tzinfo=UTC)
    for n in range(persons):
        birth = first_birth + timedelta(days=n)
        records.append(
            {
                "type": "person",
                "id": f"p-{n}",
                "fnr": synthetic_fnr(birth),
                "birth_date": birth.isoformat(),
                "given_name": "Test",
                "family_name": f"Person{n}",
            }
        )
        registered = start + timedelta(days=n % 300)
        records.append(
            {
                "type": "registration",
                "id": f"r-{n}",
                "person": f"p-{n}",
                "school_year": 2023,
                "registered_on": registered.date().isoformat(),
                "reason": "dropped_out",
                "recorded_at": registered.isoformat(),
            }
        )
        for m, code in enumerate(("OTUK", "OTOV", "OTAP")):
            valid = registered + timedelta(days=10 * m)
            records.append(
                {
                    "type": "status",
                    "id": f"s-{n}-{m}",
                    "registration": f"r-{n}",
                    "code": code,
                    "valid_from": min(valid.date(), date(2024, 7, 31)).isoformat(),
                    "recorded_at": (valid + timedelta(hours=m)).isoformat(),
                }
            )
        records.append(
            {
                "type": "reason",
                "id": f"c-{n}",
                "registration": f"r-{n}",
                "reason": "other",
                "valid_from": "2024-07-01",
                "recorded_at": "2024-07-02T10:00:00+02:00",
            }
        )
    return [json.dumps(record) + "\n" for record in records]


def peak_bytes(text: list[str], county: str) -> int:
    """The most memory (tracemalloc) the import of `text` held above what was held before."""
    stream = io.StringIO("".join(text))  # a stream: the importer spools it to read it again
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = importer.import_lines(stream, county=county, actor=None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.created["status"] == 3 * (len(text) - 1) // 6
    return peak - before


def test_memory_per_line_is_the_index_not_the_records(monkeypatch, vestfold, telemark):
    """Import a file and one four times its size: what the larger file needs more, per line,
    is the index (a few hundred bytes a line), not the records. Holding each record's parsed
    values until the write, as the importer did, costs over 1 KiB a line here."""
    monkeypatch.setattr(importer, "CHUNK", 50)  # the chunks' constant memory stays small
    # A first import loads what a process loads once (the kodeverk, translations, queries).
    peak_bytes(county_file("42", 10, date(2004, 1, 1)), "42")
    small = county_file("39", 150, date(2005, 1, 1))
    large = county_file("40", 600, date(2006, 1, 1))
    small_peak = peak_bytes(small, "39")
    large_peak = peak_bytes(large, "40")
    per_line = (large_peak - small_peak) / (len(large) - len(small))
    assert per_line < 500, f"{per_line:.0f} bytes per line"


def test_no_record_is_held_between_the_readings(monkeypatch, vestfold):
    """After the first reading, and when the write starts, the import holds no line's record
    (format.Line) but the header's: the index has what the checks across lines need."""
    held = {}

    def lines_alive() -> int:
        gc.collect()
        return sum(1 for obj in gc.get_objects() if isinstance(obj, Line))

    for step in ("check", "write"):
        original = getattr(importer._Import, step)

        def counted(self, *args, _step=step, _original=original, **kw):
            held[_step] = lines_alive()
            return _original(self, *args, **kw)

        monkeypatch.setattr(importer._Import, step, counted)
    result = importer.import_lines(county_file("39", 40, date(2005, 1, 1)), county="39", actor=None)
    assert result.created["status"] == 120
    assert held == {"check": 1, "write": 1}


def test_the_write_step_makes_rows_a_chunk_at_a_time(monkeypatch, vestfold):
    monkeypatch.setattr(importer, "CHUNK", 3)
    made = {Person: 0, Registration: 0, StatusFact: 0}
    made_when_first_taken = {}

    def counting_init(model):
        original = model.__init__

        def init(self, *args, **kw):
            made[model] += 1
            original(self, *args, **kw)

        return init

    for model in made:
        monkeypatch.setattr(model, "__init__", counting_init(model))

    original_bulk = importer._bulk_create

    def bulk(model, objects, bar):
        def watched():
            for obj in objects:
                yield obj
                if model in made:
                    made_when_first_taken.setdefault(model, made[model])

        original_bulk(model, watched(), bar)

    monkeypatch.setattr(importer, "_bulk_create", bulk)
    records = random_county(5, 2023, persons=20)
    result = importer.import_lines(lines(records), county="39", actor=None)

    assert result.created["person"] == 20
    assert made[Person] >= 20
    # When the first new row was taken for writing, it was the only one made so far: the rows
    # are made as they are written, not all before (a list would have made all 20).
    assert made_when_first_taken[Person] == 1
    assert made_when_first_taken[Registration] == 1
    assert Person.objects.filter(county=vestfold).count() == 20


def test_the_file_is_read_line_by_line(vestfold):
    """The reader iterates over the file: a file object that refuses read() (whole-file
    reading) still imports, and so does a stream that can be iterated only once (stdin, a
    generator): the importer spools it to read it again."""

    class LinesOnly(io.StringIO):
        def read(self, *args):
            raise AssertionError("the whole file was read at once")

        def readlines(self, *args):
            raise AssertionError("the whole file was read at once")

    text = "\n".join(lines(random_county(6, 2023, persons=5))) + "\n"
    result = importer.import_lines(LinesOnly(text), county="39", actor=None)
    assert result.created["person"] == 5

    once = (line for line in lines(random_county(6, 2023, persons=5)))
    result = importer.import_lines(once, county="39", actor=None)
    assert result.unchanged["person"] == 5
