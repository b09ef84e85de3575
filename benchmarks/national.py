"""A national synthetic dataset for the statistics benchmark (docs/performance.md).

All 15 counties (2024 numbers) × ten school years (2015/16 – 2024/25), about 2,500 registrations
per county and school year at scale 1 (≈ 375,000 registrations, ≈ 1.6 million exchange lines).
Each county is simulated by the demo county's generator (`veiviser.demo.generator`, DOMAIN.md
§3-5, §9): admissions-office registrations in the autumn, dropouts through the year, preventive
registrations, status walks OTUK → OTOV → group 3/4/5, carry-overs on 1 August, corrections (a
second fact with the same valid_from, recorded later) and late recordings. This module only
changes what the demo fixes: the county number and its units, the school years, the size, and
codes a school year does not have yet (OTVF and OTVF_IM exist from 2016/17: before that the youth
is recorded as OTEV / OTEV_IM).

Every identity number is a synthetic test number (month + 80), so the import needs
VEIVISER_ALLOW_SYNTHETIC_FNR=1; about 3 % of the persons have no number (as in the demo).

The output of a county is a list of exchange records (EXCHANGE.md §1), header first: the lines
that `veiviser.exchange.importer.import_lines` reads. `write_parquet` writes the same records as
four Parquet tables for the DuckDB floor in `benchmarks/run.py`.

    python -m benchmarks.national --scale 0.1 --out /tmp/national   # JSONL per county + Parquet

The same seed and scale always give the same records.
"""

import argparse
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import veiviser
from veiviser.codes import loader
from veiviser.demo import generator
from veiviser.demo.generator import DemoUnit

COUNTIES: tuple[str, ...] = (
    "03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56",
)  # fmt: skip
SCHOOL_YEARS: tuple[int, ...] = tuple(range(2015, 2025))
PER_COUNTY_YEAR = 2500  # registrations in a county and school year at scale 1
DEFAULT_SEED = 2025
# Registrations per school year the demo generator's own numbers give (new ones, carry-overs
# and duplicates; measured over 2015-2024 at factor 1): the factor below scales them.
_DEMO_PER_YEAR = 2100
# A code the school year does not have yet → what was recorded instead (kodeverk.json:
# OTVF and OTVF_IM are valid from 2016).
_BEFORE_CODE = {"OTVF": "OTEV", "OTVF_IM": "OTEV_IM"}


def county_names() -> dict[str, str]:
    path = Path(veiviser.__file__).resolve().parent / "organisation" / "data" / "counties.json"
    with path.open(encoding="utf-8") as fh:
        return {row["number"]: row["name"] for row in json.load(fh)["counties"]}


