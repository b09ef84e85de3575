"""The synthetic demo counties: Vestfold (39) with three school years of invented youths, and a
small Telemark (40) beside it, so that a move between two counties can be tried.

`generate(seed, county)` yields the lines of a veiviser-exchange file, version 1 (EXCHANGE.md
§1), that `veiviser demo` feeds to the importer. Nothing in it is real: names are drawn from
lists of common Norwegian names, and every identity number is a synthetic test number (month +
80), so no demo person can be a real one (DOMAIN.md §2). The units and municipality numbers are
the counties' real ones from 2024; Telemark is simulated the same way at a small fraction of
Vestfold's size (`DemoCounty.scale`).

The county is simulated, not sampled from a table, so that the numbers hang together the way a
real county's do (DOMAIN.md §3-5, §9):
- each school year the admissions office registers most youths in Aug–Oct (did not apply,
  declined), schools report dropouts through the year, and OT registers pupils at risk
  preventively (ELVG_IM);
- every registration walks through OT statuses from OTUK: contact (OTOV), then activity
  (group 3), clarified (group 4), or out of the target group (group 5, `_IM`); a pupil who
  drops out again is a later referral that changes the reason group to dropped out;
- youths in the target group on 31 July are carried over to a registration dated 1 August with
  the same reason group and status (the year-end decision of DOMAIN.md §3); at school start
  some of them turn out to go on without OT. School years before the first one written are
  simulated too (WARM_UP_YEARS), so 2022/23 starts with carry-overs like the later years;
- advisors record facts late now and then (weeks after they became true, some after a counting
  date), and correct some codes: a second fact with the same `valid_from`, recorded later.
Shaped after Vestfold 2023-24 (DOMAIN.md §9): about 2,000 registered at 15 June, 40–50 % of them
in the target group, group 3 the largest group and group 1 small. tests/demo checks this.

`known_faults(seed, county, on)` lists, rule by rule, the registrations the simulation makes
faulty on purpose for the pre-submission check (docs/quality.md, "In the demo"), computed from
the simulation's own truth rather than from the database, so the check can be compared with it.
"""

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from veiviser.codes import loader
from veiviser.people.identity import synthetic_number
from veiviser.registry import rules

DEFAULT_SEED = 2024
SCHOOL_YEARS = (2022, 2023, 2024)
WARM_UP_YEARS = 4  # simulated before SCHOOL_YEARS[0] but not written

OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class DemoUnit:
    key: str
    name: str
    municipalities: tuple[str, ...]
    # Where the unit's youths live: population of each municipality in thousands (2024).
    weights: tuple[int, ...]


COUNTY_NUMBER = "39"
COUNTY_NAME = "Vestfold"
# Vestfold's municipalities from 1 Jan 2024 and their OT units (DOMAIN.md §1).
MUNICIPALITIES: dict[str, str] = {
    "3901": "Horten",
    "3903": "Holmestrand",
    "3905": "Tønsberg",
    "3907": "Sandefjord",
    "3909": "Larvik",
    "3911": "Færder",
}
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("u-hor", "Horten", ("3901", "3903"), (28, 25)),
    DemoUnit("u-tbg", "Tønsberg", ("3905", "3911"), (58, 27)),
    DemoUnit("u-sfj", "Sandefjord", ("3907",), (66,)),
    DemoUnit("u-lvk", "Larvik", ("3909",), (48,)),
)


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str  # a value of organisation.models.Role
    unit: str | None  # a DemoUnit key
    first_name: str
    last_name: str


DEMO_PASSWORD = "demo"
# Invented names. Roles are organisation.models.Role values (kept as strings so that this
# module needs no Django).
STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("admin", "administrator", None, "Astrid", "Nordhagen"),
    DemoStaff("leder", "county_leader", None, "Per Olav", "Kvalsund"),
    DemoStaff("kontor", "office", None, "Mona", "Eikeland"),
    DemoStaff("prosjekt", "project_worker", None, "Eirik", "Brattli"),
    DemoStaff("koordinator-horten", "unit_coordinator", "u-hor", "Randi", "Skjelbred"),
    DemoStaff("koordinator-tonsberg", "unit_coordinator", "u-tbg", "Geir", "Helgestad"),
    DemoStaff("koordinator-sandefjord", "unit_coordinator", "u-sfj", "Wenche", "Bråthen"),
    DemoStaff("koordinator-larvik", "unit_coordinator", "u-lvk", "Trond", "Løvaas"),
    DemoStaff("hanne", "advisor", "u-hor", "Hanne", "Vestengen"),
    DemoStaff("ole", "advisor", "u-hor", "Ole", "Grønvold"),
    DemoStaff("silje", "advisor", "u-tbg", "Silje", "Markussen"),
    DemoStaff("anders", "advisor", "u-tbg", "Anders", "Tveitan"),
    DemoStaff("marit", "advisor", "u-tbg", "Marit", "Solvang"),
    DemoStaff("tone", "advisor", "u-sfj", "Tone", "Haugerud"),
    DemoStaff("jonas", "advisor", "u-sfj", "Jonas", "Fjeldstad"),
    DemoStaff("lene", "advisor", "u-sfj", "Lene", "Aarvold"),
    DemoStaff("kristin", "advisor", "u-lvk", "Kristin", "Bjørkelund"),
    DemoStaff("tor", "advisor", "u-lvk", "Tor", "Hvidsten"),
)
# The post code of each municipality's centre, for the invented addresses of the demo's youths
# and guardians (`demo.households`).
POST_CODES: dict[str, str] = {
    "3901": "3183 Horten",
    "3903": "3080 Holmestrand",
    "3905": "3110 Tønsberg",
    "3907": "3210 Sandefjord",
    "3909": "3256 Larvik",
    "3911": "3140 Nøtterøy",
}


