"""Import a veiviser-exchange file (EXCHANGE.md §1, §5) into one county.

The import reads the file three times, and nothing is written unless the first two readings
find no error:
1. read: every line is parsed and its fields' shape checked (`exchange.format`), the rules that
   need the line alone are applied (identity numbers, a registration's school year and codes),
   and a compact index is kept of what the rules across lines need: per record type each id
   with its line and a hash of its content (ids are unique per type; a repeated line is only a
   warning), the identity numbers, the first registration of each person and school year, the
   unit of each municipality, a registration's school year;
2. check: the file is read again, a chunk of lines at a time, and each record is checked
   against the index and the county's records in the database (references, one registration
   per person and school year, codes and dates valid in the school year, immutable facts, no
   ambiguous facts); what will happen to each line (create, update, nothing) is noted in one
   byte per line;
3. write: one transaction reads the file once per record type, in the order references need,
   and writes a chunk at a time what is new and updates persons and units that changed, and
   logs one audit event with the file's checksum and the counts.
So the memory an import needs is the index and one chunk of lines, never the file's records
(docs/performance.md, "Memory"). Lines given as a stream that cannot be read twice (a
generator, an open file, stdin) are spooled to a temporary file on the first reading; a file
given by path is read again, and if it is no longer the same (its checksum), the import fails
and writes nothing.

Every error names the file, the line (from 1; the header is line 1), the field and why; all
errors are reported, not just the first. The reasons are in the active language (the
installation's, bokmål by default), the field names are the format's. Importing the same file
twice changes nothing.
"""

import hashlib
import struct
import tempfile
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from veiviser.audit import services as audit
from veiviser.codes.selectors import Kodeverk, kodeverk, school_year_label
from veiviser.exchange import extensions
from veiviser.exchange.format import RECORD_TYPES, Line, read_line
from veiviser.organisation import services as organisation
from veiviser.organisation.models import County, Municipality, Unit
from veiviser.people import services as people
from veiviser.people.models import Person
from veiviser.people.rules import check_person
from veiviser.registry import checks
from veiviser.registry.models import ReasonFact, Registration, StatusFact

CHUNK = 500  # lines checked or written together, and keys per IN (...) lookup
PERSON_VALUES = ("fnr", "birth_date", "given_name", "family_name", "municipality")
# What the check decided for a line (one byte per line in `_Import.actions`).
NOTHING, CREATE, UPDATE, SAME = 0, 1, 2, 3
# The fields of a record that other records' checks read, kept in the index with its id.
CORE_KEEPS = {"registration": ("school_year",)}


@dataclass(frozen=True, order=True)
class FileError:
    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


class ImportFailed(Exception):
    def __init__(self, errors: list[FileError], warnings: list[FileError]):
        self.errors = sorted(errors)
        self.warnings = sorted(warnings)
        super().__init__(
            _("%(count)s error(s); nothing was imported") % {"count": len(self.errors)}
        )


@dataclass
class ImportResult:
    county: str
    checksum: str
    lines: int
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    warnings: list[FileError] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        def part(counts: Counter) -> str:
            types = [*RECORD_TYPES, *(t.name for t in extensions.ordered())]
            shown = [f"{counts[t]} {t}" for t in types if counts[t]]
            return ", ".join(shown) if shown else _("nothing")

        if self.dry_run:
            text = _("would create: %(created)s; updated: %(updated)s; unchanged: %(unchanged)s")
        else:
            text = _("created: %(created)s; updated: %(updated)s; unchanged: %(unchanged)s")
        return text % {
            "created": part(self.created),
            "updated": part(self.updated),
            "unchanged": part(self.unchanged),
        }


def import_path(
    path: str | Path, *, county: str, actor, progress: bool = False, dry_run: bool = False
) -> ImportResult:
    path = Path(path)
    total = None
    if progress:
        with path.open("rb") as fh:
            total = sum(1 for _line in fh)
    return _run(
        _PathSource(path),
        county=county,
        actor=actor,
        filename=str(path),
        progress=progress,
        dry_run=dry_run,
        total=total,
    )


def import_lines(
    lines: Iterable[str],
    *,
    county: str,
    actor,
    filename: str = "-",
    progress: bool = False,
    dry_run: bool = False,
    total: int | None = None,
) -> ImportResult:
    """Import the lines of an exchange file into `county`; raise ImportFailed listing every
    error (and write nothing) when the file breaks any rule. A list or tuple is read again as
    it is; any other iterable (a generator, an open file, stdin) is read once and spooled to a
    temporary file for the later readings."""
    run = partial(
        _run,
        county=county,
        actor=actor,
        filename=filename,
        progress=progress,
        dry_run=dry_run,
        total=total,
    )
    if isinstance(lines, list | tuple):
        return run(_ListSource(lines))
    with tempfile.TemporaryFile(prefix="veiviser-import-") as spool:
        return run(_SpoolSource(lines, spool))


