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
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

VERSION_2 = 2


@dataclass
class Context:
    """What a record type's `check` and `write` see of the running import."""

    county: Any  # organisation.County or None (a county the database does not hold yet)
    core: dict  # the version-1 records of the file: {type: {id: Line}}
    records: dict  # the extension records of the file: {type: {id: Line}}
    error: Callable[[int, str, str], None]  # (line, field, reason)
    actor: Any = None
    # Filled by check(): what write() will do, per type: {"create": [...], "update": [...],
    # "same": [...]} of ids. Counted in the import's result.
    plan: dict = field(default_factory=dict)
    # For the record types' own use during one import (e.g. the county's known keys).
    cache: dict = field(default_factory=dict)


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


REGISTRY: dict[str, RecordType] = {}


def register(record_type: RecordType) -> None:
    """Add a record type to version 2 (idempotent for the same name and object)."""
    from veiviser.exchange.format import REQUIRED

    if record_type.name in REQUIRED:
        raise ValueError(f"{record_type.name!r} is a version-1 record type")
    REGISTRY[record_type.name] = record_type


def ordered() -> list[RecordType]:
    return sorted(REGISTRY.values(), key=lambda t: (t.order, t.name))
