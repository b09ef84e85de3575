"""The Noark 5 archive extract (arkivuttrekk) of closed cases (docs/privacy.md).

A county is a public body bound by the Archives Act (arkivlova): before the retention run
anonymises a youth, the closed case goes to the county's archive as a Noark 5 v5.0 extract
(Noark 5 standard, chapter 6.4, "Avlevering"). `make_extract` writes the package:

    <out>/avleveringspakke/
        arkivuttrekk.xml      ADDML description (Riksarkivaren's Noark 5 template): counts and
                              SHA-256 of every other XML file and schema
        arkivstruktur.xml     arkiv → arkivdel → one saksmappe per youth → a journalpost per
                              letter sent and a registrering for the case summary →
                              dokumentbeskrivelse → dokumentobjekt (file, SHA-256, size, format)
        endringslogg.xml      changes of saksansvarlig, administrativEnhet and saksstatus
        loependeJournal.xml   the journalposts (letters), when there are any
        offentligJournal.xml  the same with screened names replaced by asterisks
        *.xsd                 Arkivverket's official schemas, when the operator supplies them
        DOKUMENT/<mappe>/     the letters (PDF/A-2b) and the case summary (PDF/A-2b)

The schemas are Arkivverket's and are not shipped with Veiviser: the operator downloads them and
names their folder (`--validate-with`, VEIVISER_NOARK5_SCHEMA_DIR); every XML file is then
validated against them before the extract counts, and they are copied into the package as the
standard requires. Every systemID is a UUID derived from the county and the object's own id, so
the same case gets the same identifiers in every extract.

Everything a youth's case holds is confidential (taushetsplikt, forvaltningsloven § 13): every
saksmappe, registrering and document is screened (skjerming) with offentleglova § 13 as the
ground, titles carry a public version without the name, and the public journal shows asterisks
for names.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import yesno
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

import veiviser
from veiviser.audit import services as audit
from veiviser.audit.models import AuditEvent
from veiviser.organisation.models import County, Unit, User
from veiviser.people.models import Person
from veiviser.privacy import pdfa, subject
from veiviser.privacy.models import ArchivedCase, ArchiveExtract
from veiviser.problems import Problem, require_none

NOARK_VERSION = "5.0"
N5 = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
ENDRINGSLOGG = "http://www.arkivverket.no/standarder/noark5/endringslogg"
LOEPENDE = "http://www.arkivverket.no/standarder/noark5/loependeJournal"
OFFENTLIG = "http://www.arkivverket.no/standarder/noark5/offentligJournal"
ADDML = "http://www.arkivverket.no/standarder/addml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("xsi", XSI)

PACKAGE = "avleveringspakke"  # the package's folder name (Noark 5 krav 6.4.15)
DOCUMENTS = "DOKUMENT"
# Arkivverket's schemas, by the file they validate (Noark 5 chapter 6.4, "XML-skjemaer").
SCHEMAS = {
    "arkivstruktur.xml": "arkivstruktur.xsd",
    "endringslogg.xml": "endringslogg.xsd",
    "loependeJournal.xml": "loependeJournal.xsd",
    "offentligJournal.xml": "offentligJournal.xsd",
    "arkivuttrekk.xml": "addml.xsd",
}
SCHEMA_FILES = (*SCHEMAS.values(), "metadatakatalog.xsd")

# Screening (skjerming): the case is confidential as a whole.
RESTRICTION = "Unntatt offentlighet"
SCREENING_GROUND = "Offl. § 13, jf. fvl. § 13 første ledd nr. 1"
# Forvaltningsloven § 13 c: the duty of confidentiality ends when the information is 60 years old.
SCREENING_YEARS = 60
HIDDEN = "******"
SYSTEM = "Veiviser"
# A stable namespace for the systemIDs: uuid5(NAMESPACE, "<county>/<kind>/<id>").
NAMESPACE = uuid.UUID("6f3c2a4e-8b1d-5e7f-9a0c-3d2b1e4f5a6b")


class SchemaError(ValueError):
    """The operator's schema folder is incomplete or not Noark 5 v5.0."""


class ExtractInvalid(ValueError):
    """A produced XML file does not validate against the official schema."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def system_id(county: County, kind: str, key) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{county.number}/{kind}/{key}"))


def last_closed_school_year(closed_before: date) -> int:
    """The latest school year that ended (31 July) before `closed_before`."""
    end_this_year = date(closed_before.year, 7, 31)
    return closed_before.year - 1 if closed_before > end_this_year else closed_before.year - 2


def case_closed_on(last_school_year: int) -> date:
    return date(last_school_year + 1, 7, 31)


def closed_persons(county: County, closed_before: date) -> list[Person]:
    """The county's youths (not anonymised) whose last school year with OT ended before
    `closed_before`: their case is closed."""
    return list(
        Person.objects.filter(county=county, anonymisation__isnull=True)
        .annotate(last=Max("registrations__school_year"))
        .filter(last__isnull=False, last__lte=last_closed_school_year(closed_before))
        .order_by("pk")
    )


def fingerprint(person: Person) -> str:
    """SHA-256 of everything held about the person (the access report's walk of every table,
    without the privacy records themselves): any row added or changed after an extract gives
    another value."""
    data = subject.collect(person)
    sections = [(s.label, s.rows) for s in data.sections if not s.label.startswith("privacy.")]
    blob = json.dumps(sections, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def is_extracted(person: Person) -> bool:
    """Whether an archive extract holds the person's case as it stands now."""
    prints = set(ArchivedCase.objects.filter(person=person).values_list("fingerprint", flat=True))
    return bool(prints) and fingerprint(person) in prints


