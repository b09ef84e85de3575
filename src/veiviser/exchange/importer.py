"""Import a veiviser-exchange file (EXCHANGE.md §1, §5) into one county.

The import runs in three steps, and nothing is written unless the first two find no error:
1. read: every line is parsed and its fields' shape checked (`exchange.format`);
2. check: references are resolved within the file and against the county's records in the
   database, and every rule of EXCHANGE.md §1 is applied (identity numbers, one registration
   per person and school year, valid_from inside the school year, codes valid that year,
   immutable facts, no ambiguous facts);
3. write: one transaction creates what is new and updates persons and units that changed, and
   logs one audit event with the file's checksum and the counts.
Every error names the file, the line (from 1; the header is line 1), the field and why; all
errors are reported, not just the first. The reasons are in the active language (the
installation's, bokmål by default), the field names are the format's. Importing the same file
twice changes nothing.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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

CHUNK = 500  # keys per IN (...) lookup: well under SQLite's variable limit
PERSON_VALUES = ("fnr", "birth_date", "given_name", "family_name", "municipality")


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
    with path.open(encoding="utf-8", newline="") as fh:
        return import_lines(
            fh,
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
    error (and write nothing) when the file breaks any rule."""
    job = _Import(county=county, filename=filename)
    try:
        job.read(
            tqdm(lines, total=total, desc=_("Reading"), unit=_(" lines"), disable=not progress)
        )
    except UnicodeDecodeError as exc:
        job.error(
            job.lines_read + 1, "-", _("is not UTF-8 text (%(error)s)") % {"error": exc.reason}
        )
    # Check even a file with unreadable lines, so one run reports every error it can find.
    job.check(kodeverk())
    if job.errors:
        raise ImportFailed(job.errors, job.warnings)
    if not dry_run:
        job.write(actor, progress=progress)
    return job.result(dry_run)


