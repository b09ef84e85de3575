"""Pure rules of measures (DOMAIN.md §4, §7): which OT status a measure implies, and which
measures count as OT's training measures. No database; docs/measures.md documents each rule."""

# Kinds of measure (DOMAIN.md §7, seeds 001/002). The value is stored; labels live in models.
BASIC_SKILLS = "basic_skills"
COPING = "coping"
PHYSICAL_ACTIVITY = "physical_activity"
SUBJECT_TRAINING = "subject_training"
WORK_PRACTICE = "work_practice"
GROUP = "group"
WINDJAMMER = "windjammer"
MOBILE_MODULE = "mobile_module"
WORKSHOP = "workshop"
APPLICATION_HELP = "application_help"
JOB_HELP = "job_help"
PRACTICAL_SUPPORT = "practical_support"

# Help and support given inside guidance (a new application, finding ordinary work, a bus
# card) is not an activity of its own: it implies no status (the youth stays OTOV until the
# application or the job succeeds, which the advisor records as OTEV/OTAR "via").
SUPPORT_KINDS = frozenset({APPLICATION_HELP, JOB_HELP, PRACTICAL_SUPPORT})

# OT's training measures: the participants whose autumn outcome is followed up (seed 001).
TRAINING_KINDS = frozenset({BASIC_SKILLS, COPING, PHYSICAL_ACTIVITY, SUBJECT_TRAINING})

# Who runs the measure decides the group-3 code (Udir kodeverk 2021): the county's own measure
# (training and work practice) is OTOA, NAV's is OTAP, a combination of both is OTKO.
COUNTY = "county"
NAV = "nav"
COMBINED = "combined"
STATUS_BY_ORGANISER = {COUNTY: "OTOA", NAV: "OTAP", COMBINED: "OTKO"}


def implied_status(kind: str, organiser: str) -> str | None:
    """The OT status code taking part in a measure implies, or None for help and support."""
    if kind in SUPPORT_KINDS:
        return None
    return STATUS_BY_ORGANISER.get(organiser)


def is_training(kind: str) -> bool:
    return kind in TRAINING_KINDS


FOLLOW_UP_DAYS = 14  # DOMAIN.md §6.7: youth and employer followed up at least every 14 days