@dataclass(frozen=True)
class DemoCounty:
    """One demo county: its real number, name, municipalities (2024) and OT units, its staff,
    and its size relative to Vestfold (`scale`: the number of new registrations per school year
    is multiplied by it)."""

    number: str
    name: str
    municipalities: dict[str, str]
    units: tuple[DemoUnit, ...]
    staff: tuple[DemoStaff, ...]
    post_codes: dict[str, str]
    seat: str  # the municipality of the county's administration (its letterhead's address)
    scale: float = 1.0

    def scaled(self, scale: float) -> "DemoCounty":
        """The same county at another size (`veiviser demo --scale`, for quick builds)."""
        return replace(self, scale=self.scale * scale)


VESTFOLD = DemoCounty(
    COUNTY_NUMBER, COUNTY_NAME, MUNICIPALITIES, UNITS, STAFF, POST_CODES, seat="3905", scale=1.0
)

# Telemark from 1 Jan 2024 (DOMAIN.md §1: Grenland, and part-time advisors for Øst-, Midt- and
# Vest-Telemark), about 1 % of Vestfold's registrations: a few dozen youths, enough to receive
# a transfer and to look around in, and cheap to build.
TELEMARK = DemoCounty(
    "40",
    "Telemark",
    {
        "4001": "Porsgrunn",
        "4003": "Skien",
        "4005": "Notodden",
        "4010": "Siljan",
        "4012": "Bamble",
        "4014": "Kragerø",
        "4016": "Drangedal",
        "4018": "Nome",
        "4020": "Midt-Telemark",
        "4022": "Seljord",
        "4024": "Hjartdal",
        "4026": "Tinn",
        "4028": "Kviteseid",
        "4030": "Nissedal",
        "4032": "Fyresdal",
        "4034": "Tokke",
        "4036": "Vinje",
    },
    (
        DemoUnit(
            "u-gren",
            "Grenland",
            ("4001", "4003", "4010", "4012", "4014", "4016"),
            (37, 56, 2, 14, 10, 4),
        ),
        DemoUnit(
            "u-tele",
            "Øst-, Midt- og Vest-Telemark",
            (
                "4005",
                "4018",
                "4020",
                "4022",
                "4024",
                "4026",
                "4028",
                "4030",
                "4032",
                "4034",
                "4036",
            ),
            (13, 7, 11, 3, 2, 6, 2, 1, 1, 2, 4),
        ),
    ),
    (
        DemoStaff("leder-telemark", "county_leader", None, "Solveig", "Tveitereid"),
        DemoStaff("kontor-telemark", "office", None, "Kjetil", "Bratsberg"),
        DemoStaff("koordinator-grenland", "unit_coordinator", "u-gren", "Liv", "Heistad"),
        DemoStaff("sigrid", "advisor", "u-gren", "Sigrid", "Valebrokk"),
        DemoStaff("halvor", "advisor", "u-tele", "Halvor", "Flatland"),
    ),
    {
        "4001": "3915 Porsgrunn",
        "4003": "3724 Skien",
        "4005": "3674 Notodden",
        "4010": "3748 Siljan",
        "4012": "3960 Stathelle",
        "4014": "3770 Kragerø",
        "4016": "3750 Drangedal",
        "4018": "3830 Ulefoss",
        "4020": "3800 Bø i Telemark",
        "4022": "3840 Seljord",
        "4024": "3692 Sauland",
        "4026": "3660 Rjukan",
        "4028": "3850 Kviteseid",
        "4030": "3855 Treungen",
        "4032": "3870 Fyresdal",
        "4034": "3880 Dalen",
        "4036": "3890 Vinje",
    },
    seat="4003",
    scale=0.01,
)
COUNTIES: tuple[DemoCounty, ...] = (VESTFOLD, TELEMARK)