class NationalCounty(generator._County):
    """The demo generator's county simulation for any county, school years and size."""

    def __init__(
        self, number: str, *, seed: int, school_years: Sequence[int], per_county_year: float
    ):
        super().__init__(seed)
        self.number = number
        self.school_years = tuple(school_years)
        self.factor = per_county_year / _DEMO_PER_YEAR
        self.units = _units(number, self.rng)
        self.unit_of = {m: unit.key for unit in self.units for m in unit.municipalities}
        self.municipalities = [m for unit in self.units for m in unit.municipalities]
        self.municipality_weights = [w for unit in self.units for w in unit.weights]
        data = loader.read()
        self.code_years = {
            row["code"]: (row["valid_from"], row.get("valid_to")) for row in data["status_codes"]
        }

    def valid(self, code: str, school_year: int) -> bool:
        first, last = self.code_years[code]
        return first <= school_year and (last is None or school_year <= last)

    def simulate(self) -> None:
        first = self.school_years[0] - generator.WARM_UP_YEARS
        carried: list = []
        for year in range(first, self.school_years[-1] + 1):
            registrations = self.school_year(year, carried)
            if year >= self.school_years[0]:
                self.registrations += registrations
            carried = [r for r in registrations if self.in_target_group(r, date(year + 1, 7, 31))]

    def school_year(self, year: int, carried: list) -> list:
        """The demo's school year (generator._County.school_year) with the counts scaled."""
        rng = self.rng
        start = date(year, 8, 1)
        registrations = []
        for previous in carried:
            reason, code = previous.at(date(year, 7, 31))
            reason_code = previous.reason_code if reason == previous.reason else "OESL"
            registration = generator._Registration(
                previous.person, year, start, "carried", reason, reason_code
            )
            registration.steps.append(generator._Step(start, code))
            registrations.append(registration)
        taken = {r.person for r in registrations}
        for kind, (reason, codes, count) in generator._KINDS.items():
            for _ in range(round(count * self.factor * rng.uniform(0.94, 1.06))):
                age = self.age(kind, year)
                person = self.returning(year - age, taken, year)
                if person is None:
                    person = self.new_person(year - age)
                taken.add(person)
                code = rng.choices([c for c, _ in codes], [w for _, w in codes])[0]
                registered_on = self.registration_date(kind, year)
                registrations.append(
                    generator._Registration(person, year, registered_on, kind, reason, code)
                )
        candidates = [r for r in registrations if r.person.fnr and r.kind != "carried"]
        duplicates = min(len(candidates), max(1, round(generator._DUPLICATES * self.factor)))
        for original in rng.sample(candidates, duplicates):
            person = generator._Person(
                None,
                original.person.birth_date,
                original.person.given_name,
                original.person.family_name,
                original.person.municipality,
            )
            later = original.registered_on + timedelta(days=rng.randint(10, 60))
            registered_on = min(later, date(year + 1, 7, 31))
            registrations.append(
                generator._Registration(person, year, registered_on, "other", "other", "ANSM")
            )
        for registration in registrations:
            registration.person.last_year = year
            self.walk(registration)
        return registrations

    def walk(self, registration) -> None:
        super().walk(registration)
        year = registration.school_year
        registration.steps = [
            step if self.valid(step.code, year) else replace(step, code=_BEFORE_CODE[step.code])
            for step in registration.steps
        ]

    def exchange_records(self) -> list[dict]:
        """The county's exchange file as records, header first (generator._County.lines)."""
        records = self.records()
        last = max(datetime.fromisoformat(r["recorded_at"]) for r in records if "recorded_at" in r)
        exported = datetime.combine(last.date() + timedelta(days=1), time(8, 0), generator.OSLO)
        header = {
            "type": "header",
            "format": "veiviser-exchange",
            "version": 1,
            "county": self.number,
            "exported_at": exported.isoformat(),
        }
        units = [
            {
                "type": "unit",
                "id": unit.key,
                "name": unit.name,
                "municipalities": list(unit.municipalities),
            }
            for unit in self.units
        ]
        return [header, *units, *records]


def _units(number: str, rng: random.Random) -> tuple[DemoUnit, ...]:
    """Three to six units, each responsible for one to four (invented) municipalities with the
    county's prefix; populations in thousands, for where the youths live."""
    name = county_names().get(number, f"Fylke {number}")
    units = []
    municipality = 1
    for index in range(rng.randint(3, 6)):
        count = rng.randint(1, 4)
        numbers = tuple(f"{number}{municipality + 2 * k:02d}" for k in range(count))
        municipality += 2 * count
        weights = tuple(rng.randint(3, 60) for _ in numbers)
        units.append(DemoUnit(f"u-{index + 1}", f"{name} {index + 1}", numbers, weights))
    return tuple(units)


def county_records(
    number: str,
    *,
    scale: float = 1.0,
    school_years: Sequence[int] = SCHOOL_YEARS,
    per_county_year: float | None = None,
    seed: int = DEFAULT_SEED,
) -> list[dict]:
    """One county's exchange records, header first. `per_county_year` (default
    PER_COUNTY_YEAR × scale) is the approximate number of registrations per school year."""
    size = PER_COUNTY_YEAR * scale if per_county_year is None else per_county_year
    county = NationalCounty(
        number,
        seed=seed * 100 + int(number),
        school_years=school_years,
        per_county_year=size,
    )
    county.simulate()
    return county.exchange_records()