def extract_state(person: Person) -> str:
    """ "extracted", "changed" (extracted, but something changed since) or "missing"."""
    prints = set(ArchivedCase.objects.filter(person=person).values_list("fingerprint", flat=True))
    if not prints:
        return "missing"
    return "extracted" if fingerprint(person) in prints else "changed"


# Values -------------------------------------------------------------------------------------


def _dt(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _name(user: User | None) -> str:
    if user is None:
        return SYSTEM
    return user.get_full_name() or user.get_username()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The documents ------------------------------------------------------------------------------


@dataclass
class Document:
    path: str  # relative to the package, e.g. DOKUMENT/12/brev-7.pdf
    data: bytes
    title: str
    created: datetime
    created_by: str
    kind: str  # dokumenttype
    conversion: dict | None = None  # Noark 5 konvertering, when the file was converted

    @property
    def format(self) -> str:
        return pdfa.pronom(pdfa.pdfa_identification(self.data))


@dataclass
class LetterEntry:
    letter: object
    document: Document
    number: int  # journalpostnummer within the case


@dataclass
class Case:
    person: Person
    registrations: list
    letters: list[LetterEntry]
    summary: Document
    closed_on: date
    fingerprint: str
    changes: list[tuple[str, datetime, str, str, str]] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.registrations[0].registered_on.year

    @property
    def number(self) -> str:
        return f"{self.year}/{self.person.pk}"

    @property
    def last(self):
        return self.registrations[-1]


def _letter_document(letter, folder: str, now: datetime) -> Document:
    data = bytes(letter.pdf or b"")
    if not data:
        raise ValueError(f"letter {letter.pk} has no PDF (anonymised?)")
    document = Document(
        path=f"{folder}/brev-{letter.pk}.pdf",
        data=data,
        title=letter.title,
        created=letter.created_at,
        created_by=_name(letter.created_by),
        kind="Brev",
    )
    if pdfa.is_archival(data):
        return document
    try:
        converted = pdfa.to_pdfa_2b(data)
    except pdfa.NotConvertible as exc:
        raise ValueError(
            _("letter %(pk)s cannot be made PDF/A: %(why)s") % {"pk": letter.pk, "why": exc}
        ) from None
    document.data = converted.pdf
    document.conversion = {
        "konvertertDato": _dt(now),
        "konvertertAv": SYSTEM,
        "konvertertFraFormat": pdfa.PDF_1_7,
        "konvertertTilFormat": pdfa.PRONOM[pdfa.PDFA_2B],
        "konverteringsverktoey": f"Veiviser {veiviser.__version__} (pypdf)",
        "konverteringskommentar": (
            "PDF/A-2b-merker (XMP, sRGB-utdataprofil) lagt til brevet slik det ble sendt; "
            f"sidene er uendret. SHA-256 av brevet slik det ble sendt: {_sha256(data)}"
        ),
    }
    return document


def _value(obj, name: str) -> str:
    f = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value is None or value == "":
        return "–"
    if f.choices:
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j.n.Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "j.n.Y")
    if isinstance(value, User):
        return _name(value)
    return str(value)


def _rows(objects, names: list[str]) -> list[list[tuple[str, str]]]:
    return [
        [(str(o._meta.get_field(n).verbose_name), _value(o, n)) for n in names] for o in objects
    ]


def _section(model, rows) -> dict:
    return {"title": str(model._meta.verbose_name_plural), "rows": rows}


# The tables the summary shows field by field; everything else the person has is listed after.
SHOWN = {
    "people.person": ["fnr", "given_name", "family_name", "birth_date", "municipality",
                      "address", "phone", "email"],
    "people.guardian": ["name", "relation", "phone", "email", "address"],
    "registry.registration": ["school_year", "registered_on", "reason", "reason_code", "source",
                              "unit", "advisor", "recorded_at", "recorded_by"],
    "registry.reasonfact": ["registration", "reason", "valid_from", "recorded_at", "recorded_by"],
    "registry.statusfact": ["registration", "code", "valid_from", "recorded_at", "recorded_by"],
    "casework.contact": ["registration", "at", "channel", "outcome", "note", "recorded_by"],
    "casework.plan": ["registration", "goals", "steps", "agreed_on", "review_on", "updated_at",
                      "updated_by"],
    "casework.note": ["registration", "created_at", "confidential", "text", "created_by"],
    "casework.partner": ["registration", "kind", "name", "since"],
    "casework.consent": ["registration", "partner_kind", "given_on", "written",
                         "signed_by_guardian", "withdrawn_on"],
    "letters.letter": ["registration", "created_at", "title", "recipient_name", "sha256"],
}  # fmt: skip