# -- names -------------------------------------------------------------------------------------
# Common given and family names in Norway; combined at random, so any match with a real person
# is chance and comes with an invented birth date and a synthetic number.
_GIVEN_FEMALE = (
    "Emma Nora Sara Ingrid Olivia Sofie Maja Emilie Ella Leah Thea Ida Julie Hanna Amalie "
    "Selma Frida Tiril Mathilde Andrea Vilde Maria Martine Aurora Live Linnea Marte Hedda "
    "Sunniva Anna Malin Oda Mia Jenny Synne Kaja Elise Helene Ronja Tuva Karoline Mina Ane "
    "Stine Eline Camilla Amina Fatima Maryam Zofia"
).split()
_GIVEN_MALE = (
    "Jakob Emil Noah Oliver Filip William Lucas Liam Henrik Oskar Aksel Theodor Elias Kasper "
    "Magnus Johannes Isak Mathias Tobias Sander Jonas Markus Adrian Sebastian Martin Kristian "
    "Even Eirik Sindre Mats Vetle Håkon Sivert Ole Andreas Herman Sondre Fredrik Thomas Simen "
    "Marius Daniel Benjamin Mohammed Ali Yusuf Amir Jakub Kacper"
).split()
_FAMILY = (
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen "
    "Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl "
    "Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen Strand "
    "Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen Lie Amundsen "
    "Nguyen Rasmussen Lunde Solheim Berge Moe Nygård Bakke Kristensen Fredriksen Holm Lien "
    "Hauge Christensen Andresen Nielsen Knudsen Evensen Sæther Aas Myhre Hanssen Ahmed "
    "Haugland Thomassen Sivertsen Simonsen Danielsen Berntsen Sandvik Rønning Arnesen "
    "Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen Birkeland Isaksen Gulbrandsen Ruud "
    "Aasen Strøm Tangen Ødegård Eliassen Helland Bøe Aune Mikkelsen Tveit Brekke Abrahamsen "
    "Madsen Kowalski Nowak Hussain Khan Mohamed Yilmaz Tran Ibrahim"
).split()
# The first names on the list are the most common ones.
_FAMILY_WEIGHTS = [1 / (rank + 8) for rank in range(len(_FAMILY))]

