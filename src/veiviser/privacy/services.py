"""Data subject access reports and the retention run (docs/privacy.md).

Both are the county leader's (the role that holds the county's audit trail, `policy.may_audit`,
acting for the data protection officer), and both are audited. `actor=None` is an operator's
command, which passes the policy as everywhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from veiviser import policy
from veiviser.audit import services as audit
from veiviser.organisation.models import County
from veiviser.people.models import Person
from veiviser.privacy import subject
from veiviser.privacy.models import DEFAULT_RETENTION_YEARS, Anonymisation, RetentionSettings

FORMAT = "veiviser-access-report"
VERSION = 1
ANONYMISED_NAME = "Anonymisert"


class NotExtracted(PermissionDenied):
    """The person's closed case is in no archive extract as it stands: not anonymised."""

    def __init__(self, person):
        self.person = person
        super().__init__(f"no archive extract holds the case of {person.key} as it stands")


def require_privacy_officer(actor, person: Person | None = None, county: County | None = None):
    """The county leader of the person's (or the given) county, or the system."""
    if actor is None:
        return
    county_id = person.county_id if person is not None else county.pk
    if not policy.may_audit(actor) or actor.county_id != county_id:
        raise PermissionDenied("privacy work is the county leader's")


# Access reports -----------------------------------------------------------------------------


def access_report(*, actor, person: Person, reason: str = "") -> dict:
    """Everything held about `person` as one JSON-ready document; the request is audited."""
    require_privacy_officer(actor, person=person)
    data = subject.collect(person)
    audit.log(
        actor,
        "privacy.access_report.created",
        person,
        reason=reason,
        data={"sections": {s.label: len(s.rows) for s in data.sections}},
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "county": person.county.number,
        "person": person.key,
        "sections": [{"table": s.label, "title": s.title, "rows": s.rows} for s in data.sections],
        "audit_trail": data.audit,
    }


def access_report_json(report: dict) -> bytes:
    return (json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def access_report_pdf(report: dict) -> bytes:
    from veiviser.letters.render import html_to_pdf

    with translation.override("nb"):
        html = render_to_string("privacy/access_report.html", {"report": report})
    return html_to_pdf(html)


# Retention ----------------------------------------------------------------------------------


def retention_years(county: County) -> int:
    settings = RetentionSettings.objects.filter(county=county).first()
    return settings.years if settings else DEFAULT_RETENTION_YEARS


def case_closed_on(last_school_year: int) -> date:
    """The end of a school year: 31 July of its second calendar year."""
    return date(last_school_year + 1, 7, 31)


@dataclass(frozen=True)
class Candidate:
    person: Person
    last_school_year: int
    closed_on: date
    due_on: date


def retention_candidates(county: County, *, today: date) -> list[Candidate]:
    """Persons of `county` whose identifying data is due for anonymisation on `today`: their
    last school year with OT ended more than the county's retention years ago, and they are
    not anonymised yet. Persons with no registration are not touched (nothing dates them)."""
    years = retention_years(county)
    persons = (
        Person.objects.filter(county=county, anonymisation__isnull=True)
        .annotate(last=Max("registrations__school_year"))
        .filter(last__isnull=False)
        .order_by("last", "pk")
    )
    due = []
    for person in persons:
        closed = case_closed_on(person.last)
        due_on = closed.replace(year=closed.year + years)
        if due_on <= today:
            due.append(Candidate(person, person.last, closed, due_on))
    return due


# What anonymisation removes, per model: the identifying and free-text fields. Registrations,
# reason and status facts, contacts' time, channel and outcome, appointments' time and mode,
# consents' dates stay, so the statistics of every earlier counting date reproduce.
# tests/privacy checks that every model pointing at a person or a registration is either here
# or in KEPT, so a new table must decide.
SCRUBBED = {
    "people.person": {
        "fnr": None,
        "given_name": ANONYMISED_NAME,
        "family_name": "",
        "address": "",
        "phone": "",
        "email": "",
    },
    "people.guardian": {"name": "", "phone": "", "email": "", "address": ""},
    "casework.contact": {"note": ""},
    "casework.note": {"text": ""},
    "casework.partner": {"name": ""},
    "casework.plan": {"goals": "", "steps": ""},
    "casework.appointment": {"place": "", "note": "", "cancel_reason": ""},
    "letters.letter": {"pdf": b"", "recipient_name": ""},
    "letters.letterblock": {"reason": ""},
    "letters.letterblockchange": {"reason": ""},
    "quality.receivedtransfer": {"history": {}},
    "measures.placement": {"contact_person": "", "contact_phone": ""},
    "measures.followup": {"note": ""},
    "measures.autumnoutcome": {"note": ""},
    "exams.examentry": {"training": ""},
    "prevention.preventivecase": {"concern": ""},
    "prevention.clarificationmeeting": {"participants": "", "summary": ""},
    "public.referral": {
        "given_name": ANONYMISED_NAME,
        "family_name": "",
        "fnr": None,
        "reach_at": "",
        "need": "",
        "close_reason": "",
    },
}
KEPT = {
    "registry.registration": "counted in every table",
    "registry.reasonfact": "counted in every table (codes and dates only)",
    "registry.statusfact": "counted in every table (codes and dates only)",
    "casework.consent": "dates and partner kinds only, proof of lawful sharing",
    "quality.senttransfer": "that a history was sent, when and under which consent",
    "projects.participant": "the project, and the outcome at the end of the project year (a code)",
    "measures.enrolment": "the measure, dates, the reason for ending (codes only)",
    "registry.countychange": "which county a registration moved to, for earlier statistics",
    "privacy.anonymisation": "the record that the person was anonymised",
    "privacy.archivedcase": "which registrations an archive extract held, and its fingerprint",
}


@cache
def personal_models() -> list:
    """Every model that refers to a person, to a registration, or (at any depth) to a row of
    such a model: the tables holding a youth's data. The audit trail is not one of them."""
    from veiviser.registry.models import Registration

    found = [Person, Registration]
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in found or model._meta.label_lower == "audit.auditevent":
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields):
                found.append(model)
                grew = True
    return tuple(found)