def _summary_pdf(county: County, person: Person, now: datetime) -> bytes:
    """The case summary (what OT archives besides the letters): the person, guardians, every
    registration with its reason and status history, contacts, plan, notes, partners, consents
    and letters, then every other record about the person, table by table."""
    from veiviser.letters.render import html_to_pdf

    data = subject.collect(person)
    with translation.override("nb"):
        sections = []
        for label, names in SHOWN.items():
            model = apps.get_model(label)
            if model is Person:
                objects = [person]
            else:
                pks = [row["id"] for s in data.sections if s.label == label for row in s.rows]
                objects = list(model._default_manager.filter(pk__in=pks).order_by("pk"))
            if objects:
                sections.append(_section(model, _rows(objects, names)))
        for s in data.sections:
            if s.label in SHOWN or s.label.startswith("privacy."):
                continue
            model = apps.get_model(s.label)
            pks = [row["id"] for row in s.rows]
            objects = list(model._default_manager.filter(pk__in=pks).order_by("pk"))
            names = [
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key and f.name not in ("county", "pdf")
            ]
            sections.append(_section(model, _rows(objects, names)))
        html = render_to_string(
            "privacy/case_summary.html",
            {
                "county": county,
                "person": person,
                "sections": sections,
                "made": formats.date_format(timezone.localtime(now), "j.n.Y H:i"),
            },
        )
    return html_to_pdf(html)


def _changes(case_registrations, closed_on: date) -> list[tuple[str, datetime, str, str, str]]:
    """(metadata name, when, by, before, after) for the endringslogg: every change of the
    advisor (saksansvarlig) and of the unit (administrativEnhet) in the audit trail, and the
    closing of the case at the end of the last school year (saksstatus)."""
    events = list(
        AuditEvent.objects.filter(
            object_type="registry.registration",
            object_id__in=[str(r.pk) for r in case_registrations],
            action__in=["registry.registration.assigned", "registry.registration.unit_moved"],
        ).order_by("at", "pk")
    )
    user_ids, unit_ids = set(), set()
    for e in events:
        target = user_ids if e.action.endswith("assigned") else unit_ids
        target.update(v for v in (e.data.get("from"), e.data.get("to")) if v)
    users = {u.pk: _name(u) for u in User.objects.filter(pk__in=user_ids)}
    units = {u.pk: u.name for u in Unit.objects.filter(pk__in=unit_ids)}
    none = "(ingen)"
    changes = []
    for e in events:
        names, metadata = (
            (users, "saksansvarlig")
            if e.action.endswith("assigned")
            else (units, "administrativEnhet")
        )
        changes.append(
            (
                metadata,
                e.at,
                e.actor_label or SYSTEM,
                names.get(e.data.get("from"), none),
                names.get(e.data.get("to"), none),
            )
        )
    changes.append(("saksstatus", _end_of(closed_on), SYSTEM, "Under behandling", "Avsluttet"))
    return changes


