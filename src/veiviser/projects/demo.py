"""A transition project in the demo county (the shape of seed 004): run by the Sandefjord unit
with the demo's project worker, a cohort of about 34 youths a school year from Sandefjord and
Horten (first those OT works preventively with), and where each was at the end of the project
year in seed 004's proportions. Deterministic from the demo's seed; the name is invented."""

import random
from datetime import date, timedelta

from veiviser.organisation.models import Role, User
from veiviser.projects import services
from veiviser.projects.models import ProjectOutcome
from veiviser.registry.models import Registration

COHORT = 34
# Seed 004, 2022/23: apprentice 3, school 26, job 1, NAV/AAP 2, continues in OT 1, moved 1.
OUTCOME_WEIGHTS = {
    ProjectOutcome.APPRENTICE: 3,
    ProjectOutcome.SCHOOL: 26,
    ProjectOutcome.JOB: 1,
    ProjectOutcome.NAV_AAP: 2,
    ProjectOutcome.CONTINUES_OT: 1,
    ProjectOutcome.MOVED: 1,
    ProjectOutcome.OTHER: 1,
}


def build(county, *, seed: int) -> int:
    """The project and its cohorts; returns the number of participants."""
    rng = random.Random(f"projects-{seed}")
    units = {u.key: u for u in county.units.all()}
    host = units.get("u-sfj") or next(iter(units.values()), None)
    workers = list(User.objects.filter(county=county, role=Role.PROJECT_WORKER).order_by("pk"))
    years = sorted(
        set(Registration.objects.filter(county=county).values_list("school_year", flat=True))
    )
    if not years or host is None:
        return 0
    project = services.project_create(
        actor=None,
        county=county,
        unit=host,
        name="Overgangsprosjektet 10. trinn – Vg1",
        description=(
            "Hindre frafall gjennom tett, individuelt tilpasset oppfølging i overgangen fra "
            "ungdomsskole til videregående opplæring, og videre første skoleår."
        ),
        starts_on=date(years[0], 8, 1),
        partners="NAV, ungdomsskolene, de videregående skolene, PPT, kompetansesenteret",
        workers=workers,
    )
    outcomes = list(OUTCOME_WEIGHTS)
    weights = list(OUTCOME_WEIGHTS.values())
    made = 0
    for year in years:
        pool = Registration.objects.filter(
            county=county, school_year=year, unit__key__in=["u-sfj", "u-hor"]
        )
        preventive = list(
            pool.filter(status_facts__code__in=["ELGS_IM", "ELVG_IM"]).distinct().order_by("key")
        )
        others = list(
            pool.filter(person__birth_date__year__gte=year - 16)
            .exclude(pk__in=[r.pk for r in preventive])
            .order_by("key")
        )
        chosen = rng.sample(preventive, min(len(preventive), COHORT))
        chosen += rng.sample(others, min(len(others), COHORT - len(chosen)))
        for registration in chosen:
            joined = max(registration.registered_on, date(year, 8, 15)) + timedelta(
                days=rng.randint(0, 30)
            )
            participant = services.participant_add(
                actor=None,
                project=project,
                registration=registration,
                joined_on=min(joined, date(year + 1, 6, 1)),
            )
            services.participant_outcome_record(
                actor=None,
                participant=participant,
                outcome=rng.choices(outcomes, weights)[0],
                outcome_on=date(year + 1, 6, 20),
            )
            made += 1
    return made
