"""The projects' record types in version 2 of the exchange format (docs/exchange.md):
`project` and `project_participant`, registered with `exchange.extensions` when the app loads.
Project workers are staff accounts, which the format does not carry."""

from django.utils.translation import gettext as _

from veiviser.exchange import extensions, keyed
from veiviser.exchange.format import (
    read_date,
    read_id,
    read_optional_date,
    read_optional_id,
    read_optional_text,
    read_text,
)
from veiviser.organisation.models import Unit
from veiviser.projects.models import Participant, Project, ProjectOutcome
from veiviser.registry.models import Registration


def _project_period(ctx: extensions.Context, key: str):
    kept = ctx.record("project", key)
    if kept is not None:
        return kept["starts_on"], kept["ends_on"]
    return (
        Project.objects.filter(county=ctx.county, key=key)
        .values_list("starts_on", "ends_on")
        .first()
    ) or (None, None)


def _participant_rules(ctx: extensions.Context, line) -> list[tuple[str, str]]:
    v = line.values
    joined = v["joined_on"]
    year = keyed.registration_year(ctx, v["registration"])
    problems = keyed.in_school_year("joined_on", joined, year)
    starts, ends = _project_period(ctx, v["project"])
    if starts is not None and (joined < starts or (ends is not None and joined > ends)):
        problems.append(("joined_on", _("the date must lie in the project's period")))
    if v.get("outcome_on") is not None and not v.get("outcome"):
        problems.append(("outcome_on", _("a date of the outcome needs an outcome")))
    if v.get("outcome_on") is not None and v["outcome_on"] < joined:
        problems.append(("outcome_on", _("the outcome cannot come before the start")))
    return problems


SPECS = (
    keyed.Spec(
        "project",
        Project,
        {
            "name": "name",
            "description": "description",
            "starts_on": "starts_on",
            "ends_on": "ends_on",
            "partners": "partners",
        },
        (keyed.Ref("unit", "unit", Unit, "unit", required=False),),
        ("id", "name", "starts_on"),
        ("unit", "description", "ends_on", "partners"),
        {
            "id": read_id,
            "name": lambda v: read_text(v, 200),
            "unit": read_optional_id,
            "description": lambda v: read_optional_text(v, 10000),
            "starts_on": read_date,
            "ends_on": read_optional_date,
            "partners": lambda v: read_optional_text(v, 500),
        },
        80,
        defaults={"description": "", "ends_on": None, "partners": ""},
        unique=(("name",),),
        keeps=("starts_on", "ends_on"),  # a participant joins inside the project's period
    ),
    keyed.Spec(
        "project_participant",
        Participant,
        {"joined_on": "joined_on", "outcome": "outcome", "outcome_on": "outcome_on"},
        (
            keyed.Ref("project", "project", Project, "project"),
            keyed.Ref("registration", "registration", Registration, "registration"),
        ),
        ("id", "project", "registration", "joined_on"),
        ("outcome", "outcome_on"),
        {
            "id": read_id,
            "project": read_id,
            "registration": read_id,
            "joined_on": read_date,
            "outcome": keyed.optional_choice(ProjectOutcome.values),
            "outcome_on": read_optional_date,
        },
        85,
        defaults={"outcome": "", "outcome_on": None},
        unique=(("project", "registration"),),
        rules=_participant_rules,
    ),
)


def register() -> None:
    keyed.register(SPECS)