def _run(
    source: "_Source",
    *,
    county: str,
    actor,
    filename: str,
    progress: bool,
    dry_run: bool,
    total: int | None,
) -> ImportResult:
    job = _Import(county=county, filename=filename, source=source, progress=progress)
    kv = kodeverk()
    try:
        job.read(
            tqdm(
                source.first(),
                total=total,
                desc=_("Reading"),
                unit=_(" lines"),
                disable=not progress,
            ),
            kv,
        )
    except UnicodeDecodeError as exc:
        job.error(
            job.lines_read + 1, "-", _("is not UTF-8 text (%(error)s)") % {"error": exc.reason}
        )
    try:
        # Check even a file with unreadable lines, so one run reports every error it can find.
        job.check(kv)
        if job.errors:
            raise ImportFailed(job.errors, job.warnings)
        if not dry_run:
            job.write(actor)
    except FileChanged as changed:
        job.error(
            changed.line,
            "-",
            _(
                "the file changed while it was being imported (it no longer reads as it did "
                "the first time); import it again when it is complete"
            ),
        )
        raise ImportFailed(job.errors, job.warnings) from None
    finally:
        job.context = None  # the context refers to the job: free the index now, not at a GC
    return job.result(dry_run)


# -- the file, read more than once ----------------------------------------------------------


class FileChanged(Exception):
    """A later reading of the file did not give the lines of the first one."""

    def __init__(self, line: int):
        self.line = line
        super().__init__(line)


class _Source:
    """The lines of a file, read once in full (`first`) and then as often as needed (`again`):
    each later reading gives the same lines as the first."""

    def first(self) -> Iterator[str]:
        raise NotImplementedError

    def again(self) -> Iterator[str]:
        raise NotImplementedError


class _PathSource(_Source):
    def __init__(self, path: Path):
        self.path = path

    def first(self) -> Iterator[str]:
        with self.path.open(encoding="utf-8", newline="") as fh:
            yield from fh

    again = first


class _ListSource(_Source):
    def __init__(self, lines: list[str] | tuple[str, ...]):
        self.lines = lines

    def first(self) -> Iterator[str]:
        return iter(self.lines)

    again = first


_LENGTH = struct.Struct("<I")


class _SpoolSource(_Source):
    """A stream that cannot be read twice: the first reading copies each line to a temporary
    file (length and UTF-8 bytes, so the lines come back exactly as given, whatever they
    hold), which the later readings read."""

    def __init__(self, lines: Iterable[str], spool):
        self.lines = lines
        self.spool = spool  # a temporary binary file, removed when the import is done

    def first(self) -> Iterator[str]:
        write = self.spool.write
        for text in self.lines:
            data = text.encode("utf-8")
            write(_LENGTH.pack(len(data)))
            write(data)
            yield text

    def again(self) -> Iterator[str]:
        self.spool.flush()
        self.spool.seek(0)
        read = self.spool.read
        while header := read(_LENGTH.size):
            (size,) = _LENGTH.unpack(header)
            yield read(size).decode("utf-8")


# -- the index: compact values per record and per fact ----------------------------------------

_LINE_BITS = 32  # a line number (a file of up to 4 billion lines)
_LINE_MASK = (1 << _LINE_BITS) - 1
_HASH_MASK = (1 << 64) - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _content(values: dict[str, Any]) -> int:
    """A 64-bit hash of a record's values (of equal values: equal, so the same instant in two
    offsets is the same content), to tell a line repeated exactly from an id used twice
    without keeping the values. Two different contents have the same hash with a probability
    of 2**-64."""
    try:
        return hash(frozenset(values.items())) & _HASH_MASK
    except TypeError:  # a list (a unit's municipalities)
        frozen = frozenset((name, _frozen(value)) for name, value in values.items())
        return hash(frozen) & _HASH_MASK


def _frozen(value: Any) -> Any:
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def _entry(line: int, content: int, kept: tuple) -> int | tuple:
    """A record's entry in the index: its line and content hash packed in one int (a tuple of
    two ints and the tuple holding them would take three times the memory), followed by the
    fields its type keeps for other records' checks, if any."""
    packed = content << _LINE_BITS | line
    return (packed, *kept) if kept else packed


