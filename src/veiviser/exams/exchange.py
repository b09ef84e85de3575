"""The exams' record types in version 2 of the exchange format (docs/exchange.md): `subject`
(the national subjects by code) and `exam_entry`, registered with `exchange.extensions` when the
app loads."""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from veiviser.exams import rules
from veiviser.exams.models import ExamEntry, Result, Subject
from veiviser.exchange import extensions, keyed
from veiviser.exchange.format import (
    read_date,
    read_id,
    read_int,
    read_optional_text,
    read_text,
)
from veiviser.registry.models import Registration


def _code(value: Any) -> str:
    code = read_id(value)
    if not code.isalnum() or code != code.upper():
        raise ValueError(_("a subject code is capital letters and digits, e.g. NOR1211"))
    return code


def _active(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("must be true or false"))
    return value


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    number = read_int(value)
    if number < 0:
        raise ValueError(_("must not be negative"))
    return number


# -- subject: national, keyed by its code ---------------------------------------------------------


def _check_subjects(ctx: extensions.Context, lines: dict) -> None:
    """A subject the database lacks is added; a known code keeps its name (subjects are
    national: one county's file does not rename them for all)."""
    plan = ctx.plan.setdefault("subject", {"create": [], "update": [], "same": []})
    known = set(Subject.objects.filter(code__in=list(lines)).values_list("code", flat=True))
    for code in lines:
        plan["same" if code in known else "create"].append(code)


def _write_subjects(ctx: extensions.Context, lines: dict) -> None:
    new = [
        Subject(
            code=code,
            name=lines[code].values["name"],
            active=lines[code].values.get("active", True),
        )
        for code in ctx.plan.get("subject", {}).get("create", [])
    ]
    Subject.objects.bulk_create(new)


def _export_subjects(county) -> Iterator[dict]:
    subjects = Subject.objects.filter(entries__county=county).distinct().order_by("code")
    for subject in subjects:
        record = {"id": subject.code, "name": subject.name}
        if not subject.active:
            record["active"] = False
        yield record


SUBJECT = extensions.RecordType(
    name="subject",
    required=("id", "name"),
    optional=("active",),
    readers={"id": _code, "name": lambda v: read_text(v, 200), "active": _active},
    check=_check_subjects,
    write=_write_subjects,
    export=_export_subjects,
    order=5,
)


# -- exam_entry -----------------------------------------------------------------------------------


def _entry_rules(ctx: extensions.Context, line) -> list[tuple[str, str]]:
    v = line.values
    problems = [(p.field, p.reason) for p in rules.result_problems(v["result"], v.get("grade"))]
    year = keyed.registration_year(ctx, v["registration"])
    if year is not None:
        problems += [(p.field, p.reason) for p in rules.exam_date_problems(v["exam_date"], year)]
    return problems


EXAM_ENTRY = keyed.Spec(
    "exam_entry",
    ExamEntry,
    {
        "exam_date": "exam_date",
        "training": "training",
        "training_hours": "training_hours",
        "result": "result",
        "grade": "grade",
    },
    (
        keyed.Ref("registration", "registration", Registration, "registration"),
        keyed.Ref("subject", "subject", Subject, "subject", lookup="code", scoped=False),
    ),
    ("id", "registration", "subject", "exam_date", "result"),
    ("training", "training_hours", "grade"),
    {
        "id": read_id,
        "registration": read_id,
        "subject": _code,
        "exam_date": read_date,
        "training": lambda v: read_optional_text(v, 300),
        "training_hours": _optional_int,
        "result": keyed.choice(Result.values),
        "grade": _optional_int,
    },
    60,
    defaults={"training": "", "training_hours": None, "grade": None},
    unique=(("registration", "subject", "exam_date"),),
    rules=_entry_rules,
)


def register() -> None:
    extensions.register(SUBJECT)
    keyed.register([EXAM_ENTRY])
