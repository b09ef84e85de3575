"""Reads of the intake: the runs a user may see (their county; a coordinator their unit's)."""

from veiviser import policy
from veiviser.intake.models import IntakeRun
from veiviser.intake.services import intake_scope


def runs_for(user):
    """The intake runs `user` may see: the county's (office) or the user's unit's
    (coordinator); PermissionDenied for everyone else."""
    runs = IntakeRun.objects.filter(county_id=user.county_id).select_related(
        "unit", "created_by", "applied_by"
    )
    if intake_scope(user) == policy.UNIT:
        runs = runs.filter(unit_id=user.unit_id)
    return runs
