"""A synthetic Udir table for the demo county, so the comparison page has something to show.

The demo county's row is its own numbers at the latest school year's counting dates, less a
few late registrations that Udir's extraction "missed" (so the page shows differences); the
other counties are invented, of realistic size, and the national row is their sum. Nothing in
it is a published number. Deterministic from the demo's seed.
"""

import random

from veiviser.codes.selectors import kodeverk
from veiviser.udir import services
from veiviser.udir.models import COUNTS, KEYS, NATIONAL
from veiviser.udir.selectors import own_counts

OTHER_COUNTIES = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}


def _invented(rng: random.Random, total: int) -> dict[str, int]:
    not_applied = int(total * rng.uniform(0.38, 0.48))
    declined = int(total * rng.uniform(0.08, 0.13))
    dropped_out = int(total * rng.uniform(0.1, 0.2))
    target = int(total * rng.uniform(0.38, 0.46))
    group1 = int(target * rng.uniform(0.02, 0.06))
    group2 = int(target * rng.uniform(0.15, 0.25))
    group3 = int(target * rng.uniform(0.48, 0.62))
    return {
        "not_applied": not_applied,
        "declined": declined,
        "dropped_out": dropped_out,
        "other": total - not_applied - declined - dropped_out,
        "registered": total,
        "group1": group1,
        "group2": group2,
        "group3": group3,
        "group4": target - group1 - group2 - group3,
        "target_group": target,
        "group5": total - target,
    }


def demo_udir_table(*, county, school_year: int, seed: int):
    """Import the demo's synthetic Udir table for `school_year` (returns the table)."""
    rng = random.Random(f"udir-{seed}")
    kv = kodeverk()
    sizes = {number: rng.randint(700, 3200) for number in OTHER_COUNTIES}
    lines = [";".join(name for _field, name in (*KEYS, *COUNTS))]
    for ordinal, on in enumerate(kv.counting_dates_of(school_year)):
        rows = {}
        own = own_counts(kv, county=county.number, counting_date=on)
        late = min(rng.randint(0, 8), own["other"], own["group5"])
        own.update(
            registered=own["registered"] - late,
            other=own["other"] - late,
            group5=own["group5"] - late,
        )
        rows[county.number] = (county.name, own)
        for number, name in OTHER_COUNTIES.items():
            rows[number] = (name, _invented(rng, int(sizes[number] * (1 + 0.08 * ordinal))))
        national = {field: sum(r[field] for _n, r in rows.values()) for field, _ in COUNTS}
        rows[NATIONAL] = ("Hele landet", national)
        for number, (name, counts) in sorted(rows.items()):
            lines.append(
                ";".join(
                    [on.isoformat(), number, name] + [str(counts[field]) for field, _ in COUNTS]
                )
            )
    data = ("\n".join(lines) + "\n").encode()
    table, _created = services.table_import(
        actor=None, filename=f"udir-demo-{school_year}-syntetisk.csv", data=data
    )
    return table
