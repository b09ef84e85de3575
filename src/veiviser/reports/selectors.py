"""Reads of the annual reports and narratives, within the access policy."""

from django.db.models import Max

from veiviser import policy
from veiviser.reports.models import Narrative, Report


def may_make_reports(user) -> bool:
    """The annual report is county-wide: the policy's STATISTICS action at county scope
    (county leader, office). `None` is the system (an operator's command)."""
    return policy.scope(user, policy.STATISTICS) == policy.COUNTY


def reports_for(user):
    """The reports of the user's county (none without county-wide statistics)."""
    if user is None:
        return Report.objects.select_related("county", "created_by")
    if not may_make_reports(user):
        return Report.objects.none()
    return Report.objects.filter(county_id=user.county_id).select_related("county", "created_by")


def latest_narratives(county) -> dict[str, Narrative]:
    """The newest version of each of the county's narratives, by key."""
    newest = Narrative.objects.filter(county=county).values("key").annotate(version=Max("version"))
    wanted = {(row["key"], row["version"]) for row in newest}
    return {
        n.key: n
        for n in Narrative.objects.filter(county=county, key__in=[k for k, _v in wanted])
        if (n.key, n.version) in wanted
    }


def narratives_at(county, versions: dict[str, int]) -> dict[str, Narrative]:
    """The given versions of the county's narratives (a report's record), by key."""
    found = {
        (n.key, n.version): n
        for n in Narrative.objects.filter(county=county, key__in=list(versions))
    }
    return {key: found[(key, v)] for key, v in versions.items() if (key, v) in found}