class _Import:
    def __init__(self, *, county: str, filename: str):
        self.county_number = county
        self.filename = filename
        self.errors: list[FileError] = []
        self.warnings: list[FileError] = []
        self.records: dict[str, dict[str, Line]] = {t: {} for t in RECORD_TYPES}
        self.lines_read = 0
        self.digest = hashlib.sha256()
        self.header: Line | None = None
        # Ids of lines that could not be read: references to them are not reported again.
        self.broken: dict[str, set[str]] = {t: set() for t in RECORD_TYPES}
        # The plan, filled by check(): keys by what will happen to them.
        self.create: dict[str, list[str]] = {t: [] for t in RECORD_TYPES}
        self.update: dict[str, list[str]] = {t: [] for t in RECORD_TYPES}
        self.same: dict[str, list[str]] = {t: [] for t in RECORD_TYPES}
        # Version 2: records of the types other apps register (exchange.extensions).
        self.extra: dict[str, dict[str, Line]] = {t: {} for t in extensions.REGISTRY}
        self.context: extensions.Context | None = None

    # -- errors ------------------------------------------------------------------------------

    def error(self, line: int, field_name: str, reason: str) -> None:
        self.errors.append(FileError(self.filename, line, field_name, reason))

    def warn(self, line: int, field_name: str, reason: str) -> None:
        self.warnings.append(FileError(self.filename, line, field_name, reason))

    # -- 1. read -----------------------------------------------------------------------------

    def read(self, lines: Iterable[str]) -> None:
        for number, text in enumerate(lines, start=1):
            self.lines_read = number
            self.digest.update(text.encode("utf-8"))
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
                if number != 1:
                    self.error(number, "type", _("a header may only stand on the first line"))
                else:
                    self.header = line
                    given = line.values.get("county")
                    if given and given != self.county_number:
                        self.error(
                            1,
                            "county",
                            _(
                                "the file is for county %(given)s, but the import is into "
                                "county %(county)s"
                            )
                            % {"given": given, "county": self.county_number},
                        )
                continue
            if line.type in self.extra:
                if not line.problems:
                    self._keep(line, self.extra[line.type])
                continue
            if line.type not in self.records:
                continue
            if line.problems:
                raw_id = line.values.get("id")
                if raw_id is not None:
                    self.broken[line.type].add(raw_id)
                continue
            self._keep(line)
        if self.lines_read == 0:
            self.error(1, "-", _("the file is empty; it must start with a header line"))
        version = self.header.values.get("version") if self.header else None
        if version == 1:
            for kind, lines in self.extra.items():
                for line in lines.values():
                    self.error(
                        line.number,
                        "type",
                        _("%(type)s records need version 2 of the format (the header says 1)")
                        % {"type": kind},
                    )

    def _keep(self, line: Line, into: dict[str, Line] | None = None) -> None:
        into = self.records[line.type] if into is None else into
        key = line.values["id"]
        seen = into.get(key)
        if seen is None:
            into[key] = line
        elif seen.values != line.values:
            self.error(
                line.number,
                "id",
                _(
                    "%(type)s %(id)s appears again with other content (first on line "
                    "%(line)s); ids are unique per type"
                )
                % {"type": line.type, "id": repr(key), "line": seen.number},
            )
        else:
            self.warn(
                line.number,
                "id",
                _("repeats line %(line)s exactly and was skipped") % {"line": seen.number},
            )

    # -- 2. check ----------------------------------------------------------------------------

    def check(self, kv: Kodeverk) -> None:
        self.county = County.objects.filter(number=self.county_number).first()
        db = _Existing(self.county, self.records)
        self._check_units(db)
        self._check_persons(db)
        self._check_registrations(kv, db)
        self._check_facts(kv, db, "reason")
        self._check_facts(kv, db, "status")
        self.db = db
        self.context = extensions.Context(
            county=self.county, core=self.records, records=self.extra, error=self.error
        )
        for record_type in extensions.ordered():
            record_type.check(self.context, self.extra.get(record_type.name, {}))

    def _check_units(self, db: "_Existing") -> None:
        owner: dict[str, Line] = {}
        for key, line in self.records["unit"].items():
            for number in line.values["municipalities"]:
                other = owner.setdefault(number, line)
                if other is not line:
                    self.error(
                        line.number,
                        "municipalities",
                        _(
                            "%(municipality)s is also given to unit %(unit)s on line "
                            "%(line)s; a municipality belongs to one unit"
                        )
                        % {
                            "municipality": number,
                            "unit": repr(other.values["id"]),
                            "line": other.number,
                        },
                    )
            unit = db.units.get(key)
            if unit is None:
                self.create["unit"].append(key)
            elif unit.name != line.values["name"] or any(
                db.municipality_unit.get(n) != key for n in line.values["municipalities"]
            ):
                self.update["unit"].append(key)
            else:
                self.same["unit"].append(key)

    def _check_persons(self, db: "_Existing") -> None:
        by_fnr: dict[str, Line] = {}
        for key, line in self.records["person"].items():
            v = line.values
            for problem in check_person(fnr=v["fnr"], birth_date=v["birth_date"]):
                self.error(line.number, problem.field, problem.reason)
            fnr = v["fnr"]
            if fnr:
                other = by_fnr.setdefault(fnr, line)
                if other is not line:
                    self.error(
                        line.number,
                        "fnr",
                        _("the same identity number as person %(person)s on line %(line)s")
                        % {"person": repr(other.values["id"]), "line": other.number},
                    )
                holder = db.person_key_by_fnr.get(fnr)
                if holder is not None and holder != key:
                    self.error(
                        line.number,
                        "fnr",
                        _("the county already has this identity number on person %(person)s")
                        % {"person": repr(holder)},
                    )
            person = db.persons.get(key)
            if person is None:
                self.create["person"].append(key)
            elif _person_changes(person, v):
                self.update["person"].append(key)
            else:
                self.same["person"].append(key)

    def _check_registrations(self, kv: Kodeverk, db: "_Existing") -> None:
        year_owner: dict[tuple[str, int], tuple[str, int | None]] = {
            (person_key, year): (reg_key, None)
            for reg_key, (person_key, year) in db.registration_person_year.items()
        }
        for key, line in self.records["registration"].items():
            v = line.values
            if not self._resolves("person", v["person"], db.persons):
                self.error(
                    line.number,
                    "person",
                    _("no person %(person)s in the file or county") % {"person": repr(v["person"])},
                )
            unit_key = v.get("unit")
            if unit_key and not self._resolves("unit", unit_key, db.units):
                self.error(
                    line.number,
                    "unit",
                    _("no unit %(unit)s in the file or county") % {"unit": repr(unit_key)},
                )
            for problem in checks.check_registration(
                kv,
                school_year=v["school_year"],
                registered_on=v["registered_on"],
                reason=v["reason"],
                reason_code=v.get("reason_code", ""),
            ):
                self.error(line.number, problem.field, problem.reason)
            owner_key, owner_line = year_owner.setdefault(
                (v["person"], v["school_year"]), (key, line.number)
            )
            if owner_key != key:
                if owner_line:
                    where = _("line %(line)s") % {"line": owner_line}
                else:
                    where = _("the county's records")
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
            existing = db.registrations.get(key)
            if existing is None:
                self.create["registration"].append(key)
                continue
            stored = {
                "person": existing.person.key,
                "school_year": existing.school_year,
                "registered_on": existing.registered_on,
                "reason": existing.reason,
                "reason_code": existing.reason_code,
                "unit": existing.unit.key if existing.unit else None,
                "recorded_at": existing.recorded_at,
            }
            given = {**v, "reason_code": v.get("reason_code", ""), "unit": v.get("unit")}
            self._immutable(line, "registration", stored, given)

    def _check_facts(self, kv: Kodeverk, db: "_Existing", kind: str) -> None:
        value_field = "reason" if kind == "reason" else "code"
        # (registration, valid_from, recorded_at) → where it was first seen, for ambiguity.
        seen: dict[tuple, str] = {
            (reg, vf, rec.timestamp()): _("%(type)s %(id)s in the county's records")
            % {"type": kind, "id": repr(fact_key)}
            for fact_key, (reg, vf, rec) in db.fact_moments[kind].items()
        }
        for key, line in self.records[kind].items():
            v = line.values
            reg_key = v["registration"]
            school_year = None
            if reg_key in self.records["registration"]:
                school_year = self.records["registration"][reg_key].values.get("school_year")
            elif reg_key in db.registrations:
                school_year = db.registrations[reg_key].school_year
            elif not self._resolves("registration", reg_key, db.registrations):
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
            existing = db.facts[kind].get(key)
            if existing is not None:
                stored = {
                    "registration": existing.registration.key,
                    value_field: getattr(existing, value_field),
                    "valid_from": existing.valid_from,
                    "recorded_at": existing.recorded_at,
                }
                self._immutable(line, kind, stored, v)
                continue
            self.create[kind].append(key)
            moment = (reg_key, v["valid_from"], v["recorded_at"].timestamp())
            here = _("line %(line)s") % {"line": line.number}
            first = seen.setdefault(moment, here)
            if first != here:
                self.error(
                    line.number,
                    "recorded_at",
                    _(
                        "%(first)s has the same registration, valid_from and recorded_at; the "
                        "reading would be ambiguous"
                    )
                    % {"first": first},
                )

    def _resolves(self, kind: str, key: str, existing: dict) -> bool:
        """A reference resolves to a record in the file or the county, or to a line of the file
        that was already reported as unreadable."""
        return key in self.records[kind] or key in existing or key in self.broken[kind]

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
            self.same[kind].append(line.values["id"])

    # -- 3. write ----------------------------------------------------------------------------

    def write(self, actor, *, progress: bool) -> None:
        total = sum(len(keys) for keys in self.create.values()) + len(self.update["person"])
        bar = tqdm(total=total, desc=_("Writing"), unit=_(" records"), disable=not progress)
        with transaction.atomic():
            county = self.county or organisation.county_ensure(
                actor=actor, number=self.county_number
            )
            units = dict(self.db.units)
            for key in self.create["unit"] + self.update["unit"]:
                v = self.records["unit"][key].values
                units[key], _created = organisation.unit_upsert(
                    actor=actor,
                    county=county,
                    key=key,
                    name=v["name"],
                    municipalities=v["municipalities"],
                )
            bar.update(len(self.create["unit"]))

            for key in self.update["person"]:
                v = self.records["person"][key].values
                people.person_update(
                    actor=actor,
                    person=self.db.persons[key],
                    **{name: v[name] for name in PERSON_VALUES if name in v},
                )
                bar.update(1)
            # The new rows are made a chunk at a time (generators), so that the write step
            # never holds a model instance for every line of the file (docs/performance.md).
            new_persons = (
                Person(
                    county=county,
                    key=key,
                    **{name: v[name] for name in PERSON_VALUES if name in v},
                )
                for key in self.create["person"]
                for v in [self.records["person"][key].values]
            )
            _bulk_create(Person, new_persons, bar)
            person_ids = _ids(Person, county, self._referenced("registration", "person"))

            new_registrations = (
                Registration(
                    county=county,
                    key=key,
                    person_id=person_ids[v["person"]],
                    school_year=v["school_year"],
                    registered_on=v["registered_on"],
                    reason=v["reason"],
                    reason_code=v.get("reason_code", ""),
                    unit=units[v["unit"]] if v.get("unit") else None,
                    recorded_at=v["recorded_at"],
                    recorded_by=actor,
                )
                for key in self.create["registration"]
                for v in [self.records["registration"][key].values]
            )
            _bulk_create(Registration, new_registrations, bar)
            registration_ids = _ids(
                Registration,
                county,
                self._referenced("reason", "registration")
                | self._referenced("status", "registration"),
            )
            for kind, model, value_field in (
                ("reason", ReasonFact, "reason"),
                ("status", StatusFact, "code"),
            ):
                facts = (
                    model(
                        county=county,
                        key=key,
                        registration_id=registration_ids[v["registration"]],
                        valid_from=v["valid_from"],
                        recorded_at=v["recorded_at"],
                        recorded_by=actor,
                        **{value_field: v[value_field]},
                    )
                    for key in self.create[kind]
                    for v in [self.records[kind][key].values]
                )
                _bulk_create(model, facts, bar)
            self.context.county = county
            self.context.actor = actor
            for record_type in extensions.ordered():
                record_type.write(self.context, self.extra.get(record_type.name, {}))
            audit.log(
                actor,
                "exchange.import.completed",
                county=self.county_number,
                data={
                    "file": self.filename,
                    "sha256": self.digest.hexdigest(),
                    "lines": self.lines_read,
                    "created": {t: n for t, n in self._counts("create").items() if n},
                    "updated": {t: n for t, n in self._counts("update").items() if n},
                },
            )
        bar.close()

    def _referenced(self, kind: str, ref: str) -> set[str]:
        return {self.records[kind][key].values[ref] for key in self.create[kind]}

    def _counts(self, what: str) -> Counter:
        core = {"create": self.create, "update": self.update, "same": self.same}[what]
        counts = Counter({t: len(k) for t, k in core.items()})
        plan = self.context.plan if self.context is not None else {}
        for kind, planned in plan.items():
            if planned.get(what):
                counts[kind] = len(planned[what])
        return counts

    def result(self, dry_run: bool) -> ImportResult:
        return ImportResult(
            county=self.county_number,
            checksum=self.digest.hexdigest(),
            lines=self.lines_read,
            created=self._counts("create"),
            updated=self._counts("update"),
            unchanged=self._counts("same"),
            warnings=sorted(self.warnings),
            dry_run=dry_run,
        )