def _line_of(entry: int | tuple) -> int:
    return (entry if isinstance(entry, int) else entry[0]) & _LINE_MASK


def _content_of(entry: int | tuple) -> int:
    return (entry if isinstance(entry, int) else entry[0]) >> _LINE_BITS


# -- the import -----------------------------------------------------------------------------


class _Import:
    def __init__(self, *, county: str, filename: str, source: _Source, progress: bool):
        self.county_number = county
        self.filename = filename
        self.source = source
        self.progress = progress
        self.errors: list[FileError] = []
        self.warnings: list[FileError] = []
        self.lines_read = 0
        self.digest = hashlib.sha256()
        self.header: Line | None = None
        # Record types in the order they are written: version 1, then version 2's by order.
        self.extensions = {t.name: t for t in extensions.ordered()}
        self.types: tuple[str, ...] = (*RECORD_TYPES, *self.extensions)
        self.code = {name: number for number, name in enumerate(self.types, start=1)}
        self.keeps = CORE_KEEPS | {t.name: t.keeps for t in self.extensions.values()}
        # The index: per type, id → its entry (_entry: the line and a hash of the content in
        # one int, then the fields the type keeps for other records' checks, if any).
        self.index: dict[str, dict[str, int | tuple]] = {t: {} for t in self.types}
        # Per line (index = line - 1): the type code of a record to check (0: none), and after
        # the check what the write does with it.
        self.kinds = bytearray()
        self.actions = bytearray()
        # Per line, a CRC-32 of its bytes: a later reading names the first line that changed.
        self.crcs = array("I")
        # Ids of lines that could not be read: references to them are not reported again.
        self.broken: dict[str, set[str]] = {t: set() for t in RECORD_TYPES}
        self.fnr_owner: dict[str, str] = {}  # identity number → the first person with it
        self.municipality_owner: dict[str, str] = {}  # municipality → the first unit with it
        self.year_owner: dict[tuple[str, int], str] = {}  # (person, year) → first registration
        # Of each new fact, its moment (_moment: registration, valid_from, recorded_at) → its
        # line: no two facts of a registration with the same moment (ambiguity).
        self.moments: dict[str, dict[int | tuple, int]] = {"reason": {}, "status": {}}
        self._shared: dict[int, int] = {}  # one int object per school year, not per record
        self.created = Counter({t: 0 for t in RECORD_TYPES})
        self.updated = Counter({t: 0 for t in RECORD_TYPES})
        self.unchanged = Counter({t: 0 for t in RECORD_TYPES})
        self.county: County | None = None
        self.context: extensions.Context | None = None
        self._units: tuple[dict[str, str], dict[str, str]] | None = None
        self._unit_ids: dict[str, int] | None = None

    # -- errors ------------------------------------------------------------------------------

    def error(self, line: int, field_name: str, reason: str) -> None:
        self.errors.append(FileError(self.filename, line, field_name, reason))

    def warn(self, line: int, field_name: str, reason: str) -> None:
        self.warnings.append(FileError(self.filename, line, field_name, reason))

    # -- what the extensions' checks see of the file (extensions.Context) -----------------------

    def in_file(self, record_type: str, key: str) -> bool:
        return key in self.index.get(record_type, ())

    def record(self, record_type: str, key: str) -> dict[str, Any] | None:
        entry = self.index.get(record_type, {}).get(key)
        if entry is None:
            return None
        return dict(zip(self.keeps.get(record_type, ()), entry[1:], strict=True))

    def _line(self, record_type: str, key: str) -> int:
        return _line_of(self.index[record_type][key])

    def _moment(self, registration: str, valid_from: date, recorded_at: datetime) -> int | tuple:
        """A fact's (registration, valid_from, recorded_at) as one value, compared as instants
        (in microseconds since the epoch): an int for a registration of the file (its line),
        else (its id, an int)."""
        instant = (recorded_at - _EPOCH) // _MICROSECOND
        when = instant << 22 | valid_from.toordinal()  # an ordinal is below 2**22
        entry = self.index["registration"].get(registration)
        if entry is None:
            return (registration, when)
        return _line_of(entry) << 128 | (when & ((1 << 128) - 1))

    # -- 1. read -----------------------------------------------------------------------------

    def read(self, lines: Iterable[str], kv: Kodeverk) -> None:
        rules = {
            "unit": self._read_unit,
            "person": self._read_person,
            "registration": partial(self._read_registration, kv),
        }
        for number, text in enumerate(lines, start=1):
            self.lines_read = number
            data = text.encode("utf-8")
            self.digest.update(data)
            self.crcs.append(zlib.crc32(data))
            self.kinds.append(0)
            if not text.strip():
                continue  # a blank line (often the last one) carries nothing
            line = read_line(number, text)
            for field_name, reason in line.problems:
                self.error(number, field_name, reason)
            for field_name, reason in line.warnings:
                self.warn(number, field_name, reason)
            if number == 1 and line.type != "header":
                self.error(1, "type", _("the first line must be the header"))
            if line.type == "header":
                self._read_header(line)
                continue
            if line.type not in self.index:
                continue
            if line.problems:
                raw_id = line.values.get("id")
                if raw_id is not None and line.type in self.broken:
                    self.broken[line.type].add(raw_id)
                continue
            if self._keep(line) and line.type in rules:
                rules[line.type](line)
        if self.lines_read == 0:
            self.error(1, "-", _("the file is empty; it must start with a header line"))
        version = self.header.values.get("version") if self.header else None
        if version == 1:
            for kind in self.extensions:
                for entry in self.index[kind].values():
                    self.error(
                        _line_of(entry),
                        "type",
                        _("%(type)s records need version 2 of the format (the header says 1)")
                        % {"type": kind},
                    )

    def _read_header(self, line: Line) -> None:
        if line.number != 1:
            self.error(line.number, "type", _("a header may only stand on the first line"))
            return
        self.header = line
        given = line.values.get("county")
        if given and given != self.county_number:
            self.error(
                1,
                "county",
                _("the file is for county %(given)s, but the import is into county %(county)s")
                % {"given": given, "county": self.county_number},
            )

    def _keep(self, line: Line) -> bool:
        """Index the line's record; False when its id was seen before (an error if the content
        differs, a warning if the line repeats the first exactly)."""
        index = self.index[line.type]
        key = line.values["id"]
        content = _content(line.values)
        seen = index.get(key)
        if seen is None:
            kept = tuple(line.values.get(name) for name in self.keeps.get(line.type, ()))
            if line.type == "registration":
                kept = tuple(self._shared.setdefault(year, year) for year in kept)
            index[key] = _entry(line.number, content, kept)
            self.kinds[line.number - 1] = self.code[line.type]
            return True
        if _content_of(seen) != content:
            self.error(
                line.number,
                "id",
                _(
                    "%(type)s %(id)s appears again with other content (first on line "
                    "%(line)s); ids are unique per type"
                )
                % {"type": line.type, "id": repr(key), "line": _line_of(seen)},
            )
        else:
            self.warn(
                line.number,
                "id",
                _("repeats line %(line)s exactly and was skipped") % {"line": _line_of(seen)},
            )
        return False

    def _read_unit(self, line: Line) -> None:
        key = line.values["id"]
        for number in line.values["municipalities"]:
            other = self.municipality_owner.setdefault(number, key)
            if other != key:
                self.error(
                    line.number,
                    "municipalities",
                    _(
                        "%(municipality)s is also given to unit %(unit)s on line %(line)s; a "
                        "municipality belongs to one unit"
                    )
                    % {
                        "municipality": number,
                        "unit": repr(other),
                        "line": self._line("unit", other),
                    },
                )

    def _read_person(self, line: Line) -> None:
        v = line.values
        for problem in check_person(fnr=v["fnr"], birth_date=v["birth_date"]):
            self.error(line.number, problem.field, problem.reason)
        fnr = v["fnr"]
        if fnr:
            other = self.fnr_owner.setdefault(fnr, v["id"])
            if other != v["id"]:
                self.error(
                    line.number,
                    "fnr",
                    _("the same identity number as person %(person)s on line %(line)s")
                    % {"person": repr(other), "line": self._line("person", other)},
                )

    def _read_registration(self, kv: Kodeverk, line: Line) -> None:
        v = line.values
        for problem in checks.check_registration(
            kv,
            school_year=v["school_year"],
            registered_on=v["registered_on"],
            reason=v["reason"],
            reason_code=v.get("reason_code", ""),
        ):
            self.error(line.number, problem.field, problem.reason)
        year = self._shared.setdefault(v["school_year"], v["school_year"])
        self.year_owner.setdefault((v["person"], year), v["id"])

    # -- the later readings ------------------------------------------------------------------

    def _reading(self, wanted: Callable[[int], bool], bar=None, every: bool = False):
        """Read the file again and give the records of the lines `wanted` says, each checked
        to be the line the first reading read (its CRC-32, and its record's content hash);
        raise FileChanged at the first line that is not. With `every`, every line is compared,
        not only the wanted ones."""
        crcs, lines_read = self.crcs, self.lines_read
        count = 0
        try:
            for number, text in enumerate(self.source.again(), start=1):
                count = number
                if number > lines_read:
                    raise FileChanged(number)  # longer than it was
                if bar is not None:
                    bar.update(1)
                take = wanted(number)
                if (take or every) and zlib.crc32(text.encode("utf-8")) != crcs[number - 1]:
                    raise FileChanged(number)
                if not take:
                    continue
                line = read_line(number, text)
                entry = self.index.get(line.type, {}).get(line.values.get("id"))
                if (
                    line.problems
                    or entry is None
                    or _line_of(entry) != number
                    or _content_of(entry) != _content(line.values)
                ):
                    raise FileChanged(number)
                yield line
        except UnicodeDecodeError:
            pass  # where the first reading stopped too, or the count below differs
        if count < lines_read:
            raise FileChanged(count + 1)  # shorter than it was

    def _chunks(self, lines: Iterator[Line], handle: Callable[[str, dict[str, Line]], None]):
        """Group the lines by type into chunks of CHUNK records (id → line, in file order) and
        hand each full chunk, and at the end the rest in type order, to `handle`."""
        chunks: dict[str, dict[str, Line]] = {}
        for line in lines:
            chunk = chunks.setdefault(line.type, {})
            chunk[line.values["id"]] = line
            if len(chunk) >= CHUNK:
                handle(line.type, chunks.pop(line.type))
        for kind in self.types:
            if chunks.get(kind):
                handle(kind, chunks.pop(kind))

    def _plan(self, kind: str, line: Line, action: int) -> None:
        self.actions[line.number - 1] = action
        counter = {CREATE: self.created, UPDATE: self.updated, SAME: self.unchanged}[action]
        counter[kind] += 1

    # -- 2. check ----------------------------------------------------------------------------

    def check(self, kv: Kodeverk) -> None:
        # Only the first reading needs these; what the check needs is the index.
        self.fnr_owner.clear()
        self.municipality_owner.clear()
        self.county = County.objects.filter(number=self.county_number).first()
        self.context = extensions.Context(county=self.county, index=self, error=self.error)
        self.actions = bytearray(len(self.kinds))
        checkers: dict[str, Callable[[dict[str, Line]], None]] = {
            "unit": self._check_units,
            "person": self._check_persons,
            "registration": self._check_registrations,
            "reason": partial(self._check_facts, kv, "reason"),
            "status": partial(self._check_facts, kv, "status"),
        }
        for name, record_type in self.extensions.items():
            checkers[name] = partial(self._check_extension, record_type)
        kinds = self.kinds
        bar = tqdm(
            total=self.lines_read, desc=_("Checking"), unit=_(" lines"), disable=not self.progress
        )
        lines = self._reading(lambda number: kinds[number - 1] != 0, bar, every=True)
        self._chunks(lines, lambda kind, chunk: checkers[kind](chunk))
        bar.close()
        # Only the check needs these; the write needs the index and a byte per line.
        self.year_owner.clear()
        self.moments = {}
        self.context.cache.clear()

    def _county_units(self) -> tuple[dict[str, str], dict[str, str]]:
        """The county's units (key → name) and which unit each municipality has (number →
        unit key): a county has a few."""
        if self._units is None:
            self._units = ({}, {})
            if self.county is not None:
                self._units = (
                    dict(Unit.objects.filter(county=self.county).values_list("key", "name")),
                    dict(
                        Municipality.objects.filter(
                            county=self.county, unit__isnull=False
                        ).values_list("number", "unit__key")
                    ),
                )
        return self._units

    def _check_units(self, chunk: dict[str, Line]) -> None:
        names, municipality_unit = self._county_units()
        for key, line in chunk.items():
            if key not in names:
                self._plan("unit", line, CREATE)
            elif names[key] != line.values["name"] or any(
                municipality_unit.get(n) != key for n in line.values["municipalities"]
            ):
                self._plan("unit", line, UPDATE)
            else:
                self._plan("unit", line, SAME)

    def _check_persons(self, chunk: dict[str, Line]) -> None:
        existing: dict[str, Person] = {}
        holders: dict[str, str] = {}
        if self.county is not None:
            persons = Person.objects.filter(county=self.county, key__in=list(chunk))
            existing = {person.key: person for person in persons}
            fnrs = [line.values["fnr"] for line in chunk.values() if line.values["fnr"]]
            holders = dict(
                Person.objects.filter(county=self.county, fnr__in=fnrs).values_list("fnr", "key")
            )
        for key, line in chunk.items():
            fnr = line.values["fnr"]
            holder = holders.get(fnr) if fnr else None
            if holder is not None and holder != key:
                self.error(
                    line.number,
                    "fnr",
                    _("the county already has this identity number on person %(person)s")
                    % {"person": repr(holder)},
                )
            person = existing.get(key)
            if person is None:
                self._plan("person", line, CREATE)
            elif _person_changes(person, line.values):
                self._plan("person", line, UPDATE)
            else:
                self._plan("person", line, SAME)

    def _in_county(self, model, keys: Iterable[str], kind: str) -> set[str]:
        """Those of `keys` (references not in the file) that the county holds."""
        outside = [k for k in set(keys) if k not in self.index[kind]]
        if self.county is None or not outside:
            return set()
        rows = model.objects.filter(county=self.county, key__in=outside)
        return set(rows.values_list("key", flat=True))

    def _check_registrations(self, chunk: dict[str, Line]) -> None:
        persons = {line.values["person"] for line in chunk.values()}
        known_persons = self._in_county(Person, persons, "person")
        unit_names, _municipalities = self._county_units()
        owners: dict[tuple[str, int], str] = {}
        existing: dict[str, Registration] = {}
        if self.county is not None:
            # Other registrations of the chunk's persons: one registration per person and year.
            in_county = Registration.objects.filter(county=self.county)
            for key, person_key, year in in_county.filter(person__key__in=persons).values_list(
                "key", "person__key", "school_year"
            ):
                owners[(person_key, year)] = key
            rows = in_county.filter(key__in=list(chunk)).select_related("person", "unit")
            existing = {registration.key: registration for registration in rows}
        for key, line in chunk.items():
            v = line.values
            if not self._resolves("person", v["person"], known_persons):
                self.error(
                    line.number,
                    "person",
                    _("no person %(person)s in the file or county") % {"person": repr(v["person"])},
                )
            unit_key = v.get("unit")
            if unit_key and not self._resolves("unit", unit_key, unit_names):
                self.error(
                    line.number,
                    "unit",
                    _("no unit %(unit)s in the file or county") % {"unit": repr(unit_key)},
                )
            # The county's registration of the person and year comes first, then the file's.
            moment = (v["person"], v["school_year"])
            owner_key = owners.get(moment)
            where = _("the county's records")
            if owner_key is None:
                owner_key = self.year_owner[moment]
                where = _("line %(line)s") % {"line": self._line("registration", owner_key)}
            if owner_key != key:
                self.error(
                    line.number,
                    "school_year",
                    _(
                        "person %(person)s already has registration %(registration)s in school "
                        "year %(year)s (%(where)s); one registration per person and school year"
                    )
                    % {
                        "person": repr(v["person"]),
                        "registration": repr(owner_key),
                        "year": school_year_label(v["school_year"]),
                        "where": where,
                    },
                )
            registration = existing.get(key)
            if registration is None:
                self._plan("registration", line, CREATE)
                continue
            stored = {
                "person": registration.person.key,
                "school_year": registration.school_year,
                "registered_on": registration.registered_on,
                "reason": registration.reason,
                "reason_code": registration.reason_code,
                "unit": registration.unit.key if registration.unit else None,
                "recorded_at": registration.recorded_at,
            }
            given = {**v, "reason_code": v.get("reason_code", ""), "unit": v.get("unit")}
            self._immutable(line, "registration", stored, given)

    def _check_facts(self, kv: Kodeverk, kind: str, chunk: dict[str, Line]) -> None:
        model = ReasonFact if kind == "reason" else StatusFact
        value_field = "reason" if kind == "reason" else "code"
        registrations = {line.values["registration"] for line in chunk.values()}
        years: dict[str, int] = {}  # of registrations the county holds and the file does not
        existing: dict[str, Any] = {}
        # The moments of the county's facts of the chunk's registrations → their key.
        in_county: dict[int | tuple, str] = {}
        if self.county is not None:
            outside = [r for r in registrations if r not in self.index["registration"]]
            years = dict(
                Registration.objects.filter(county=self.county, key__in=outside).values_list(
                    "key", "school_year"
                )
            )
            facts = model.objects.filter(county=self.county)
            rows = facts.filter(key__in=list(chunk)).select_related("registration")
            existing = {fact.key: fact for fact in rows}
            for fact_key, reg_key, valid_from, recorded_at in facts.filter(
                registration__key__in=registrations
            ).values_list("key", "registration__key", "valid_from", "recorded_at"):
                in_county[self._moment(reg_key, valid_from, recorded_at)] = fact_key
        first_on = self.moments[kind]
        for key, line in chunk.items():
            v = line.values
            reg_key = v["registration"]
            school_year = None
            entry = self.index["registration"].get(reg_key)
            if entry is not None:
                school_year = self.record("registration", reg_key)["school_year"]
            elif reg_key in years:
                school_year = years[reg_key]
            elif reg_key not in self.broken["registration"]:
                self.error(
                    line.number,
                    "registration",
                    _("no registration %(registration)s in the file or county")
                    % {"registration": repr(reg_key)},
                )
            if school_year is not None:
                if kind == "reason":
                    problems = checks.check_reason(kv, v["reason"])
                else:
                    problems = checks.check_status_code(kv, v["code"], school_year)
                problems += checks.check_valid_from(school_year, v["valid_from"])
                for problem in problems:
                    self.error(line.number, problem.field, problem.reason)
            fact = existing.get(key)
            if fact is not None:
                stored = {
                    "registration": fact.registration.key,
                    value_field: getattr(fact, value_field),
                    "valid_from": fact.valid_from,
                    "recorded_at": fact.recorded_at,
                }
                self._immutable(line, kind, stored, v)
                continue
            self._plan(kind, line, CREATE)
            moment = self._moment(reg_key, v["valid_from"], v["recorded_at"])
            if moment in in_county:
                first = _("%(type)s %(id)s in the county's records") % {
                    "type": kind,
                    "id": repr(in_county[moment]),
                }
            else:
                first_line = first_on.setdefault(moment, line.number)
                if first_line == line.number:
                    continue
                first = _("line %(line)s") % {"line": first_line}
            self.error(
                line.number,
                "recorded_at",
                _(
                    "%(first)s has the same registration, valid_from and recorded_at; the "
                    "reading would be ambiguous"
                )
                % {"first": first},
            )

    def _check_extension(self, record_type: extensions.RecordType, chunk: dict[str, Line]):
        record_type.check(self.context, chunk)
        plan = self.context.plan.pop(record_type.name, None) or {}
        for what, action in (("create", CREATE), ("update", UPDATE), ("same", SAME)):
            for key in plan.get(what, ()):
                self._plan(record_type.name, chunk[key], action)

    def _resolves(self, kind: str, key: str, in_county) -> bool:
        """A reference resolves to a record in the file or the county, or to a line of the file
        that was already reported as unreadable."""
        return key in self.index[kind] or key in in_county or key in self.broken[kind]

    def _immutable(self, line: Line, kind: str, stored: dict, given: dict) -> None:
        differing = [name for name, value in stored.items() if given.get(name) != value]
        if differing:
            self.error(
                line.number,
                differing[0],
                _(
                    "%(type)s %(id)s already exists with other %(fields)s; %(type)s records "
                    "are immutable facts: record a correction as a new fact with a new id"
                )
                % {"type": kind, "id": repr(line.values["id"]), "fields": ", ".join(differing)},
            )
        else:
            self._plan(kind, line, SAME)

    # -- 3. write ----------------------------------------------------------------------------

    def write(self, actor) -> None:
        total = sum(self.created.values()) + sum(self.updated.values())
        bar = tqdm(total=total, desc=_("Writing"), unit=_(" records"), disable=not self.progress)
        with transaction.atomic():
            county = self.county or organisation.county_ensure(
                actor=actor, number=self.county_number
            )
            self.context.county = county
            self.context.actor = actor
            writers: dict[str, Callable[[dict[str, Line]], None]] = {
                "unit": partial(self._write_units, county, actor, bar),
                "person": partial(self._write_persons, county, actor, bar),
                "registration": partial(self._write_registrations, county, actor, bar),
                "reason": partial(self._write_facts, county, actor, bar, "reason"),
                "status": partial(self._write_facts, county, actor, bar, "status"),
            }
            for name, record_type in self.extensions.items():
                writers[name] = partial(self._write_extension, record_type, bar)
            kinds, actions = self.kinds, self.actions
            # One reading per type, in the order of the types, so that a record's references
            # are written before it wherever they stand in the file; of a type, the updates
            # before the new records (rows that trade a value unique per county must not meet
            # half-way).
            for kind in self.types:
                code = self.code[kind]
                for action, count in ((UPDATE, self.updated), (CREATE, self.created)):
                    if not count[kind]:
                        continue
                    lines = self._reading(
                        lambda n, c=code, a=action: kinds[n - 1] == c and actions[n - 1] == a
                    )
                    self._chunks(lines, lambda record_type, chunk: writers[record_type](chunk))
            audit.log(
                actor,
                "exchange.import.completed",
                county=self.county_number,
                data={
                    "file": self.filename,
                    "sha256": self.digest.hexdigest(),
                    "lines": self.lines_read,
                    "created": {t: n for t, n in self.created.items() if n},
                    "updated": {t: n for t, n in self.updated.items() if n},
                },
            )
        bar.close()

    def _split(self, chunk: dict[str, Line]) -> tuple[dict[str, Line], dict[str, Line]]:
        """The chunk's records to create and those to update."""
        new, changed = {}, {}
        for key, line in chunk.items():
            (new if self.actions[line.number - 1] == CREATE else changed)[key] = line
        return new, changed

    def _write_units(self, county: County, actor, bar, chunk: dict[str, Line]) -> None:
        for key, line in chunk.items():
            organisation.unit_upsert(
                actor=actor,
                county=county,
                key=key,
                name=line.values["name"],
                municipalities=line.values["municipalities"],
            )
            bar.update(1)

    def _write_persons(self, county: County, actor, bar, chunk: dict[str, Line]) -> None:
        new, changed = self._split(chunk)
        for person in Person.objects.filter(county=county, key__in=list(changed)):
            v = changed[person.key].values
            people.person_update(
                actor=actor, person=person, **{name: v[name] for name in PERSON_VALUES if name in v}
            )
            bar.update(1)
        # The rows are made as they are written (a generator), never all before the first.
        rows = (
            Person(
                county=county,
                key=key,
                **{name: line.values[name] for name in PERSON_VALUES if name in line.values},
            )
            for key, line in new.items()
        )
        _bulk_create(Person, rows, bar)

    def _write_registrations(self, county: County, actor, bar, chunk: dict[str, Line]) -> None:
        person_ids = _ids(Person, county, {line.values["person"] for line in chunk.values()})
        if self._unit_ids is None:  # a county has a few units, all written by now
            self._unit_ids = dict(Unit.objects.filter(county=county).values_list("key", "id"))
        unit_ids = self._unit_ids
        rows = (
            Registration(
                county=county,
                key=key,
                person_id=person_ids[v["person"]],
                school_year=v["school_year"],
                registered_on=v["registered_on"],
                reason=v["reason"],
                reason_code=v.get("reason_code", ""),
                unit_id=unit_ids[v["unit"]] if v.get("unit") else None,
                recorded_at=v["recorded_at"],
                recorded_by=actor,
            )
            for key, line in chunk.items()
            for v in [line.values]
        )
        _bulk_create(Registration, rows, bar)

    def _write_facts(self, county: County, actor, bar, kind: str, chunk: dict[str, Line]):
        model, value_field = (ReasonFact, "reason") if kind == "reason" else (StatusFact, "code")
        registration_ids = _ids(
            Registration, county, {line.values["registration"] for line in chunk.values()}
        )
        rows = (
            model(
                county=county,
                key=key,
                registration_id=registration_ids[v["registration"]],
                valid_from=v["valid_from"],
                recorded_at=v["recorded_at"],
                recorded_by=actor,
                **{value_field: v[value_field]},
            )
            for key, line in chunk.items()
            for v in [line.values]
        )
        _bulk_create(model, rows, bar)

    def _write_extension(self, record_type: extensions.RecordType, bar, chunk: dict[str, Line]):
        new, changed = self._split(chunk)
        self.context.plan[record_type.name] = {
            "create": list(new),
            "update": list(changed),
            "same": [],
        }
        record_type.write(self.context, chunk)
        del self.context.plan[record_type.name]
        bar.update(len(chunk))

    def result(self, dry_run: bool) -> ImportResult:
        return ImportResult(
            county=self.county_number,
            checksum=self.digest.hexdigest(),
            lines=self.lines_read,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            warnings=sorted(self.warnings),
            dry_run=dry_run,
        )


def _ids(model, county: County, keys: set[str]) -> dict[str, int]:
    rows = model.objects.filter(county=county, key__in=sorted(keys)).values_list("key", "id")
    return dict(rows)


def _bulk_create(model, objects: Iterable, bar) -> None:
    objects = iter(objects)
    while batch := list(islice(objects, CHUNK)):
        model.objects.bulk_create(batch)
        bar.update(len(batch))


def _person_changes(person: Person, values: dict) -> list[str]:
    return [
        name for name in PERSON_VALUES if name in values and getattr(person, name) != values[name]
    ]
