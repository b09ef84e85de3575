"""The importer's memory: the file is read line by line, and the write step makes the new rows
a chunk at a time, never a model instance for every line of the file at once."""

import io

import pytest

from tests.exchange.files import lines
from tests.statistics.test_tables import random_county
from veiviser.exchange import importer
from veiviser.people.models import Person
from veiviser.registry.models import Registration, StatusFact

pytestmark = pytest.mark.django_db


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
    """import_path hands the open file to the reader, which iterates over it: a file object
    that refuses read() (whole-file reading) still imports."""

    class LinesOnly(io.StringIO):
        def read(self, *args):
            raise AssertionError("the whole file was read at once")

        def readlines(self, *args):
            raise AssertionError("the whole file was read at once")

    text = "\n".join(lines(random_county(6, 2023, persons=5))) + "\n"
    result = importer.import_lines(LinesOnly(text), county="39", actor=None)
    assert result.created["person"] == 5