class _Existing:
    """What the county already holds of the keys a file mentions, fetched in chunks."""

    def __init__(self, county: County | None, records: dict[str, dict[str, Line]]):
        self.units: dict[str, Unit] = {}
        self.municipality_unit: dict[str, str] = {}
        self.persons: dict[str, Person] = {}
        self.person_key_by_fnr: dict[str, str] = {}
        self.registrations: dict[str, Registration] = {}
        self.registration_person_year: dict[str, tuple[str, int]] = {}
        self.facts: dict[str, dict[str, Any]] = {"reason": {}, "status": {}}
        self.fact_moments: dict[str, dict[str, tuple]] = {"reason": {}, "status": {}}
        if county is None:
            return
        self.units = {u.key: u for u in Unit.objects.filter(county=county)}
        self.municipality_unit = dict(
            Municipality.objects.filter(county=county, unit__isnull=False).values_list(
                "number", "unit__key"
            )
        )
        person_keys = set(records["person"]) | {
            line.values["person"] for line in records["registration"].values()
        }
        for person in _chunked(Person.objects.filter(county=county), "key", person_keys):
            self.persons[person.key] = person
        fnrs = {line.values["fnr"] for line in records["person"].values() if line.values["fnr"]}
        for key, fnr in _chunked(
            Person.objects.filter(county=county).values_list("key", "fnr"), "fnr", fnrs
        ):
            self.person_key_by_fnr[fnr] = key
        registration_keys = set(records["registration"])
        for kind in ("reason", "status"):
            registration_keys |= {line.values["registration"] for line in records[kind].values()}
        registrations = Registration.objects.filter(county=county).select_related("person", "unit")
        for registration in _chunked(registrations, "key", registration_keys):
            self.registrations[registration.key] = registration
        # Other registrations of the file's persons: one registration per person and year.
        for key, person_key, year in _chunked(
            Registration.objects.filter(county=county).values_list(
                "key", "person__key", "school_year"
            ),
            "person__key",
            person_keys,
        ):
            self.registration_person_year[key] = (person_key, year)
        for kind, model in (("reason", ReasonFact), ("status", StatusFact)):
            facts = model.objects.filter(county=county).select_related("registration")
            for fact in _chunked(facts, "key", set(records[kind])):
                self.facts[kind][fact.key] = fact
            touched = {line.values["registration"] for line in records[kind].values()}
            for key, reg_key, valid_from, recorded_at in _chunked(
                model.objects.filter(county=county).values_list(
                    "key", "registration__key", "valid_from", "recorded_at"
                ),
                "registration__key",
                touched,
            ):
                self.fact_moments[kind][key] = (reg_key, valid_from, recorded_at)


def _chunked(queryset, field_name: str, values: set[str]) -> Iterator:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield from queryset.filter(**{f"{field_name}__in": ordered[start : start + CHUNK]})


def _ids(model, county: County, keys: set[str]) -> dict[str, int]:
    return dict(_chunked(model.objects.filter(county=county).values_list("key", "id"), "key", keys))


def _bulk_create(model, objects: Iterable, bar) -> None:
    objects = iter(objects)
    while batch := list(islice(objects, CHUNK)):
        model.objects.bulk_create(batch)
        bar.update(len(batch))


def _person_changes(person: Person, values: dict) -> list[str]:
    return [
        name for name in PERSON_VALUES if name in values and getattr(person, name) != values[name]
    ]
