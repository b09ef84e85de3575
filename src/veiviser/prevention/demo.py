"""Preventive work in the demo county: a case for every youth whose status history has ELVG_IM
or ELGS_IM, clarification meetings with the school and partners, and the outcome at the end of
the school year read from what the history says next (back to OT's target group = dropped out).
Deterministic from the demo's seed; summaries are generic, never about a real person."""

import random
from datetime import date, timedelta

from veiviser.prevention import services
from veiviser.prevention.models import DropoutReason, YearOutcome
from veiviser.registry.models import Registration

SCHOOLS = [
    "Eksempel videregående skole",
    "Fjordby videregående skole",
    "Kystbyen videregående skole",
    "Lindheim videregående skole",
    "Opplæringskontoret for bygg",
]
LOWER_SECONDARY = ["Bakkeli ungdomsskole", "Solvik ungdomsskole", "Nordre ungdomsskole"]
PARTNERS = ["school", "school", "school", "ppt", "nav", "health", "child_welfare", "municipality"]
PARTICIPANTS = [
    "Eleven, kontaktlærer og rådgiver",
    "Eleven, foresatt og kontaktlærer",
    "Lærlingen, faglig leder og opplæringskontoret",
    "Eleven og rådgiver",
]
SUMMARIES = [
    "Gikk gjennom fravær og tiltak. Avtalt ukentlig samtale med OT.",
    "Drøftet omvalg. Eleven vil prøve ut praksis før jul.",
    "Avtalt tilpasset timeplan og ny samtale om fire uker.",
]
REASON_WEIGHTS = {
    DropoutReason.WRONG_CHOICE: 25,
    DropoutReason.PERSONAL: 20,
    DropoutReason.MOTIVATION: 20,
    DropoutReason.ABSENCE: 15,
    DropoutReason.WORK: 8,
    DropoutReason.HEALTH: 7,
    DropoutReason.OTHER: 5,
}
OPEN_SHARE = 0.04  # a few outcomes not recorded yet


def build(county, *, seed: int) -> int:
    """One preventive case per registration with ELVG_IM or ELGS_IM; returns how many."""
    rng = random.Random(f"prevention-{seed}")
    reasons = list(REASON_WEIGHTS)
    weights = list(REASON_WEIGHTS.values())
    made = 0
    registrations = (
        Registration.objects.filter(county=county, status_facts__code__in=["ELVG_IM", "ELGS_IM"])
        .distinct()
        .order_by("school_year", "key")
        .prefetch_related("status_facts")
    )
    for registration in registrations:
        facts = sorted(registration.status_facts.all(), key=lambda f: (f.valid_from, f.recorded_at))
        first = next(f for f in facts if f.code in ("ELVG_IM", "ELGS_IM"))
        later = [f for f in facts if f.valid_from > first.valid_from]
        year_end = date(registration.school_year + 1, 6, 20)
        start = max(first.valid_from, registration.registered_on)
        if first.code == "ELGS_IM":
            kind, school = "lower_secondary", rng.choice(LOWER_SECONDARY)
        else:
            kind = rng.choices(["pupil", "apprentice", "candidate"], [70, 22, 8])[0]
            school = rng.choice(SCHOOLS)
        case = services.preventive_case_open(
            actor=None, registration=registration, kind=kind, school=school, started_on=start
        )
        made += 1
        for n in range(rng.choices([0, 1, 2, 3], [25, 45, 22, 8])[0]):
            held = start + timedelta(days=7 + 21 * n + rng.randint(0, 6))
            if held > year_end:
                break
            services.meeting_record(
                actor=None,
                case=case,
                held_on=held,
                partners=sorted({rng.choice(PARTNERS) for _ in range(rng.randint(1, 2))}),
                participants=rng.choice(PARTICIPANTS),
                summary=rng.choice(SUMMARIES),
            )
        if rng.random() < OPEN_SHARE:
            continue
        # Back in OT's target group (main groups 1-4) afterwards: the youth dropped out.
        dropped = next((f for f in later if not f.code.endswith("_IM") and f.code != "Feil"), None)
        if dropped is not None:
            services.preventive_outcome_record(
                actor=None,
                case=case,
                outcome=YearOutcome.DROPPED_OUT,
                outcome_on=max(dropped.valid_from, start),
                dropout_reason=rng.choices(reasons, weights)[0],
            )
        else:
            services.preventive_outcome_record(
                actor=None,
                case=case,
                outcome=YearOutcome.COMPLETED,
                outcome_on=max(year_end, start),
            )
    return made
