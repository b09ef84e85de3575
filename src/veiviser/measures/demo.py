"""The demo county's measures (`veiviser demo`): a catalogue per Vestfold unit plus the
county-wide measures, enrolments that follow the youths' status histories, work-practice
placements with follow-ups (some missed, so some are overdue), and autumn outcomes of the
training participants. Deterministic from the demo's seed; every name is invented.

No status fact is written here (the demo's statistics stay those of the generated file): a
youth is enrolled from the day their OTOA/OTKO/OTAP status began, so nothing is proposed,
except for a few youths of the latest school year in guidance (OTOV) enrolled in a group,
whose proposed OTOA waits for the advisor to confirm it."""

import random
from datetime import date, timedelta

from stdnum.no import orgnr

from veiviser.measures import rules, services
from veiviser.measures.models import Enrolment, Measure
from veiviser.organisation.models import County, Role, User
from veiviser.problems import ValidationFailed
from veiviser.registry.models import Registration

# (name, kind, organiser, capacity) of each unit's own catalogue.
UNIT_MEASURES = (
    ("Grunnleggende ferdigheter", rules.BASIC_SKILLS, rules.COUNTY, 14),
    ("Livsmestring", rules.COPING, rules.COUNTY, 12),
    ("Fysisk aktivitet og trening", rules.PHYSICAL_ACTIVITY, rules.COUNTY, 16),
    ("Fag mot privatisteksamen", rules.SUBJECT_TRAINING, rules.COUNTY, 30),
    ("Arbeidspraksis", rules.WORK_PRACTICE, rules.COUNTY, 25),
    ("Tirsdagsgruppa: arbeidsliv og livsmestring", rules.GROUP, rules.COUNTY, 10),
)
COUNTY_MEASURES = (
    ("Windjammer på Christian Radich", rules.WINDJAMMER, rules.COUNTY, 12),
    ("Verksted på Talenthuset", rules.WORKSHOP, rules.COUNTY, 15),
    ("Kombinasjonstiltak med NAV", rules.WORK_PRACTICE, rules.COMBINED, 60),
    ("Arbeidstrening i regi av NAV", rules.WORK_PRACTICE, rules.NAV, 60),
    ("Hjelp med ny søknad", rules.APPLICATION_HELP, rules.COUNTY, None),
    ("Praktisk støtte (busskort)", rules.PRACTICAL_SUPPORT, rules.COUNTY, None),
)
EMPLOYERS = (
    "Brygga Bakeri",
    "Nøtterøy Bilverksted",
    "Kiwi Teie",
    "Tønsberg Dyreklinikk",
    "Horten Båtservice",
    "Sandefjord Rørlegger",
    "Larvik Trelast",
    "Vestfold Hagesenter",
    "Kafé Fjordglimt",
    "Revetal Gartneri",
    "Stokke Sykkelverksted",
    "Havnelageret Logistikk",
)
CONTACTS = ("Kari", "Jon", "Ingrid", "Morten", "Siri", "Tor", "Hilde", "Espen")
AUTUMN = (("education", 42), ("work", 15), ("continues", 19), ("other_offer", 11), ("other", 13))


def _orgnr(rng: random.Random) -> str:
    while True:
        stem = f"9{rng.randrange(10_000_000):07d}"
        for check in range(10):
            if orgnr.is_valid(stem + str(check)):
                return stem + str(check)


def _catalogue(county: County, start: date) -> dict:
    """The measures, created once: {unit_id or None: [Measure]}."""
    coordinators = {
        u.unit_id: u for u in User.objects.filter(county=county, role=Role.UNIT_COORDINATOR)
    }
    catalogue: dict = {}
    for unit in county.units.order_by("name"):
        catalogue[unit.pk] = [
            services.measure_create(
                actor=None,
                county=county,
                unit=unit,
                name=f"{name} {unit.name}",
                kind=kind,
                organiser=organiser,
                capacity=capacity,
                starts_on=start,
                responsible=coordinators.get(unit.pk),
            )
            for name, kind, organiser, capacity in UNIT_MEASURES
        ]
    leader = User.objects.filter(county=county, role=Role.COUNTY_LEADER).first()
    catalogue[None] = [
        services.measure_create(
            actor=None,
            county=county,
            name=name,
            kind=kind,
            organiser=organiser,
            capacity=capacity,
            starts_on=start,
            responsible=leader,
        )
        for name, kind, organiser, capacity in COUNTY_MEASURES
    ]
    return catalogue


def _enrol(registration, measure, starts_on, **kw):
    try:
        return services.enrolment_create(
            actor=None, registration=registration, measure=measure, starts_on=starts_on, **kw
        )
    except ValidationFailed:
        return None  # full, or already in it: the youth simply was not enrolled