def _rows_of(model, person: Person, registrations: list[int], depth: int = 0):
    """The rows of `model` that belong to `person`: through a foreign key to the person, to one
    of their registrations, or to a row of another personal table that belongs to them."""
    from veiviser.registry.models import Registration

    personal = personal_models()
    q = Q(pk__in=[])
    for f in model._meta.concrete_fields:
        if not f.is_relation:
            continue
        if f.related_model is Person:
            q |= Q(**{f.name: person})
        elif f.related_model is Registration:
            q |= Q(**{f"{f.name}_id__in": registrations})
        elif f.related_model in personal and depth < 4:
            parents = _rows_of(f.related_model, person, registrations, depth + 1)
            q |= Q(**{f"{f.name}__in": parents.values("pk")})
    return model._default_manager.filter(q)


def anonymise(*, actor, candidate: Candidate) -> Anonymisation:
    """Remove `candidate`'s identifying data (SCRUBBED) in one transaction, audited.

    Only when a Noark 5 archive extract holds the closed case as it stands (arkivlova;
    `archive.is_extracted`): otherwise nothing is removed."""
    from veiviser.privacy import archive

    person = candidate.person
    require_privacy_officer(actor, person=person)
    if not archive.is_extracted(person):
        raise NotExtracted(person)
    registrations = list(person.registrations.values_list("pk", flat=True))
    with transaction.atomic():
        counts = {}
        for label, fields in SCRUBBED.items():
            if label == "people.person":
                Person.objects.filter(pk=person.pk).update(**fields)
                counts[label] = 1
                continue
            model = apps.get_model(label)
            counts[label] = _rows_of(model, person, registrations).update(**fields)
        record = Anonymisation.objects.create(
            person=person,
            county=person.county,
            last_school_year=candidate.last_school_year,
            by=actor if actor is not None and actor.pk else None,
        )
        audit.log(
            actor,
            "privacy.person.anonymised",
            person,
            data={"last_school_year": candidate.last_school_year, "rows": counts},
        )
    return record


@dataclass(frozen=True)
class RetentionRun:
    anonymised: list
    not_extracted: list  # candidates left as they are: no extract holds their case as it stands
    extract: object = None  # the ArchiveExtract made first (`extract_to`), if any


def retention_run(
    *, actor, county: County, today: date, extract_to=None, schema_dir=None
) -> RetentionRun:
    """Anonymise every candidate of `county` due on `today` whose closed case an archive
    extract holds; the others are left and counted. With `extract_to`, first make the extract
    of the due cases that lack one (in that folder). One audit event for the run."""
    from veiviser.privacy import archive

    require_privacy_officer(actor, county=county)
    candidates = retention_candidates(county, today=today)
    extract = None
    if extract_to is not None:
        missing = [c.person for c in candidates if not archive.is_extracted(c.person)]
        if missing:
            extract = archive.make_extract(
                actor=actor,
                county=county,
                closed_before=min(today, timezone.localdate()),
                out=extract_to,
                schema_dir=schema_dir,
                persons=missing,
            ).extract
    done, left = [], []
    for c in candidates:
        if archive.is_extracted(c.person):
            done.append(anonymise(actor=actor, candidate=c))
        else:
            left.append(c)
    audit.log(
        actor,
        "privacy.retention.run",
        county=county.number,
        data={
            "anonymised": len(done),
            "not_extracted": len(left),
            "extract": extract.pk if extract else None,
            "today": today.isoformat(),
        },
    )
    return RetentionRun(anonymised=done, not_extracted=left, extract=extract)