def lines(records: Iterable[dict]) -> Iterator[str]:
    """Records as the lines of an exchange file (without line ends)."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":"))


# -- Parquet, for the DuckDB floor --------------------------------------------------------------


class ParquetTables:
    """The records of every county as four tables (the columns the statistics read), with
    instants in UTC."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list]] = {
            "person": {"county": [], "id": [], "birth_date": [], "has_fnr": []},
            "registration": {
                "county": [],
                "id": [],
                "person": [],
                "school_year": [],
                "registered_on": [],
                "reason": [],
                "recorded_at": [],
            },
            "reason": {
                "county": [],
                "registration": [],
                "reason": [],
                "valid_from": [],
                "recorded_at": [],
            },
            "status": {
                "county": [],
                "registration": [],
                "code": [],
                "valid_from": [],
                "recorded_at": [],
            },
        }

    def add(self, county: str, records: Iterable[dict]) -> None:
        for record in records:
            kind = record["type"]
            table = self.columns.get(kind)
            if table is None:
                continue
            row = {"county": county}
            for name in table:
                if name == "county":
                    continue
                if name == "has_fnr":
                    row[name] = record["fnr"] is not None
                else:
                    row[name] = _value(name, record[name])
            for name, column in table.items():
                column.append(row[name])

    def write(self, directory: Path) -> dict[str, Path]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        directory.mkdir(parents=True, exist_ok=True)
        paths = {}
        for kind, table in self.columns.items():
            path = directory / f"{kind}.parquet"
            types = {
                "county": pa.string(),
                "school_year": pa.int32(),
                "birth_date": pa.date32(),
                "registered_on": pa.date32(),
                "valid_from": pa.date32(),
                "recorded_at": pa.timestamp("us", tz="UTC"),
                "has_fnr": pa.bool_(),
            }
            arrays = {
                name: pa.array(values, type=types.get(name, pa.string()))
                for name, values in table.items()
            }
            pq.write_table(pa.table(arrays), path)
            paths[kind] = path
        return paths


def _value(name: str, value):
    if name in ("birth_date", "registered_on", "valid_from"):
        return date.fromisoformat(value)
    if name == "recorded_at":
        return datetime.fromisoformat(value).astimezone(UTC)
    return value


def build(
    directory: Path,
    *,
    scale: float = 1.0,
    counties: Sequence[str] = COUNTIES,
    school_years: Sequence[int] = SCHOOL_YEARS,
    seed: int = DEFAULT_SEED,
    parquet: bool = True,
    log=print,
) -> dict:
    """Write `<county>.jsonl` for every county and (with `parquet`) the Parquet tables into
    `directory`; return a summary (files, line and record counts)."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = ParquetTables() if parquet else None
    files = {}
    counts: dict[str, int] = {}
    for number in counties:
        records = county_records(number, scale=scale, school_years=school_years, seed=seed)
        path = directory / f"{number}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for line in lines(records):
                fh.write(line + "\n")
        for record in records:
            counts[record["type"]] = counts.get(record["type"], 0) + 1
        files[number] = {"path": str(path), "lines": len(records)}
        if tables is not None:
            tables.add(number, records)
        log(f"  county {number}: {len(records):,} lines")
    summary = {
        "scale": scale,
        "seed": seed,
        "counties": list(counties),
        "school_years": list(school_years),
        "files": files,
        "lines": sum(f["lines"] for f in files.values()),
        "records": counts,
    }
    if tables is not None:
        summary["parquet"] = {k: str(p) for k, p in tables.write(directory / "parquet").items()}
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-parquet", action="store_true")
    args = parser.parse_args(argv)
    summary = build(args.out, scale=args.scale, seed=args.seed, parquet=not args.no_parquet)
    print(json.dumps({k: v for k, v in summary.items() if k != "files"}, indent=1))


if __name__ == "__main__":
    main()