def build(county: County, *, seed: int, school_years: tuple[int, ...]) -> dict:
    """Add the measures of the demo county; returns what was created, by kind."""
    rng = random.Random(f"measures-{seed}")
    catalogue = _catalogue(county, date(school_years[0], 8, 1))
    by_code = {
        "OTKO": [m for m in catalogue[None] if m.organiser == rules.COMBINED],
        "OTAP": [m for m in catalogue[None] if m.organiser == rules.NAV],
    }
    latest = max(school_years)
    placements = follow_ups = outcomes = 0
    registrations = (
        Registration.objects.filter(county=county, school_year__in=school_years)
        .select_related("unit")
        .prefetch_related("status_facts")
        .order_by("school_year", "registered_on", "key")
    )
    for registration in registrations:
        facts = sorted(registration.status_facts.all(), key=lambda f: (f.valid_from, f.recorded_at))
        # The facts in force (the last recorded for each valid_from).
        steps: dict[date, str] = {}
        for fact in facts:
            steps[fact.valid_from] = fact.code
        timeline = sorted(steps.items())
        year_end = date(registration.school_year + 1, 6, 20)
        trained = False
        for n, (valid_from, code) in enumerate(timeline):
            if code not in ("OTOA", "OTKO", "OTAP"):
                continue
            if code == "OTOA":
                own = catalogue.get(registration.unit_id) or catalogue[None]
                measure = rng.choices(own[:5], weights=(3, 2, 2, 4, 4))[0]
                others = own[:5]
            else:
                measure = rng.choice(by_code[code])
                others = by_code[code]
            following = timeline[n + 1] if n + 1 < len(timeline) else None
            if following is not None and following[0] <= year_end:
                ends_on = max(valid_from, following[0] - timedelta(days=1))
                nxt = following[1]
                reason = (
                    "education"
                    if nxt in ("OTEV", "OTVF", "OTLL")
                    else "work"
                    if nxt == "OTAR"
                    else "dropped_out"
                    if rng.random() < 0.7
                    else "other"
                )
            elif registration.school_year < latest or rng.random() < 0.8:
                ends_on, reason = max(valid_from, year_end), "completed"
            else:
                ends_on, reason = None, ""
            # The status says the youth is in a measure: when the one drawn is full, the
            # advisor found a place in another (no OTOA/OTAP/OTKO without a measure, which the
            # pre-submission check would flag: docs/quality.md, "In the demo").
            for candidate in [measure, *(m for m in others if m != measure)]:
                enrolment = _enrol(
                    registration, candidate, valid_from, ends_on=ends_on, end_reason=reason
                )
                if enrolment is not None:
                    measure = candidate
                    break
            if enrolment is None:
                continue
            trained = trained or rules.is_training(measure.kind)
            if measure.kind == rules.WORK_PRACTICE and measure.organiser == rules.COUNTY:
                made = _placement(rng, registration, enrolment)
                placements += 1
                follow_ups += made
        if trained and rng.random() < 0.9:
            place = rng.choices([p for p, _w in AUTUMN], weights=[w for _p, w in AUTUMN])[0]
            services.autumn_outcome_record(
                actor=None,
                registration=registration,
                place=place,
                observed_on=date(registration.school_year + 1, 9, rng.randint(1, 30)),
            )
            outcomes += 1
    # A few youths in guidance this year, enrolled in a group: OTOA is proposed to the advisor.
    groups = Measure.objects.filter(county=county, kind=rules.GROUP).order_by("pk")
    pending = 0
    for registration in registrations.filter(school_year=latest, advisor__isnull=False):
        if pending >= 12 or rng.random() > 0.2:
            continue
        current = max(
            registration.status_facts.all(),
            key=lambda f: (f.valid_from, f.recorded_at),
            default=None,
        )
        if current is None or current.code != "OTOV":
            continue
        group = next((g for g in groups if g.unit_id == registration.unit_id), None)
        start = current.valid_from + timedelta(days=rng.randint(7, 40))
        if group is None or start > date(latest + 1, 6, 20):
            continue
        if _enrol(registration, group, start) is not None:
            pending += 1
    return {
        "measures": Measure.objects.filter(county=county).count(),
        "enrolments": Enrolment.objects.filter(county=county).count(),
        "placements": placements,
        "follow_ups": follow_ups,
        "autumn_outcomes": outcomes,
        "proposals": pending,
    }


def _placement(rng: random.Random, registration, enrolment) -> int:
    """A placement for a work-practice enrolment and its follow-ups: mostly every 7–14 days,
    for about one in six placements with a gap (a met-late or overdue follow-up)."""
    ends_on = enrolment.ends_on
    placement = services.placement_create(
        actor=None,
        registration=registration,
        enrolment=enrolment,
        employer_orgnr=_orgnr(rng),
        employer_name=rng.choice(EMPLOYERS),
        contact_person=f"{rng.choice(CONTACTS)} (daglig leder)",
        starts_on=enrolment.starts_on,
        ends_on=ends_on,
        hours_per_week=rng.choice((12, 15, 18.5, 20, 22.5, 30)),
    )
    last = ends_on or date(registration.school_year + 1, 6, 20)
    careless = rng.random() < 0.18
    made = 0
    for party in ("youth", "employer"):
        day = enrolment.starts_on
        while True:
            step = rng.randint(7, 14)
            if careless and rng.random() < 0.25:
                step += rng.randint(10, 40)
            day += timedelta(days=step)
            if day > last or (careless and day > last - timedelta(days=45)):
                break
            services.follow_up_record(actor=None, placement=placement, on=day, party=party)
            made += 1
    return made
