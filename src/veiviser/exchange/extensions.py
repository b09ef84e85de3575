"""Version 2 of the veiviser-exchange format: the record types of version 1 plus the record
types other apps register here (docs/exchange.md, "Version 2").

Version 1 (EXCHANGE.md) stays exactly as it is: a version-1 file may hold only its six types,
and `veiviser export` writes version 1 unless asked for version 2. A version-2 file is a
superset: the same header with `"version": 2`, the version-1 records, and records of any
registered type. An app registers its types in its `AppConfig.ready()`:

    register(RecordType(name="measure", required=(...), optional=(...), readers={...},
                        check=..., write=..., export=..., order=10))

Each type brings its own field readers (shape only, like `format.read_line`), a `check` that
reports every rule broken (against the file and the database) without writing, a `write` that
runs inside the import's one transaction after the version-1 records are written, and an
`export` that yields the county's records in a stable order. Types are checked, written and
exported in `order` (a type that refers to another comes after it).

The importer never holds a file's records all at once (docs/performance.md, "Memory"): `check`
and `write` are called a chunk of records at a time (a dict id → `format.Line` of at most
`importer.CHUNK` records of the type, in file order), `check` for every record of the type and
`write` for those its `check` planned to create or update. What a check needs of other records
of the file it asks the context: `ctx.in_file(type, id)`, and `ctx.record(type, id)` for the
fields a type `keeps` (a registration keeps its `school_year`). State a check keeps across the
chunks of one import (e.g. the values seen so far of a field unique per county) goes in
`ctx.cache`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

VERSION_2 = 2


class FileIndex(Protocol):
    def in_file(self, record_type: str, key: str) -> bool: ...

    def record(self, record_type: str, key: str) -> dict[str, Any] | None: ...


@dataclass
class Context:
    """What a record type's `check` and `write` see of the running import."""

    county: Any  # organisation.County or None (a county the database does not hold yet)
    index: FileIndex  # the ids of the file's records (the importer's index)
    error: Callable[[int, str, str], None]  # (line, field, reason)
    actor: Any = None
    # Filled by check() for the chunk it is given: what write() will do, per type:
    # {"create": [...], "update": [...], "same": [...]} of ids. Counted in the import's result;
    # write() is given the same for the chunk it writes.
    plan: dict = field(default_factory=dict)
    # For the record types' own use during one import's check (e.g. the county's known keys,
    # values seen in the chunks before); emptied when the check is done.
    cache: dict = field(default_factory=dict)

    def in_file(self, record_type: str, key: str) -> bool:
        """Does the file hold a readable record of `record_type` (version 1 or 2) with id
        `key`?"""
        return self.index.in_file(record_type, key)

    def record(self, record_type: str, key: str) -> dict[str, Any] | None:
        """The fields `record_type` keeps (RecordType.keeps; a registration: `school_year`) of
        the file's record `key`, or None when the file has no such record."""
        return self.index.record(record_type, key)


@dataclass(frozen=True)
class RecordType:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    readers: dict[str, Callable[[Any], Any]]
    check: Callable[[Context, dict], None]
    write: Callable[[Context, dict], None]
    export: Callable[[Any], Iterator[dict]]
    order: int = 100
    # Fields other types' checks read through Context.record (kept in the import's index).
    keeps: tuple[str, ...] = ()


REGISTRY: dict[str, RecordType] = {}


def register(record_type: RecordType) -> None:
    """Add a record type to version 2 (idempotent for the same name and object)."""
    from veiviser.exchange.format import REQUIRED

    if record_type.name in REQUIRED:
        raise ValueError(f"{record_type.name!r} is a version-1 record type")
    REGISTRY[record_type.name] = record_type


def ordered() -> list[RecordType]:
    return sorted(REGISTRY.values(), key=lambda t: (t.order, t.name))
