"""Preventive work's record types in version 2 of the exchange format (docs/exchange.md):
`preventive_case` and `clarification_meeting`, registered with `exchange.extensions` when the
app loads."""

import json
from typing import Any

from django.utils.translation import gettext as _

from veiviser.casework.models import PartnerKind
from veiviser.exchange import extensions, keyed
from veiviser.exchange.format import (
    read_date,
    read_id,
    read_optional_date,
    read_optional_text,
    read_text,
)
from veiviser.prevention.models import (
    ClarificationMeeting,
    DropoutReason,
    PreventiveCase,
    PupilKind,
    YearOutcome,
)
from veiviser.registry.models import Registration


def _partners(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(_("must be a list of partner services"))
    unknown = [p for p in value if p not in PartnerKind.values]
    if unknown:
        raise ValueError(
            _("%(kind)s is not a partner service (one of %(known)s)")
            % {"kind": json.dumps(unknown), "known": ", ".join(PartnerKind.values)}
        )
    return sorted(set(value))


def _case_rules(ctx: extensions.Context, line) -> list[tuple[str, str]]:
    v = line.values
    year = keyed.registration_year(ctx, v["registration"])
    problems = keyed.in_school_year("started_on", v["started_on"], year)
    problems += keyed.in_school_year("outcome_on", v.get("outcome_on"), year)
    outcome, reason = v.get("outcome", ""), v.get("dropout_reason", "")
    if outcome == YearOutcome.DROPPED_OUT and not reason:
        problems.append(("dropout_reason", _("say why the youth dropped out")))
    if outcome != YearOutcome.DROPPED_OUT and reason:
        problems.append(("dropout_reason", _("only a youth who dropped out has a reason")))
    if v.get("outcome_on") is not None and not outcome:
        problems.append(("outcome_on", _("a date of the outcome needs an outcome")))
    if v.get("outcome_on") is not None and v["outcome_on"] < v["started_on"]:
        problems.append(("outcome_on", _("the outcome cannot come before the start")))
    return problems


def _case_registration(ctx: extensions.Context, case_key: str) -> str | None:
    kept = ctx.record("preventive_case", case_key)
    if kept is not None:
        return kept["registration"]
    return (
        PreventiveCase.objects.filter(county=ctx.county, key=case_key)
        .values_list("registration__key", flat=True)
        .first()
    )


def _meeting_rules(ctx: extensions.Context, line) -> list[tuple[str, str]]:
    registration = _case_registration(ctx, line.values["case"])
    year = keyed.registration_year(ctx, registration) if registration else None
    return keyed.in_school_year("held_on", line.values["held_on"], year)


def _meeting_registration(ctx: extensions.Context, meetings: list) -> None:
    """A meeting belongs to its case's registration."""
    cases = {m.case_id for m in meetings}
    registration_of = dict(
        PreventiveCase.objects.filter(pk__in=cases).values_list("pk", "registration_id")
    )
    for meeting in meetings:
        meeting.registration_id = registration_of[meeting.case_id]


SPECS = (
    keyed.Spec(
        "preventive_case",
        PreventiveCase,
        {
            "kind": "kind",
            "school": "school",
            "started_on": "started_on",
            "concern": "concern",
            "outcome": "outcome",
            "outcome_on": "outcome_on",
            "dropout_reason": "dropout_reason",
        },
        (keyed.Ref("registration", "registration", Registration, "registration"),),
        ("id", "registration", "kind", "school", "started_on"),
        ("concern", "outcome", "outcome_on", "dropout_reason"),
        {
            "id": read_id,
            "registration": read_id,
            "kind": keyed.choice(PupilKind.values),
            "school": lambda v: read_text(v, 200),
            "started_on": read_date,
            "concern": lambda v: read_optional_text(v, 10000),
            "outcome": keyed.optional_choice(YearOutcome.values),
            "outcome_on": read_optional_date,
            "dropout_reason": keyed.optional_choice(DropoutReason.values),
        },
        70,
        defaults={"concern": "", "outcome": "", "outcome_on": None, "dropout_reason": ""},
        unique=(("registration",),),
        rules=_case_rules,
        keeps=("registration",),  # a meeting's school year is its case's registration's
    ),
    keyed.Spec(
        "clarification_meeting",
        ClarificationMeeting,
        {
            "held_on": "held_on",
            "partners": "partners",
            "participants": "participants",
            "summary": "summary",
        },
        (keyed.Ref("case", "preventive_case", PreventiveCase, "case"),),
        ("id", "case", "held_on"),
        ("partners", "participants", "summary"),
        {
            "id": read_id,
            "case": read_id,
            "held_on": read_date,
            "partners": _partners,
            "participants": lambda v: read_optional_text(v, 300),
            "summary": lambda v: read_optional_text(v, 10000),
        },
        75,
        defaults={"partners": [], "participants": "", "summary": ""},
        rules=_meeting_rules,
        complete=_meeting_registration,
    ),
)


def register() -> None:
    keyed.register(SPECS)
