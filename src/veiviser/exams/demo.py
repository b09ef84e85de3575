"""Subject training and exams in the demo county: about a hundred youths a school year who
took about two private-candidate exams each, nine in ten of them passed (the size and shape of
seed 001: 216 exams, 106 youths, 187 passed). Deterministic from the demo's seed."""

import random
from datetime import date

from veiviser.exams import services
from veiviser.exams.models import Result, Subject
from veiviser.registry.models import Registration

# Subject codes and how often OT's youths sit them (the common core subjects dominate).
WEIGHTS = {
    "NOR1211": 8,
    "MAT1001": 9,
    "MAT1011": 3,
    "ENG1007": 7,
    "ENG1008": 2,
    "NAT1007": 5,
    "SAF1001": 4,
    "HIS1010": 2,
    "REL1003": 2,
    "GEO1003": 2,
}
YOUTHS_PER_YEAR = 105
TRAINING = [
    "Opplæring i fag på OT-enheten, to dager i uka",
    "Opplæring i fag på OT-enheten, én dag i uka",
    "Nettbasert opplæring med veiledning",
    "Leksehjelp og selvstudium med oppfølging",
]


def build(county, *, seed: int) -> int:
    """Exam entries with results for each school year of the demo county; returns how many."""
    rng = random.Random(f"exams-{seed}")
    subjects = {s.code: s for s in Subject.objects.filter(code__in=WEIGHTS)}
    codes = sorted(subjects)
    weights = [WEIGHTS[c] for c in codes]
    made = 0
    years = sorted(
        set(Registration.objects.filter(county=county).values_list("school_year", flat=True))
    )
    for year in years:
        # Youths in OT's own measures (OTOA, OTKO) at some point of the year take the exams.
        pool = list(
            Registration.objects.filter(
                county=county, school_year=year, status_facts__code__in=["OTOA", "OTKO"]
            )
            .distinct()
            .order_by("key")
        )
        for registration in rng.sample(pool, min(len(pool), YOUTHS_PER_YEAR)):
            count = rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]
            chosen = set()
            for _n in range(count):
                code = rng.choices(codes, weights=weights)[0]
                spring = rng.random() < 0.7
                on = (
                    date(year + 1, 5, rng.randint(20, 31))
                    if spring
                    else date(year, 11, rng.randint(20, 30))
                )
                if (code, on) in chosen:
                    continue
                chosen.add((code, on))
                entry = services.exam_entry_register(
                    actor=None,
                    registration=registration,
                    subject=subjects[code],
                    exam_date=on,
                    training=rng.choice(TRAINING),
                    training_hours=rng.choice([None, 20, 30, 40, 60, 80]),
                )
                draw = rng.random()
                if draw < 0.06:
                    result, grade = Result.WITHDRAWN, None
                elif draw < 0.18:
                    result, grade = Result.NOT_PASSED, 1
                else:
                    result, grade = (
                        Result.PASSED,
                        rng.choices([2, 3, 4, 5, 6], [20, 30, 28, 15, 7])[0],
                    )
                services.exam_result_record(actor=None, entry=entry, result=result, grade=grade)
                made += 1
    return made