# -- the shape of a school year ----------------------------------------------------------------
# New registrations in a school year by kind (tuned so that about 2,000 are registered at
# 15 June, carry-overs included): kind → (reason group, detail codes with weights, count).
_KINDS: dict[str, tuple[str, tuple[tuple[str, int], ...], int]] = {
    "not_applied": ("not_applied", (("OSON", 1),), 485),
    "declined": ("declined", (("OSNP", 3), ("OSUT", 2), ("OSVE", 3)), 125),
    "dropped_out": ("dropped_out", (("OESL", 1),), 115),
    "other": ("other", (("ANLP", 3), ("ANSM", 3), ("ANIF", 2), ("ANAN", 2)), 160),
    "preventive": ("other", (("ANAN", 1),), 300),
    "primary": ("other", (("ANAN", 1),), 25),
}
# When in the school year each kind is registered: weights for Aug, Sep, …, Jul.
_MONTHS: dict[str, tuple[int, ...]] = {
    "not_applied": (34, 30, 14, 4, 2, 2, 2, 2, 2, 1, 3, 4),
    "declined": (38, 34, 10, 3, 2, 2, 2, 2, 1, 1, 2, 3),
    "dropped_out": (1, 6, 9, 10, 8, 12, 12, 12, 11, 10, 7, 2),
    "other": (18, 16, 9, 7, 5, 7, 7, 7, 6, 6, 7, 5),
    "preventive": (2, 12, 13, 12, 9, 11, 11, 10, 9, 7, 3, 1),
    "primary": (0, 8, 10, 12, 10, 12, 12, 12, 12, 10, 2, 0),
}
# Age (school year − birth year, i.e. the age at the end of the autumn) by kind: weights for
# ages 15, 16, …, 24.
_AGES: dict[str, tuple[float, ...]] = {
    "not_applied": (0, 48, 16, 12, 9, 6, 3, 1.5, 1, 0.5),
    "declined": (0, 52, 20, 12, 8, 4, 2, 1, 0, 0),
    "dropped_out": (0, 18, 30, 24, 13, 7, 3, 1, 0.5, 0.5),
    "other": (0, 17, 22, 20, 15, 11, 5, 2, 1.5, 1),
    "preventive": (0, 42, 34, 18, 6, 0, 0, 0, 0, 0),
    "primary": (1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
}
# From 2024/25 the target group is 15–24 (DOMAIN.md §5), and OT registers more older youths.
_OLDER_FROM = 2024
_OLDER = (1, 1, 1, 1, 1, 1, 1, 1.25, 2, 2.5)

# How statuses follow each other: code → (mean days in it, next codes with weights). No next
# codes, or _STAYS drawn, means the code holds for the rest of the school year. OTUK is not
# here: how soon OT reaches a youth, and what it finds, is drawn in `_County.walk` (_FIRST).
_STAYS = "-"
# fmt: off
_FLOW: dict[str, tuple[int, tuple[tuple[str, int], ...]]] = {
    "OTOV": (
        55,
        (
            ("OTOA", 14), ("OTAP", 8), ("OTKO", 6), ("OTEV", 9), ("OTAR", 6), ("OTLL", 5),
            ("OTVF", 1), ("OTNO", 6), ("OTMI", 2), ("OTBA", 2), ("OTSY", 5), ("OTIF", 3),
            ("OTEV_IM", 4), ("OTAR_IM", 3), ("OTLL_IM", 1), ("OTVF_IM", 1), ("OTFA_IM", 2),
            ("OTFU_IM", 1),
        ),
    ),
    "OTOA": (90, (("OTEV", 4), ("OTAR", 3), ("OTLL", 3), ("OTKO", 2), ("OTOV", 4), ("OTSY", 1))),
    "OTAP": (100, (("OTAR", 4), ("OTKO", 2), ("OTOV", 4), ("OTNO", 1), ("OTAR_IM", 1))),
    "OTKO": (110, (("OTAR", 3), ("OTLL", 3), ("OTEV", 2), ("OTOV", 4), ("OTSY", 1))),
    "OTEV": (200, (("OTOV", 3), ("OTUK", 1), ("OTEV_IM", 2), ("OTSY", 1), (_STAYS, 3))),
    "OTVF": (250, (("OTOV", 1), ("OTVF_IM", 1), (_STAYS, 2))),
    "OTAR": (200, (("OTOV", 2), ("OTAR_IM", 2), ("OTMI", 1), (_STAYS, 3))),
    "OTLL": (240, (("OTOV", 2), ("OTUK", 1), ("OTLL_IM", 2), (_STAYS, 4))),
    "OTNO": (160, (("OTOV", 5), ("OTAR_IM", 2), ("OTFA_IM", 1))),
    "OTMI": (300, (("OTOV", 2), ("OTAR_IM", 1))),
    "OTBA": (300, (("OTOV", 3), ("OTEV_IM", 1))),
    "OTSY": (170, (("OTOV", 5), ("OTOA", 1))),
    "OTIF": (200, (("OTOV", 3), ("OTEV_IM", 2))),
    "OTEV_IM": (240, ((_STAYS, 6), ("OTUK", 2), ("OTOV", 1))),
    "OTVF_IM": (300, ((_STAYS, 3), ("OTOV", 1))),
    "OTAR_IM": (300, ((_STAYS, 2), ("OTOV", 1))),
    "OTLL_IM": (300, ((_STAYS, 3), ("OTUK", 1), ("OTOV", 1))),
    "ELVG_IM": (300, ((_STAYS, 5), ("OTUK", 2), ("OTOV", 1), ("OTEV_IM", 2))),
    "ELGS_IM": (0, ()),  # a pupil in 10th grade stays there until the summer
    "OTFA_IM": (0, ()),
    "OTFU_IM": (0, ()),
    "Feil": (0, ()),
}
# Where OT first finds a newly registered youth (after OTUK), by the registration's kind.
# Many the admissions office lists in the autumn turn out to be at work or in school on their
# own; a youth referred later (a dropout, a self-referral) usually needs OT.
_FIRST: dict[str, tuple[tuple[str, int], ...]] = {
    "not_applied": (
        ("OTOV", 37), ("OTEV_IM", 17), ("OTAR_IM", 16), ("OTLL_IM", 5), ("OTVF_IM", 3),
        ("OTFA_IM", 6), ("OTFU_IM", 2), ("Feil", 4), ("OTNO", 4), ("OTMI", 2),
    ),
    "declined": (
        ("OTOV", 35), ("OTEV_IM", 22), ("OTVF_IM", 10), ("OTAR_IM", 10), ("OTLL_IM", 4),
        ("OTFA_IM", 5), ("OTFU_IM", 2), ("Feil", 4), ("OTNO", 3),
    ),
    "referral": (
        ("OTOV", 75), ("OTEV_IM", 6), ("OTAR_IM", 6), ("OTLL_IM", 1), ("OTFA_IM", 3),
        ("Feil", 2), ("OTNO", 4), ("OTSY", 2),
    ),
    "known": (("OTOV", 1),),
}
_FIRST_BY_KIND = {
    "not_applied": "not_applied",
    "declined": "declined",
    "dropped_out": "referral",
    "other": "referral",
    "preventive": "referral",
    "primary": "referral",
}
# A pupil or apprentice in school without OT who comes back to OTUK/OTOV has dropped out, and
# the school's referral changes the reason group (DOMAIN.md §3). One OT helped into school
# (OTEV, OTLL) is followed already: no new referral, the reason stays.
_REFERRED_BY_SCHOOL = {"OTEV_IM", "OTVF_IM", "OTLL_IM", "ELVG_IM", "ELGS_IM"}
# The slips an advisor corrects: the code recorded first instead of the right one.
_SLIPS = {
    "OTEV": "OTEV_IM", "OTEV_IM": "OTEV", "OTAR": "OTAR_IM", "OTAR_IM": "OTAR",
    "OTLL": "OTLL_IM", "OTLL_IM": "OTLL", "OTVF": "OTVF_IM", "OTVF_IM": "OTVF",
    "OTOA": "OTKO", "OTKO": "OTOA", "OTAP": "OTKO", "OTOV": "OTOA", "OTNO": "OTOV",
    "OTSY": "OTBA", "OTBA": "OTSY", "OTIF": "OTEV_IM", "OTMI": "OTAR_IM",
    "OTFA_IM": "OTFU_IM", "OTFU_IM": "OTFA_IM", "ELVG_IM": "OTEV_IM",
}
# fmt: on
# The autumn check of youths carried over: at school start many OT helped into school, work
# or an apprenticeship go on without OT (the `_IM` twin), and some others are found there too.
_ON_THEIR_OWN = {"OTEV": "OTEV_IM", "OTVF": "OTVF_IM", "OTAR": "OTAR_IM", "OTLL": "OTLL_IM"}
_AUTUMN_VIA = 0.4
_AUTUMN_OTHERS = 0.1
_AUTUMN_FOUND = ("OTEV_IM", "OTAR_IM", "OTLL_IM", "OTFA_IM")
_CORRECTED = 0.04  # share of status facts recorded wrong first and corrected later
_EXPLICIT_OTUK = 0.25  # share of new registrations with OTUK recorded, not only implied
_WITHOUT_NUMBER = 0.03  # persons registered without an identity number
_RETURNING = 0.08  # new registrations of a youth known from an earlier school year
_DUPLICATES = 3  # per school year: a youth registered again, without number (a duplicate)


@dataclass(eq=False)
class _Person:
    fnr: str | None
    birth_date: date
    given_name: str
    family_name: str
    municipality: str
    id: str = ""
    last_year: int = 0


@dataclass(frozen=True)
class _Step:
    valid_from: date
    code: str
    reason: str | None = None  # the reason group from here on, for a later referral


@dataclass(eq=False)
class _Registration:
    person: _Person
    school_year: int
    registered_on: date
    kind: str
    reason: str
    reason_code: str
    steps: list[_Step] = field(default_factory=list)
    key: str = ""  # "r-N", given when the file is written (`_County.numbered`)

    def at(self, on: date) -> tuple[str, str]:
        """(reason group, status code) at `on` as finally known: the simulation's truth."""
        reason, code = self.reason, rules.DEFAULT_STATUS
        for step in self.steps:
            if step.valid_from > on:
                break
            code = step.code
            reason = step.reason or reason
        return reason, code


def generate(seed: int = DEFAULT_SEED, county: DemoCounty = VESTFOLD) -> Iterator[str]:
    """The lines (without line ends) of the demo county's exchange file, header first; the
    same seed always gives the same lines."""
    simulation = _County(seed, county)
    simulation.simulate()
    yield from simulation.lines()


# The rules of the pre-submission check (quality.rules.RULE_KEYS) whose faults the simulation
# makes on purpose, and why (docs/quality.md, "In the demo"). The other rules find nothing in
# the generated data: the numbers are valid, every registration has a unit, and `veiviser
# demo` records the follow-up contacts (no stale status) and the measures behind OTOA, OTAP and
# OTKO (no group-3 code without a measure).
FAULT_RULES: dict[str, str] = {
    "otuk_past_deadline": "youths OT has not reached yet: new referrals, and a few hard to reach",
    "no_identity_number": "persons registered without a number (_WITHOUT_NUMBER, duplicates)",
    "likely_duplicate": "youths registered twice, the second time without a number (_DUPLICATES)",
    "outside_age_in_groups_1_4": "youths followed up after passing the upper age limit",
}


def known_faults(
    seed: int = DEFAULT_SEED,
    county: DemoCounty = VESTFOLD,
    *,
    on: date,
    first_contact_days: int = 7,
) -> dict[str, set[str]]:
    """{rule key: registration keys} the pre-submission check must find at `on` in the
    generated county (as known once everything is recorded), for the rules of `FAULT_RULES`;
    `first_contact_days` is the county's deadline for the first contact (docs/duties.md)."""
    simulation = _County(seed, county)
    simulation.simulate()
    return simulation.faults(on, first_contact_days)


class _County:
    def __init__(self, seed: int, spec: DemoCounty = VESTFOLD):
        # Vestfold keeps the plain seed, so its file is the same at every version of this module.
        self.rng = random.Random(
            seed if spec.number == VESTFOLD.number else f"{seed}-{spec.number}"
        )
        self.spec = spec
        self.scale = spec.scale
        data = loader.read()
        self.main_group = {row["code"]: row["main_group"] for row in data["status_codes"]}
        self.age_limits = sorted(
            (row["valid_from"], row["min_age"], row["max_age"]) for row in data["age_limits"]
        )
        self.next_individual: dict[date, int] = {}
        self.by_birth_year: dict[int, list[_Person]] = {}
        self.registrations: list[_Registration] = []
        self.unit_of = {m: unit.key for unit in spec.units for m in unit.municipalities}
        self.municipalities = [m for unit in spec.units for m in unit.municipalities]
        self.municipality_weights = [w for unit in spec.units for w in unit.weights]

    # -- rules -------------------------------------------------------------------------------

    def limits(self, school_year: int) -> tuple[int, int]:
        _, low, high = [row for row in self.age_limits if row[0] <= school_year][-1]
        return low, high

    def in_target_group(self, registration: _Registration, on: date) -> bool:
        _, code = registration.at(on)
        age = rules.age_at(on, registration.person.birth_date)
        limits = self.limits(registration.school_year)
        return rules.in_target_group(self.main_group[code], age, limits)

    # -- people ------------------------------------------------------------------------------

    def new_person(self, birth_year: int) -> _Person:
        rng = self.rng
        birth_date = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
        female = rng.random() < 0.47  # boys are a little over half of OT's youths
        given = rng.choice(_GIVEN_FEMALE if female else _GIVEN_MALE)
        family = rng.choices(_FAMILY, _FAMILY_WEIGHTS)[0]
        if rng.random() < 0.04:
            family = f"{rng.choices(_FAMILY, _FAMILY_WEIGHTS)[0]} {family}"
        fnr = None if rng.random() < _WITHOUT_NUMBER else self.synthetic_fnr(birth_date)
        municipality = rng.choices(self.municipalities, self.municipality_weights)[0]
        person = _Person(fnr, birth_date, given, family, municipality)
        self.by_birth_year.setdefault(birth_year, []).append(person)
        return person

    def synthetic_fnr(self, birth_date: date) -> str:
        """A synthetic number not given before: individual numbers 500–999 mean 2000–2039,
        000–499 the 1900s (stdnum's reading of the individual number)."""
        first, last = (500, 999) if birth_date.year >= 2000 else (0, 499)
        individual = self.next_individual.get(birth_date, first)
        while individual <= last:
            number = synthetic_number(birth_date, individual)
            individual += 1
            if number is not None:
                self.next_individual[birth_date] = individual
                return number
        raise RuntimeError(f"no synthetic number left for {birth_date}")

    # -- the simulation ----------------------------------------------------------------------

    def simulate(self) -> None:
        first = SCHOOL_YEARS[0] - WARM_UP_YEARS
        carried: list[_Registration] = []
        for year in range(first, SCHOOL_YEARS[-1] + 1):
            registrations = self.school_year(year, carried)
            if year >= SCHOOL_YEARS[0]:
                self.registrations += registrations
            year_end = date(year + 1, 7, 31)
            carried = [r for r in registrations if self.in_target_group(r, year_end)]

    def school_year(self, year: int, carried: list[_Registration]) -> list[_Registration]:
        rng = self.rng
        start = date(year, 8, 1)
        registrations = []
        for previous in carried:
            reason, code = previous.at(date(year, 7, 31))
            reason_code = previous.reason_code if reason == previous.reason else "OESL"
            registration = _Registration(
                previous.person, year, start, "carried", reason, reason_code
            )
            registration.steps.append(_Step(start, code))
            registrations.append(registration)
        taken = {r.person for r in registrations}
        for kind, (reason, codes, count) in _KINDS.items():
            if self.scale != 1:
                count *= self.scale
            for _ in range(round(count * rng.uniform(0.94, 1.06))):
                age = self.age(kind, year)
                person = self.returning(year - age, taken, year)
                if person is None:
                    person = self.new_person(year - age)
                taken.add(person)
                code = rng.choices([c for c, _ in codes], [w for _, w in codes])[0]
                registered_on = self.registration_date(kind, year)
                registrations.append(_Registration(person, year, registered_on, kind, reason, code))
        candidates = [r for r in registrations if r.person.fnr and r.kind != "carried"]
        duplicates = _DUPLICATES
        if self.scale != 1:
            duplicates = min(len(candidates), max(1, round(_DUPLICATES * self.scale)))
        for original in rng.sample(candidates, duplicates):
            # The same youth, referred again by someone who did not know the number.
            person = _Person(
                None,
                original.person.birth_date,
                original.person.given_name,
                original.person.family_name,
                original.person.municipality,
            )
            later = original.registered_on + timedelta(days=rng.randint(10, 60))
            registered_on = min(later, date(year + 1, 7, 31))
            registrations.append(
                _Registration(person, year, registered_on, "other", "other", "ANSM")
            )
        for registration in registrations:
            registration.person.last_year = year
            self.walk(registration)
        return registrations

    def age(self, kind: str, year: int) -> int:
        weights = _AGES[kind]
        if year >= _OLDER_FROM:
            weights = tuple(w * k for w, k in zip(weights, _OLDER, strict=True))
        return self.rng.choices(range(15, 25), weights)[0]

    def returning(self, birth_year: int, taken: set[_Person], year: int) -> _Person | None:
        """Now and then a youth OT knew in an earlier school year is registered again."""
        known = self.by_birth_year.get(birth_year)
        if not known or self.rng.random() >= _RETURNING:
            return None
        person = self.rng.choice(known)
        if person in taken or person.last_year >= year:
            return None
        return person

    def registration_date(self, kind: str, year: int) -> date:
        rng = self.rng
        month_index = rng.choices(range(12), _MONTHS[kind])[0]
        month = (month_index + 7) % 12 + 1
        first = date(year + (month < 8), month, 1)
        following = date(first.year + (month == 12), month % 12 + 1, 1)
        day = first + timedelta(days=rng.randrange((following - first).days))
        return _weekday(day, last=date(year + 1, 7, 31))

    def walk(self, registration: _Registration) -> None:
        """The registration's status history through the school year (its truth)."""
        rng = self.rng
        end = date(registration.school_year + 1, 7, 31)
        day = registration.registered_on
        reason = registration.reason
        steps = registration.steps
        if registration.kind == "preventive":
            steps.append(_Step(day, "ELVG_IM"))
        elif registration.kind == "primary":
            steps.append(_Step(day, "ELGS_IM"))
        elif registration.kind != "carried" and rng.random() < _EXPLICIT_OTUK:
            steps.append(_Step(day, "OTUK"))
        code = steps[-1].code if steps else rules.DEFAULT_STATUS
        if registration.kind == "carried" and code != rules.DEFAULT_STATUS:
            found = None
            if code in _ON_THEIR_OWN:
                found = _ON_THEIR_OWN[code] if rng.random() < _AUTUMN_VIA else None
            elif self.main_group[code] <= 4 and rng.random() < _AUTUMN_OTHERS:
                found = rng.choice(_AUTUMN_FOUND)
            if found:
                day += timedelta(days=rng.randint(10, 75))
                code = found
                steps.append(_Step(day, code))
        # A youth carried over or coming back is known to OT: to reach, not to sort out.
        first = "known" if registration.kind == "carried" else _FIRST_BY_KIND[registration.kind]
        while True:
            if code == "OTUK":
                # Most youths are reached within weeks; some hardly at all (DOMAIN.md §4).
                mean = 10 if rng.random() < 0.96 else 80
                choices = _FIRST[first]
            else:
                mean, choices = _FLOW[code]
            if not choices:
                break
            day += timedelta(days=max(1, round(rng.expovariate(1 / mean))))
            if day > end:
                break
            following = rng.choices([c for c, _ in choices], [w for _, w in choices])[0]
            if following == _STAYS:
                break
            new_reason = None
            if (
                code in _REFERRED_BY_SCHOOL
                and following in ("OTUK", "OTOV")
                and reason != "dropped_out"
            ):
                new_reason = reason = "dropped_out"
            if code == "OTUK":
                first = "known"
            steps.append(_Step(day, following, new_reason))
            code = following

    # -- the file ----------------------------------------------------------------------------

    def lines(self) -> Iterator[str]:
        records = self.records()
        last = max(datetime.fromisoformat(r["recorded_at"]) for r in records if "recorded_at" in r)
        exported = datetime.combine(last.date() + timedelta(days=1), time(8, 0), OSLO)
        yield _line(
            {
                "type": "header",
                "format": "veiviser-exchange",
                "version": 1,
                "county": self.spec.number,
                "exported_at": exported.isoformat(),
            }
        )
        for unit in self.spec.units:
            yield _line(
                {
                    "type": "unit",
                    "id": unit.key,
                    "name": unit.name,
                    "municipalities": list(unit.municipalities),
                }
            )
        for record in records:
            yield _line(record)

    def numbered(self) -> tuple[list[_Registration], list[_Person]]:
        """The registrations in the order of registration, each with its key ("r-N"), and the
        persons in the order of their first registration, each with its id ("p-N")."""
        registrations = sorted(self.registrations, key=lambda r: (r.school_year, r.registered_on))
        persons: list[_Person] = []
        seen: set[int] = set()
        for number, registration in enumerate(registrations, start=1):
            registration.key = f"r-{number}"
            person = registration.person
            if id(person) not in seen:
                seen.add(id(person))
                persons.append(person)
                person.id = f"p-{len(persons)}"
        return registrations, persons

    def records(self) -> list[dict]:
        """Persons, registrations, reason facts and status facts, each type numbered in the
        order of registration."""
        registrations, numbered_persons = self.numbered()
        persons = [
            {
                "type": "person",
                "id": person.id,
                "fnr": person.fnr,
                "birth_date": person.birth_date.isoformat(),
                "given_name": person.given_name,
                "family_name": person.family_name,
                "municipality": person.municipality,
            }
            for person in numbered_persons
        ]
        records: list[dict] = []
        facts: dict[str, list[dict]] = {"reason": [], "status": []}
        for registration in registrations:
            key = registration.key
            if registration.kind == "carried":
                # The year-end batch (DOMAIN.md §3) runs early on 1 August.
                recorded = datetime.combine(registration.registered_on, time(6, 30), OSLO)
            else:
                recorded = self.recorded(registration.registered_on, late=0.05)
            records.append(
                {
                    "type": "registration",
                    "id": key,
                    "person": registration.person.id,
                    "school_year": registration.school_year,
                    "registered_on": registration.registered_on.isoformat(),
                    "reason": registration.reason,
                    "reason_code": registration.reason_code,
                    "unit": self.unit_of[registration.person.municipality],
                    "recorded_at": recorded.isoformat(),
                }
            )
            for kind, value, valid_from, at in self.facts(registration, recorded):
                rows = facts[kind]
                rows.append(
                    {
                        "type": kind,
                        "id": f"{'c' if kind == 'reason' else 's'}-{len(rows) + 1}",
                        "registration": key,
                        "reason" if kind == "reason" else "code": value,
                        "valid_from": valid_from.isoformat(),
                        "recorded_at": at.isoformat(),
                    }
                )
        return persons + records + facts["reason"] + facts["status"]

    def faults(self, on: date, first_contact_days: int) -> dict[str, set[str]]:
        """The registrations counted at `on` (its school year, registered on or before it) that
        break a rule of `FAULT_RULES` there, by the simulation's truth (`_Registration.at`):
        the same definitions as `quality.rules` (docs/quality.md), read from the steps instead
        of the database."""
        registrations, persons = self.numbered()
        school_year = on.year if on.month >= 8 else on.year - 1
        names = Counter(
            (p.given_name.lower(), p.family_name.lower(), p.birth_date) for p in persons
        )
        found: dict[str, set[str]] = {rule: set() for rule in FAULT_RULES}
        for registration in registrations:
            if registration.school_year != school_year or registration.registered_on > on:
                continue
            person = registration.person
            if person.fnr is None:
                found["no_identity_number"].add(registration.key)
            if (
                names[(person.given_name.lower(), person.family_name.lower(), person.birth_date)]
                > 1
            ):
                found["likely_duplicate"].add(registration.key)
            _, code = registration.at(on)
            group = self.main_group[code]
            since = max(
                (step.valid_from for step in registration.steps if step.valid_from <= on),
                default=registration.registered_on,
            )
            if group == 1 and since < on - timedelta(days=first_contact_days):
                found["otuk_past_deadline"].add(registration.key)
            age = rules.age_at(on, person.birth_date)
            if 1 <= group <= 4 and not rules.inside_age_limit(age, self.limits(school_year)):
                found["outside_age_in_groups_1_4"].add(registration.key)
        return found

    def facts(
        self, registration: _Registration, recorded: datetime
    ) -> Iterator[tuple[str, str, date, datetime]]:
        """The registration's steps as recorded facts: (type, value, valid_from, recorded_at).
        Some are recorded weeks late, and some codes wrong first and corrected later with a
        second fact with the same valid_from (EXCHANGE.md §2)."""
        rng = self.rng
        for step in registration.steps:
            if step.valid_from == registration.registered_on:
                # Recorded with the registration (carry-over, preventive, OTUK).
                at = recorded + timedelta(minutes=rng.randint(0, 20))
            else:
                at = max(
                    self.recorded(step.valid_from, late=0.12),
                    recorded + timedelta(minutes=rng.randint(5, 60)),
                )
            if step.reason:
                yield "reason", step.reason, step.valid_from, at
            slip = _SLIPS.get(step.code)
            first_step = step.valid_from == registration.registered_on
            if slip and not first_step and rng.random() < _CORRECTED:
                yield "status", slip, step.valid_from, at
                at = self.recorded(at.date() + timedelta(days=rng.randint(1, 40)))
            yield "status", step.code, step.valid_from, at

    def recorded(self, day: date, late: float = 0.0) -> datetime:
        """When an advisor or the office recorded something that became true on `day`: mostly
        the same or the next working days; with probability `late`, weeks later."""
        rng = self.rng
        draw = rng.random()
        if draw < late:
            lag = rng.randint(15, 70)
        elif draw < 0.6:
            lag = 0
        else:
            lag = rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 7))
        when = _weekday(day + timedelta(days=lag))
        return datetime.combine(when, time(rng.randint(8, 15), rng.randrange(60)), OSLO)


def _weekday(day: date, last: date | None = None) -> date:
    """`day`, or the Monday after when it falls on a weekend (or the Friday before, when the
    Monday would be after `last`)."""
    if day.weekday() < 5:
        return day
    monday = day + timedelta(days=7 - day.weekday())
    if last is not None and monday > last:
        return day - timedelta(days=day.weekday() - 4)
    return monday


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