def _case(county: County, person: Person, now: datetime) -> Case:
    from veiviser.letters.models import Letter

    registrations = list(
        person.registrations.filter(county=county)
        .select_related("unit", "advisor", "recorded_by")
        .order_by("school_year", "registered_on", "pk")
    )
    folder = f"{DOCUMENTS}/{person.pk}"
    letters = list(
        Letter.objects.filter(county=county, registration__in=registrations)
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
    entries = [
        LetterEntry(letter=letter, document=_letter_document(letter, folder, now), number=n)
        for n, letter in enumerate(letters, start=1)
    ]
    closed_on = case_closed_on(registrations[-1].school_year)
    summary = Document(
        path=f"{folder}/saksoppsummering.pdf",
        data=_summary_pdf(county, person, now),
        title="Saksoppsummering ved arkivering",
        created=now,
        created_by=SYSTEM,
        kind="Saksoppsummering",
    )
    return Case(
        person=person,
        registrations=registrations,
        letters=entries,
        summary=summary,
        closed_on=closed_on,
        fingerprint=fingerprint(person),
        changes=_changes(registrations, closed_on),
    )


# XML ----------------------------------------------------------------------------------------


def _el(parent: ET.Element, ns: str, tag: str, text=None, **attrs) -> ET.Element | None:
    """A child element; none at all when `text` is given but empty (Noark 5 krav 6.4.5: no
    empty elements). Every file has one namespace, its default (`_root`): names stay bare."""
    if text is not None and str(text) == "":
        return None
    child = ET.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = str(text)
    return child


def _root(ns: str, tag: str, schema: str, **attrs) -> ET.Element:
    root = ET.Element(tag, {"xmlns": ns, **attrs})
    root.set(f"{{{XSI}}}schemaLocation", f"{ns} {schema}")
    return root


def _write(root: ET.Element, path: Path) -> None:
    tree = ET.ElementTree(root)
    ET.indent(tree)
    with path.open("wb") as out:
        tree.write(out, encoding="utf-8", xml_declaration=True)


@dataclass
class Heads:
    """What the extract says about itself: who made it and the archive's names."""

    county: County
    creator_id: str
    creator_name: str
    archive_title: str
    part_title: str
    part_id: str
    closed_before: date
    now: datetime
    made_by: str


def _screening(parent: ET.Element, metadata: list[str], document: bool = False) -> None:
    s = _el(parent, N5, "skjerming")
    _el(s, N5, "tilgangsrestriksjon", RESTRICTION)
    _el(s, N5, "skjermingshjemmel", SCREENING_GROUND)
    for name in metadata:
        _el(s, N5, "skjermingMetadata", name)
    if document:
        _el(s, N5, "skjermingDokument", "Skjerming av hele dokumentet")
    _el(s, N5, "skjermingsvarighet", SCREENING_YEARS)


def _document(parent: ET.Element, heads: Heads, kind_key: str, document: Document, number=1):
    county = heads.county
    d = _el(parent, N5, "dokumentbeskrivelse")
    _el(d, N5, "systemID", system_id(county, "dokumentbeskrivelse", kind_key))
    _el(d, N5, "dokumenttype", document.kind)
    _el(d, N5, "dokumentstatus", "Dokumentet er ferdigstilt")
    _el(d, N5, "tittel", document.title)
    _el(d, N5, "opprettetDato", _dt(document.created))
    _el(d, N5, "opprettetAv", document.created_by)
    _el(d, N5, "tilknyttetRegistreringSom", "Hoveddokument")
    _el(d, N5, "dokumentnummer", number)
    _el(d, N5, "tilknyttetDato", _dt(document.created))
    _el(d, N5, "tilknyttetAv", document.created_by)
    _screening(d, ["Skjerming tittel dokumentbeskrivelse"], document=True)
    o = _el(d, N5, "dokumentobjekt")
    _el(o, N5, "systemID", system_id(county, "dokumentobjekt", kind_key))
    _el(o, N5, "versjonsnummer", 1)
    _el(o, N5, "variantformat", "Arkivformat")
    _el(o, N5, "format", document.format)
    _el(o, N5, "formatDetaljer", "PDF/A-2b (ISO 19005-2)")
    _el(o, N5, "opprettetDato", _dt(document.created))
    _el(o, N5, "opprettetAv", document.created_by)
    _el(o, N5, "referanseDokumentfil", document.path)
    _el(o, N5, "sjekksum", _sha256(document.data))
    _el(o, N5, "sjekksumAlgoritme", "SHA256")
    _el(o, N5, "filstoerrelse", len(document.data))
    if document.conversion:
        k = _el(o, N5, "konvertering")
        for name, value in document.conversion.items():
            _el(k, N5, name, value)


def _case_title(person: Person) -> str:
    return f"Oppfølgingstjenesten: {person.full_name}, født {person.birth_date.isoformat()}"


def _public_case_title() -> str:
    return f"Oppfølgingstjenesten: {HIDDEN}"


def _responsible(case: Case) -> str:
    last = case.last
    if last.advisor is not None:
        return _name(last.advisor)
    return last.unit.name if last.unit else SYSTEM


def _unit(case: Case) -> str:
    return case.last.unit.name if case.last.unit else "Oppfølgingstjenesten"


def _arkivstruktur(heads: Heads, cases: list[Case], path: Path) -> None:
    county = heads.county
    first = min(r.recorded_at for c in cases for r in c.registrations)
    root = _root(N5, "arkiv", "arkivstruktur.xsd")
    _el(root, N5, "systemID", system_id(county, "arkiv", "ot"))
    _el(root, N5, "tittel", heads.archive_title)
    _el(root, N5, "beskrivelse", "Saksmapper for ungdom fulgt opp av Oppfølgingstjenesten, "
        "fra fagsystemet Veiviser.")  # fmt: skip
    _el(root, N5, "arkivstatus", "Avsluttet")
    _el(root, N5, "dokumentmedium", "Elektronisk arkiv")
    _el(root, N5, "opprettetDato", _dt(first))
    _el(root, N5, "opprettetAv", SYSTEM)
    _el(root, N5, "avsluttetDato", _dt(heads.now))
    _el(root, N5, "avsluttetAv", heads.made_by)
    creator = _el(root, N5, "arkivskaper")
    _el(creator, N5, "arkivskaperID", heads.creator_id)
    _el(creator, N5, "arkivskaperNavn", heads.creator_name)
    part = _el(root, N5, "arkivdel")
    _el(part, N5, "systemID", heads.part_id)
    _el(part, N5, "tittel", heads.part_title)
    _el(part, N5, "arkivdelstatus", "Avsluttet periode")
    _el(part, N5, "dokumentmedium", "Elektronisk arkiv")
    _el(part, N5, "opprettetDato", _dt(heads.now))
    _el(part, N5, "opprettetAv", heads.made_by)
    _el(part, N5, "avsluttetDato", _dt(heads.now))
    _el(part, N5, "avsluttetAv", heads.made_by)
    _el(part, N5, "arkivperiodeStartDato", min(c.registrations[0].registered_on for c in cases))
    _el(part, N5, "arkivperiodeSluttDato", max(c.closed_on for c in cases))
    for case in cases:
        _saksmappe(part, heads, case)
    _write(root, path)


def _saksmappe(parent: ET.Element, heads: Heads, case: Case) -> None:
    county, person = heads.county, case.person
    first = case.registrations[0]
    m = _el(parent, N5, "mappe")
    m.set(f"{{{XSI}}}type", "saksmappe")
    _el(m, N5, "systemID", system_id(county, "mappe", person.pk))
    _el(m, N5, "mappeID", case.number)
    _el(m, N5, "tittel", _case_title(person))
    _el(m, N5, "offentligTittel", _public_case_title())
    _el(m, N5, "dokumentmedium", "Elektronisk arkiv")
    _el(m, N5, "opprettetDato", _dt(first.recorded_at))
    _el(m, N5, "opprettetAv", _name(first.recorded_by))
    _el(m, N5, "avsluttetDato", _dt(_end_of(case.closed_on)))
    _el(m, N5, "avsluttetAv", SYSTEM)
    _el(m, N5, "referanseArkivdel", heads.part_id)
    youth = _el(m, N5, "part")
    _el(youth, N5, "partID", person.fnr or "")
    _el(youth, N5, "partNavn", person.full_name)
    _el(youth, N5, "partRolle", "Ungdom")
    _el(youth, N5, "postadresse", person.address)
    _el(youth, N5, "epostadresse", person.email)
    _el(youth, N5, "telefonnummer", person.phone)
    for guardian in person.guardians.order_by("pk"):
        g = _el(m, N5, "part")
        _el(g, N5, "partNavn", guardian.name or HIDDEN)
        _el(g, N5, "partRolle", "Foresatt")
        _el(g, N5, "postadresse", guardian.address)
        _el(g, N5, "epostadresse", guardian.email)
        _el(g, N5, "telefonnummer", guardian.phone)
    _screening(m, ["Skjerming tittel mappe - utvalgte ord", "Skjerming navn part i sak"])
    for entry in case.letters:
        _journalpost(m, heads, case, entry)
    _summary_registrering(m, heads, case)
    _el(m, N5, "saksaar", case.year)
    _el(m, N5, "sakssekvensnummer", person.pk)
    _el(m, N5, "saksdato", first.registered_on)
    _el(m, N5, "administrativEnhet", _unit(case))
    _el(m, N5, "saksansvarlig", _responsible(case))
    _el(m, N5, "saksstatus", "Avsluttet")


def _journalpost(parent: ET.Element, heads: Heads, case: Case, entry: LetterEntry) -> None:
    county, letter, document = heads.county, entry.letter, entry.document
    r = _el(parent, N5, "registrering")
    r.set(f"{{{XSI}}}type", "journalpost")
    _el(r, N5, "systemID", system_id(county, "registrering", f"brev-{letter.pk}"))
    _el(r, N5, "opprettetDato", _dt(letter.created_at))
    _el(r, N5, "opprettetAv", _name(letter.created_by))
    _el(r, N5, "arkivertDato", _dt(letter.created_at))
    _el(r, N5, "arkivertAv", _name(letter.created_by))
    _el(r, N5, "referanseArkivdel", heads.part_id)
    _screening(r, ["Skjerming tittel registrering - utvalgte ord", "Skjerming navn mottaker"])
    _document(r, heads, f"brev-{letter.pk}", document)
    _el(r, N5, "registreringsID", f"{case.number}-{entry.number}")
    _el(r, N5, "tittel", letter.title)
    _el(r, N5, "offentligTittel", str(letter.get_kind_display()))
    p = _el(r, N5, "korrespondansepart")
    _el(p, N5, "korrespondanseparttype", "Mottaker")
    _el(p, N5, "korrespondansepartNavn", letter.recipient_name or HIDDEN)
    _el(
        p,
        N5,
        "administrativEnhet",
        letter.registration.unit.name if letter.registration.unit else "",
    )
    _el(r, N5, "journalaar", timezone.localtime(letter.created_at).year)
    _el(r, N5, "journalsekvensnummer", letter.pk)
    _el(r, N5, "journalpostnummer", entry.number)
    _el(r, N5, "journalposttype", "Utgående dokument")
    _el(r, N5, "journalstatus", "Arkivert")
    _el(r, N5, "journaldato", timezone.localtime(letter.created_at).date())
    _el(r, N5, "dokumentetsDato", timezone.localtime(letter.created_at).date())
    _el(r, N5, "sendtDato", _dt(letter.created_at))


def _summary_registrering(parent: ET.Element, heads: Heads, case: Case) -> None:
    county, document = heads.county, case.summary
    r = _el(parent, N5, "registrering")
    _el(r, N5, "systemID", system_id(county, "registrering", f"sammendrag-{case.person.pk}"))
    _el(r, N5, "opprettetDato", _dt(document.created))
    _el(r, N5, "opprettetAv", SYSTEM)
    _el(r, N5, "arkivertDato", _dt(heads.now))
    _el(r, N5, "arkivertAv", heads.made_by)
    _el(r, N5, "referanseArkivdel", heads.part_id)
    _screening(r, ["Skjerming tittel registrering - utvalgte ord"])
    # The summary is made anew by each extract: its document ids carry the extract's arkivdel.
    _document(r, heads, f"sammendrag-{case.person.pk}-{heads.part_id}", document)
    _el(r, N5, "registreringsID", f"{case.number}-{len(case.letters) + 1}")
    _el(r, N5, "tittel", f"Saksoppsummering: {case.person.full_name}")
    _el(r, N5, "offentligTittel", f"Saksoppsummering: {HIDDEN}")
    _el(r, N5, "beskrivelse", "Tilmeldinger med årsak- og statushistorikk, kontakter, plan, "
        "notater, samarbeidspartnere, samtykker og brev, slik de var ved arkiveringen.")  # fmt: skip


def _endringslogg(heads: Heads, cases: list[Case], path: Path) -> int:
    root = _root(ENDRINGSLOGG, "endringslogg", "endringslogg.xsd")
    count = 0
    for case in cases:
        for metadata, at, by, before, after in case.changes:
            e = _el(root, ENDRINGSLOGG, "endring")
            _el(
                e,
                ENDRINGSLOGG,
                "referanseArkivenhet",
                system_id(heads.county, "mappe", case.person.pk),
            )
            _el(e, ENDRINGSLOGG, "referanseMetadata", metadata)
            _el(e, ENDRINGSLOGG, "endretDato", _dt(at))
            _el(e, ENDRINGSLOGG, "endretAv", by)
            _el(e, ENDRINGSLOGG, "tidligereVerdi", before)
            _el(e, ENDRINGSLOGG, "nyVerdi", after)
            count += 1
    _write(root, path)
    return count


def _journal(heads: Heads, cases: list[Case], path: Path, public: bool) -> int:
    """loependeJournal.xml (public=False) or offentligJournal.xml: the journalposts sorted by
    journal year and sequence number (Noark 5 krav 6.4.30)."""
    ns, tag = (OFFENTLIG, "offentligJournal") if public else (LOEPENDE, "loependeJournal")
    entries = sorted(
        ((case, entry) for case in cases for entry in case.letters),
        key=lambda ce: (timezone.localtime(ce[1].letter.created_at).year, ce[1].letter.pk),
    )
    root = _root(ns, tag, f"{tag}.xsd")
    head = _el(root, ns, "journalhode")
    days = [timezone.localtime(e.letter.created_at).date() for _, e in entries]
    _el(head, ns, "journalStartDato", min(days))
    _el(head, ns, "journalSluttDato", max(days))
    _el(head, ns, "seleksjon", f"Journalposter i saksmapper avsluttet før "
        f"{heads.closed_before.isoformat()}")  # fmt: skip
    _el(head, ns, "antallJournalposter", len(entries))
    creator = _el(head, ns, "arkivskaper")
    _el(creator, ns, "arkivskaperID", heads.creator_id)
    _el(creator, ns, "arkivskaperNavn", heads.creator_name)
    for case, entry in entries:
        letter = entry.letter
        row = _el(root, ns, "journalregistrering")
        m = _el(row, ns, "saksmappe")
        _el(m, ns, "mappeID", case.number)
        _el(m, ns, "saksaar", case.year)
        _el(m, ns, "sakssekvensnummer", case.person.pk)
        if not public:
            _el(m, ns, "tittel", _case_title(case.person))
        _el(m, ns, "offentligTittel", _public_case_title())
        if not public:
            _el(m, ns, "skjermingMetadata", "Skjerming navn part i sak")
        _el(m, ns, "administrativEnhet", _unit(case))
        _el(m, ns, "saksansvarlig", _responsible(case))
        if public:
            _el(m, ns, "tilgangsrestriksjon", RESTRICTION)
            _el(m, ns, "skjermingshjemmel", SCREENING_GROUND)
        else:
            _el(m, ns, "referanseArkivdel", heads.part_id)
        j = _el(row, ns, "journalpost")
        _el(j, ns, "systemID", system_id(heads.county, "registrering", f"brev-{letter.pk}"))
        _el(j, ns, "registreringsID", f"{case.number}-{entry.number}")
        _el(j, ns, "journalaar", timezone.localtime(letter.created_at).year)
        _el(j, ns, "journalsekvensnummer", letter.pk)
        _el(j, ns, "journalpostnummer", entry.number)
        if not public:
            _el(j, ns, "tittel", letter.title)
        _el(j, ns, "offentligTittel", str(letter.get_kind_display()))
        if not public:
            _el(j, ns, "skjermingMetadata", "Skjerming navn mottaker")
        _el(j, ns, "journaldato", timezone.localtime(letter.created_at).date())
        _el(j, ns, "dokumentetsDato", timezone.localtime(letter.created_at).date())
        _el(j, ns, "administrativEnhet", _unit(case))
        _el(j, ns, "saksbehandler", _name(letter.created_by))
        _el(j, ns, "tilgangsrestriksjon", RESTRICTION)
        _el(j, ns, "skjermingshjemmel", SCREENING_GROUND)
        p = _el(j, ns, "korrespondansepart")
        _el(p, ns, "korrespondanseparttype", "Mottaker")
        _el(
            p, ns, "korrespondansepartNavn", HIDDEN if public else (letter.recipient_name or HIDDEN)
        )
        if not public:
            _el(p, ns, "skjermingMetadata", "Skjerming navn mottaker")
    _write(root, path)
    return len(entries)


def _addml(heads: Heads, package: Path, counts: dict, documents: int, cases: list[Case],
           schemas: bool) -> None:  # fmt: skip
    """arkivuttrekk.xml after Riksarkivaren's Noark 5 template: the general part (creator,
    system, archive, period) and a data object per XML file with its schemas, checksums and
    counts. The schemas' checksums are given for the first metadatakatalog.xsd only."""

    def prop(parent, name, value=None, data_type=None):
        props = parent.find("properties")
        if props is None:
            props = _el(parent, ADDML, "properties")
        attrs = {"name": name}
        if data_type:
            attrs["dataType"] = data_type
        p = _el(props, ADDML, "property", **attrs)
        if value is not None:
            _el(p, ADDML, "value", value)
        return p

    def file_props(parent, name):
        f = prop(parent, "file")
        prop(f, "name", name)
        xml = prop(f, "format", "XML")
        prop(xml, "version", "1.0")
        checksum = prop(f, "checksum")
        prop(checksum, "algorithm", "SHA-256")
        prop(checksum, "value", _sha256((package / name).read_bytes()))

    def schema(parent, name, main: bool, with_checksum: bool):
        s = prop(parent, "schema", "main" if main else None)
        f = prop(s, "file")
        prop(f, "name", name)
        if with_checksum and schemas:
            xml = prop(f, "format", "XML")
            prop(xml, "version", "1.0")
            checksum = prop(f, "checksum")
            prop(checksum, "algorithm", "SHA-256")
            prop(checksum, "value", _sha256((package / name).read_bytes()))
            kind = prop(s, "type", "XML Schema")
            prop(kind, "version", "1.0")

    def occurrences(parent, element, number):
        info = prop(parent, "info")
        n = prop(info, "numberOfOccurrences", element)
        prop(n, "elementPath", f"//{element}")
        prop(n, "value", number, "integer")

    root = _root(ADDML, "addml", "addml.xsd", name="Noark 5-arkivuttrekk")
    dataset = _el(root, ADDML, "dataset")
    _el(dataset, ADDML, "description", "Noark 5-arkivuttrekk")
    reference = _el(dataset, ADDML, "reference")
    context = _el(_el(reference, ADDML, "context"), ADDML, "additionalElements")
    creators = _el(_el(context, ADDML, "additionalElement", name="recordCreators"), ADDML,
                   "additionalElements")  # fmt: skip
    _el(_el(creators, ADDML, "additionalElement", name="recordCreator"), ADDML, "value",
        heads.creator_name)  # fmt: skip
    _el(_el(context, ADDML, "additionalElement", name="systemType"), ADDML, "value",
        "Fagsystem (Noark 5)")  # fmt: skip
    _el(_el(context, ADDML, "additionalElement", name="systemName"), ADDML, "value",
        f"Veiviser {veiviser.__version__}")  # fmt: skip
    _el(_el(context, ADDML, "additionalElement", name="archive"), ADDML, "value",
        heads.archive_title)  # fmt: skip
    content = _el(_el(reference, ADDML, "content"), ADDML, "additionalElements")
    period = _el(content, ADDML, "additionalElement", name="archivalPeriod")
    start = min(c.registrations[0].registered_on for c in cases)
    end = max(c.closed_on for c in cases)
    props = _el(period, ADDML, "properties")
    for name, value in (("startDate", start), ("endDate", end)):
        _el(_el(props, ADDML, "property", name=name), ADDML, "value", value.isoformat())
    objects = _el(dataset, ADDML, "dataObjects")
    noark = _el(objects, ADDML, "dataObject", name="Noark 5-arkivuttrekk")
    info = prop(noark, "info")
    kind = prop(info, "type", "Noark 5")
    prop(kind, "version", NOARK_VERSION)
    extra = prop(info, "additionalInfo")
    periode = prop(extra, "periode")
    prop(periode, "inngaaendeSkille", "skarpt")
    prop(periode, "utgaaendeSkille", "skarpt")
    prop(extra, "inneholderSkjermetInformasjon", "true", "boolean")
    prop(extra, "omfatterDokumenterSomErKassert", "false", "boolean")
    prop(extra, "inneholderDokumenterSomSkalKasseres", "false", "boolean")
    prop(extra, "inneholderVirksomhetsspesifikkeMetadata", "false", "boolean")
    prop(extra, "antallDokumentfiler", documents, "integer")
    files = _el(noark, ADDML, "dataObjects")
    first_catalogue = True
    for name, element, number in (
        ("arkivstruktur", None, None),
        ("endringslogg", "endring", counts.get("endring")),
        ("loependeJournal", "journalregistrering", counts.get("loependeJournal")),
        ("offentligJournal", "journalregistrering", counts.get("offentligJournal")),
    ):
        if not (package / f"{name}.xml").exists():
            continue
        obj = _el(files, ADDML, "dataObject", name=name)
        file_props(obj, f"{name}.xml")
        schema(obj, f"{name}.xsd", main=True, with_checksum=True)
        schema(obj, "metadatakatalog.xsd", main=False, with_checksum=first_catalogue)
        first_catalogue = False
        if name == "arkivstruktur":
            info = prop(obj, "info")
            for element_name, value in (("mappe", counts["mappe"]),
                                        ("registrering", counts["registrering"])):  # fmt: skip
                n = prop(info, "numberOfOccurrences", element_name)
                prop(n, "elementPath", f"//{element_name}")
                prop(n, "value", value, "integer")
        else:
            occurrences(obj, element, number)
    _write(root, package / "arkivuttrekk.xml")


# Validation ---------------------------------------------------------------------------------


def check_schema_dir(folder: str | Path) -> Path:
    """The operator's folder of official schemas, checked to be complete and Noark 5 v5.0."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SchemaError(_("%(folder)s is not a folder") % {"folder": folder})
    missing = [name for name in SCHEMA_FILES if not (folder / name).is_file()]
    if missing:
        raise SchemaError(
            _("%(folder)s lacks %(files)s (Arkivverket's Noark 5 v5.0 schemas and addml.xsd)")
            % {"folder": folder, "files": ", ".join(missing)}
        )
    for name in ("arkivstruktur.xsd", "metadatakatalog.xsd"):
        version = ET.parse(folder / name).getroot().get("version")
        if version != NOARK_VERSION:
            raise SchemaError(
                _("%(file)s is version %(version)s; the extract is Noark 5 v%(expected)s")
                % {"file": folder / name, "version": version, "expected": NOARK_VERSION}
            )
    return folder


def validate(package: Path, schema_dir: Path) -> list[str]:
    """Every XML file of the package against its official schema; the errors found, each
    naming the file, the element and what is wrong (empty: valid)."""
    import xmlschema

    errors = []
    for xml_name, xsd_name in SCHEMAS.items():
        xml_path = package / xml_name
        if not xml_path.exists():
            continue
        schema = xmlschema.XMLSchema10(str(schema_dir / xsd_name))
        for error in schema.iter_errors(str(xml_path)):
            errors.append(f"{xml_name}: {error.path}: {error.reason}")
            if len(errors) >= 50:
                return errors
    return errors


# Making the extract -------------------------------------------------------------------------


@dataclass
class Result:
    extract: ArchiveExtract
    package: Path
    validated: bool
    skipped: int  # closed cases already in an earlier extract, unchanged


def _heads(county: County, closed_before: date, now: datetime, actor) -> Heads:
    from veiviser.letters.models import Letterhead

    head = Letterhead.objects.filter(county=county).first()
    creator = head.sender if head and head.sender else f"{county.name} fylkeskommune"
    return Heads(
        county=county,
        creator_id=f"fylke-{county.number}",
        creator_name=creator,
        archive_title=f"Oppfølgingstjenesten, {creator}",
        part_title=f"Oppfølgingstjenesten: saker avsluttet før {closed_before.isoformat()}",
        part_id=str(uuid.uuid4()),
        closed_before=closed_before,
        now=now,
        made_by=_name(actor) if actor is not None and actor.pk else SYSTEM,
    )


def make_extract(
    *,
    actor,
    county: County,
    closed_before: date,
    out: str | Path,
    schema_dir: str | Path | None = None,
    include_extracted: bool = False,
    persons: list[Person] | None = None,
) -> Result:
    """Write the Noark 5 extract of `county`'s cases closed before `closed_before` to
    `<out>/avleveringspakke`, validate it against the official schemas when `schema_dir` is
    given, and record it (ArchiveExtract, one ArchivedCase per youth), audited. Cases already
    held unchanged by an earlier extract are left out unless `include_extracted`.

    Written to a temporary folder first: a failure leaves no package and no record."""
    from veiviser.privacy.services import require_privacy_officer

    require_privacy_officer(actor, county=county)
    out = Path(out)
    target = out / PACKAGE
    problems = []
    if target.exists():
        problems.append(Problem("out", _("%(path)s exists already") % {"path": target}))
    if closed_before > timezone.localdate():
        problems.append(Problem("closed_before", _("the date is in the future")))
    require_none(problems)
    schemas = check_schema_dir(schema_dir) if schema_dir else None
    now = timezone.now()
    candidates = persons if persons is not None else closed_persons(county, closed_before)
    skipped = 0
    chosen = []
    for person in candidates:
        if not include_extracted and is_extracted(person):
            skipped += 1
        else:
            chosen.append(person)
    if not chosen:
        require_none([Problem("closed_before", _("no closed case to extract"))])
    heads = _heads(county, closed_before, now, actor)
    cases = [_case(county, person, now) for person in chosen]
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".avleveringspakke-", dir=out))
    try:
        documents = 0
        for case in cases:
            for document in [e.document for e in case.letters] + [case.summary]:
                path = work / document.path
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(document.data)
                documents += 1
        _arkivstruktur(heads, cases, work / "arkivstruktur.xml")
        counts = {
            "mappe": len(cases),
            "registrering": sum(len(c.letters) + 1 for c in cases),
            "endring": _endringslogg(heads, cases, work / "endringslogg.xml"),
        }
        if any(c.letters for c in cases):
            counts["loependeJournal"] = _journal(heads, cases, work / "loependeJournal.xml", False)
            counts["offentligJournal"] = _journal(heads, cases, work / "offentligJournal.xml", True)
        if schemas:
            for name in SCHEMA_FILES:
                shutil.copyfile(schemas / name, work / name)
        _addml(heads, work, counts, documents, cases, schemas=bool(schemas))
        validated_with = ""
        if schemas:
            errors = validate(work, schemas)
            if errors:
                raise ExtractInvalid(errors)
            addml_version = ET.parse(schemas / "addml.xsd").getroot().get("version") or "?"
            validated_with = f"Noark 5 v{NOARK_VERSION}, ADDML {addml_version}"
        checksum = _sha256((work / "arkivuttrekk.xml").read_bytes())
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        with transaction.atomic():
            extract = ArchiveExtract.objects.create(
                county=county,
                closed_before=closed_before,
                system_id=uuid.UUID(heads.part_id),
                checksum=checksum,
                cases=len(cases),
                documents=documents,
                validated_with=validated_with,
                location=str(target.resolve()),
                created_by=actor if actor is not None and actor.pk else None,
            )
            ArchivedCase.objects.bulk_create(
                ArchivedCase(
                    extract=extract,
                    county=county,
                    person=case.person,
                    registrations=[r.pk for r in case.registrations],
                    fingerprint=case.fingerprint,
                )
                for case in cases
            )
            for case in cases:
                audit.log(
                    actor,
                    "privacy.person.archived",
                    case.person,
                    data={"extract": extract.pk, "documents": len(case.letters) + 1},
                )
            audit.log(
                actor,
                "privacy.archive.extracted",
                extract,
                data={
                    "closed_before": closed_before.isoformat(),
                    "cases": len(cases),
                    "documents": documents,
                    "checksum": checksum,
                    "validated_with": validated_with,
                    "skipped": skipped,
                },
            )
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return Result(extract=extract, package=target, validated=bool(schemas), skipped=skipped)
