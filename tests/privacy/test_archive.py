"""The Noark 5 archive extract (docs/privacy.md).

The official schemas are Arkivverket's and are not in this repository: the structure is checked
here by our own reading of them (element order of what we write, checksums, PDF/A), and
`test_valid_against_the_official_schemas` validates against the real ones when
VEIVISER_NOARK5_SCHEMA_DIR names a folder that holds them (skipped otherwise)."""

import hashlib
import io
import os
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from veiviser.audit.models import AuditEvent
from veiviser.letters import services as letters
from veiviser.letters.models import Letter, LetterTemplate
from veiviser.privacy import archive, pdfa, services
from veiviser.privacy.models import ArchivedCase, ArchiveExtract
from veiviser.problems import ValidationFailed
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
CUTOFF = date(2025, 1, 1)


def make_letter(registration, on=date(2023, 9, 5)):
    template = LetterTemplate.objects.filter(active=True, audience="youth").first()
    return letters.letter_make(
        actor=None,
        registration=registration,
        template=template,
        recipient=None,
        batch=None,
        on=on,
    )


@pytest.fixture
def case(youth):
    """Mira's closed case (last school year 2023/24) with a letter."""
    return make_letter(youth.registrations.get())


@pytest.fixture
def other_county_youth(telemark, make_person):
    from veiviser.organisation import services as organisation

    unit, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )
    person = make_person(
        county=telemark, birth_date=date(2006, 4, 4), given="Tor", family="Annenfylke"
    )
    registration = registry.registration_create(
        actor=None,
        person=person,
        school_year=2022,
        registered_on=date(2022, 9, 1),
        reason="other",
        unit=unit,
    )
    make_letter(registration, on=date(2022, 9, 2))
    return person


def extract(tmp_path, county, **kwargs):
    return archive.make_extract(
        actor=None, county=county, closed_before=CUTOFF, out=tmp_path, **kwargs
    )


def children(element):
    return [c.tag.removeprefix(N5) for c in element]


def in_order(found: list[str], order: list[str]) -> bool:
    """`found` uses only names of `order`, in that order (repeats allowed)."""
    positions = [order.index(name) for name in found]
    return positions == sorted(positions)


# The element order of what we write, as we read the v5.0 arkivstruktur schema.
MAPPE = ["systemID", "mappeID", "tittel", "offentligTittel", "dokumentmedium", "opprettetDato",
         "opprettetAv", "avsluttetDato", "avsluttetAv", "referanseArkivdel", "part", "skjerming",
         "registrering", "saksaar", "sakssekvensnummer", "saksdato", "administrativEnhet",
         "saksansvarlig", "saksstatus"]  # fmt: skip
REGISTRERING = ["systemID", "opprettetDato", "opprettetAv", "arkivertDato", "arkivertAv",
                "referanseArkivdel", "skjerming", "dokumentbeskrivelse", "registreringsID",
                "tittel", "offentligTittel", "beskrivelse", "korrespondansepart", "journalaar",
                "journalsekvensnummer", "journalpostnummer", "journalposttype", "journalstatus",
                "journaldato", "dokumentetsDato", "sendtDato"]  # fmt: skip
DOKUMENTBESKRIVELSE = ["systemID", "dokumenttype", "dokumentstatus", "tittel", "opprettetDato",
                       "opprettetAv", "tilknyttetRegistreringSom", "dokumentnummer",
                       "tilknyttetDato", "tilknyttetAv", "skjerming", "dokumentobjekt"]  # fmt: skip
DOKUMENTOBJEKT = ["systemID", "versjonsnummer", "variantformat", "format", "formatDetaljer",
                  "opprettetDato", "opprettetAv", "referanseDokumentfil", "sjekksum",
                  "sjekksumAlgoritme", "filstoerrelse", "konvertering"]  # fmt: skip


def test_the_package_holds_one_saksmappe_per_youth_with_its_letters_and_summary(
    tmp_path, youth, case
):
    result = extract(tmp_path, youth.county)
    package = result.package
    assert package == tmp_path / "avleveringspakke"
    for name in ("arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml",
                 "loependeJournal.xml", "offentligJournal.xml"):  # fmt: skip
        assert (package / name).is_file(), name
    root = ET.parse(package / "arkivstruktur.xml").getroot()
    assert root.tag == f"{N5}arkiv"
    assert children(root)[:10] == [
        "systemID", "tittel", "beskrivelse", "arkivstatus", "dokumentmedium", "opprettetDato",
        "opprettetAv", "avsluttetDato", "avsluttetAv", "arkivskaper",
    ]  # fmt: skip
    (part,) = root.findall(f"{N5}arkivdel")
    (mappe,) = part.findall(f"{N5}mappe")
    assert mappe.get(XSI_TYPE) == "saksmappe"
    assert in_order(children(mappe), MAPPE)
    assert mappe.findtext(f"{N5}saksstatus") == "Avsluttet"
    assert mappe.findtext(f"{N5}part/{N5}partID") == youth.fnr
    assert mappe.findtext(f"{N5}offentligTittel") == "Oppfølgingstjenesten: ******"
    assert mappe.find(f"{N5}skjerming/{N5}skjermingshjemmel").text.startswith("Offl. § 13")
    journalpost, summary = mappe.findall(f"{N5}registrering")
    assert journalpost.get(XSI_TYPE) == "journalpost" and summary.get(XSI_TYPE) is None
    for registrering in (journalpost, summary):
        assert in_order(children(registrering), REGISTRERING)
        (description,) = registrering.findall(f"{N5}dokumentbeskrivelse")
        assert in_order(children(description), DOKUMENTBESKRIVELSE)
        (document,) = description.findall(f"{N5}dokumentobjekt")
        assert in_order(children(document), DOKUMENTOBJEKT)
    assert journalpost.findtext(f"{N5}journalposttype") == "Utgående dokument"
    assert journalpost.findtext(f"{N5}korrespondansepart/{N5}korrespondansepartNavn")
    assert result.extract.cases == 1 and result.extract.documents == 2


def test_every_document_is_pdfa_with_the_checksum_and_size_given(tmp_path, youth, case):
    package = extract(tmp_path, youth.county).package
    root = ET.parse(package / "arkivstruktur.xml").getroot()
    objects = root.findall(f".//{N5}dokumentobjekt")
    assert len(objects) == 2
    for document in objects:
        data = (package / document.findtext(f"{N5}referanseDokumentfil")).read_bytes()
        assert document.findtext(f"{N5}sjekksum") == hashlib.sha256(data).hexdigest()
        assert document.findtext(f"{N5}sjekksumAlgoritme") == "SHA256"
        assert int(document.findtext(f"{N5}filstoerrelse")) == len(data)
        assert document.findtext(f"{N5}format") == "fmt/477"
        xmp = PdfReader(io.BytesIO(data)).xmp_metadata
        assert xmp is not None
        assert pdfa.pdfa_identification(data) == ("2", "B")
    # The letter (made as PDF/A) is archived byte for byte, as sent.
    letter_file = package / f"DOKUMENT/{youth.pk}/brev-{case.pk}.pdf"
    assert hashlib.sha256(letter_file.read_bytes()).hexdigest() == case.sha256


def test_a_letter_kept_before_pdfa_is_converted_and_the_conversion_recorded(tmp_path, youth, case):
    from weasyprint import HTML

    plain = HTML(string="<title>Brev</title><p>Hei Mira</p>").write_pdf()
    assert pdfa.pdfa_identification(plain) is None
    Letter.objects.filter(pk=case.pk).update(pdf=plain, sha256=hashlib.sha256(plain).hexdigest())
    package = extract(tmp_path, youth.county).package
    data = (package / f"DOKUMENT/{youth.pk}/brev-{case.pk}.pdf").read_bytes()
    assert pdfa.pdfa_identification(data) == ("2", "B")
    assert PdfReader(io.BytesIO(data)).pages[0].extract_text().strip().startswith("Hei Mira")
    conversion = ET.parse(package / "arkivstruktur.xml").getroot().find(f".//{N5}konvertering")
    assert conversion.findtext(f"{N5}konvertertFraFormat") == "fmt/276"
    assert conversion.findtext(f"{N5}konvertertTilFormat") == "fmt/477"
    assert hashlib.sha256(plain).hexdigest() in conversion.findtext(f"{N5}konverteringskommentar")


def test_a_pdf_not_made_by_veiviser_is_not_converted():
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(out)
    with pytest.raises(pdfa.NotConvertible):
        pdfa.to_pdfa_2b(out.getvalue())


def test_the_description_gives_the_checksums_and_counts(tmp_path, youth, case):
    package = extract(tmp_path, youth.county).package
    text = (package / "arkivuttrekk.xml").read_text()
    for name in ("arkivstruktur.xml", "endringslogg.xml", "loependeJournal.xml",
                 "offentligJournal.xml"):  # fmt: skip
        assert hashlib.sha256((package / name).read_bytes()).hexdigest() in text
    root = ET.parse(package / "arkivuttrekk.xml").getroot()
    addml = "{http://www.arkivverket.no/standarder/addml}"
    values = {
        p.get("name"): p.findtext(f"{addml}value")
        for p in root.iter(f"{addml}property")
        if p.get("name") in ("antallDokumentfiler", "inneholderSkjermetInformasjon")
    }
    assert values == {"antallDokumentfiler": "2", "inneholderSkjermetInformasjon": "true"}


def test_the_change_log_and_the_journals(tmp_path, youth, case, advisor):
    package = extract(tmp_path, youth.county).package
    log = ET.parse(package / "endringslogg.xml").getroot()
    ns = "{http://www.arkivverket.no/standarder/noark5/endringslogg}"
    changed = [e.findtext(f"{ns}referanseMetadata") for e in log]
    assert changed == ["saksansvarlig", "saksstatus"]  # the assignment, then the closing
    assert log[0].findtext(f"{ns}nyVerdi") == (advisor.get_full_name() or advisor.username)
    public = (package / "offentligJournal.xml").read_text()
    assert "Mira" not in public and youth.fnr not in public and "******" in public
    assert "Mira" in (package / "loependeJournal.xml").read_text()


def test_nothing_of_another_county(tmp_path, youth, case, other_county_youth):
    package = extract(tmp_path, youth.county).package
    for path in package.rglob("*.xml"):
        text = path.read_text()
        assert "Annenfylke" not in text and other_county_youth.fnr not in text
    assert {p.name for p in (package / "DOKUMENT").iterdir()} == {str(youth.pk)}


def test_the_extract_is_recorded_and_audited(tmp_path, youth, case):
    result = extract(tmp_path, youth.county)
    record = ArchiveExtract.objects.get()
    assert (
        record.checksum
        == hashlib.sha256((result.package / "arkivuttrekk.xml").read_bytes()).hexdigest()
    )
    (archived,) = ArchivedCase.objects.all()
    assert archived.person == youth
    assert archived.registrations == list(youth.registrations.values_list("pk", flat=True))
    assert AuditEvent.objects.filter(action="privacy.archive.extracted").count() == 1
    assert AuditEvent.objects.filter(
        action="privacy.person.archived", object_id=str(youth.pk)
    ).exists()


def test_system_ids_are_stable_between_extracts(tmp_path, youth, case):
    first = extract(tmp_path / "a", youth.county).package
    second = extract(tmp_path / "b", youth.county, include_extracted=True).package

    def ids(package, path):
        return [
            e.findtext(f"{N5}systemID")
            for e in ET.parse(package / "arkivstruktur.xml").getroot().iter(f"{N5}{path}")
        ]

    assert ids(first, "mappe") == ids(second, "mappe")
    assert ids(first, "registrering")[0] == ids(second, "registrering")[0]
    assert ids(first, "arkivdel") != ids(second, "arkivdel")


def test_an_extracted_case_is_left_out_next_time(tmp_path, youth, case):
    extract(tmp_path / "a", youth.county)
    with pytest.raises(ValidationFailed, match="no closed case"):
        extract(tmp_path / "b", youth.county)


def test_the_command_and_its_refusals(tmp_path, youth, case, capsys):
    call_command(
        "archive-extract",
        county="39",
        closed_before="2025-01-01",
        out=str(tmp_path),
        validate_with=None,
    )
    out = capsys.readouterr()
    assert "1 cases" in out.out or "1 saker" in out.out
    assert "VEIVISER_NOARK5_SCHEMA_DIR" in out.err
    with pytest.raises(CommandError, match="exists"):
        call_command("archive-extract", county="39", closed_before="2025-01-01", out=str(tmp_path))
    with pytest.raises(CommandError, match="closed-before"):
        call_command("archive-extract", county="39", closed_before="1.1.2025", out=str(tmp_path))
    with pytest.raises(CommandError, match="lacks"):
        call_command(
            "archive-extract", county="39", closed_before="2025-01-01",
            out=str(tmp_path / "x"), validate_with=str(tmp_path),
        )  # fmt: skip


def tiny_schemas(folder: Path, arkivstruktur: str) -> Path:
    """Schemas of our own with the official names (not Arkivverket's): enough to prove that the
    validation runs and that a failure leaves no package and no record."""
    folder.mkdir()
    lax = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{ns}" '
        'elementFormDefault="qualified" version="5.0"><xs:element name="{root}">'
        '<xs:complexType><xs:sequence><xs:any processContents="skip" minOccurs="0" '
        'maxOccurs="unbounded" namespace="##any"/></xs:sequence><xs:anyAttribute '
        'processContents="skip"/></xs:complexType></xs:element></xs:schema>'
    )
    base = "http://www.arkivverket.no/standarder/noark5/"
    for name, ns, root in (
        ("endringslogg.xsd", base + "endringslogg", "endringslogg"),
        ("loependeJournal.xsd", base + "loependeJournal", "loependeJournal"),
        ("offentligJournal.xsd", base + "offentligJournal", "offentligJournal"),
        ("metadatakatalog.xsd", base + "metadatakatalog", "unused"),
        ("addml.xsd", "http://www.arkivverket.no/standarder/addml", "addml"),
    ):
        (folder / name).write_text(lax.format(ns=ns, root=root))
    (folder / "arkivstruktur.xsd").write_text(arkivstruktur)
    return folder


def test_validation_failure_leaves_nothing(tmp_path, youth, case):
    strict = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="http://www.arkivverket.no/standarder/noark5/arkivstruktur" '
        'elementFormDefault="qualified" version="5.0"><xs:element name="arkiv">'
        '<xs:complexType><xs:sequence><xs:element name="nothingElse" type="xs:string"/>'
        "</xs:sequence></xs:complexType></xs:element></xs:schema>"
    )
    schemas = tiny_schemas(tmp_path / "xsd", strict)
    with pytest.raises(archive.ExtractInvalid) as failure:
        extract(tmp_path / "out", youth.county, schema_dir=schemas)
    assert failure.value.errors[0].startswith("arkivstruktur.xml: ")
    assert not (tmp_path / "out" / "avleveringspakke").exists()
    assert list((tmp_path / "out").iterdir()) == []
    assert not ArchiveExtract.objects.exists()


def test_a_valid_extract_carries_the_schemas(tmp_path, youth, case):
    schemas = tiny_schemas(
        tmp_path / "xsd",
        (tmp_path / "unused").as_posix() and archive_lax_arkivstruktur(),
    )
    result = extract(tmp_path / "out", youth.county, schema_dir=schemas)
    assert result.validated and result.extract.validated_with.startswith("Noark 5 v5.0")
    for name in archive.SCHEMA_FILES:
        assert (result.package / name).read_bytes() == (schemas / name).read_bytes()
        digest = hashlib.sha256((schemas / name).read_bytes()).hexdigest()
        if name in ("arkivstruktur.xsd", "metadatakatalog.xsd"):
            assert digest in (result.package / "arkivuttrekk.xml").read_text()


def archive_lax_arkivstruktur() -> str:
    return (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="http://www.arkivverket.no/standarder/noark5/arkivstruktur" '
        'elementFormDefault="qualified" version="5.0"><xs:element name="arkiv">'
        '<xs:complexType><xs:sequence><xs:any processContents="skip" minOccurs="0" '
        'maxOccurs="unbounded" namespace="##any"/></xs:sequence><xs:anyAttribute '
        'processContents="skip"/></xs:complexType></xs:element></xs:schema>'
    )


@pytest.mark.skipif(
    not os.environ.get("VEIVISER_NOARK5_SCHEMA_DIR"),
    reason="Arkivverket's schemas are not in the repository: set VEIVISER_NOARK5_SCHEMA_DIR",
)
def test_valid_against_the_official_schemas(tmp_path, youth, case, other_county_youth):
    from weasyprint import HTML

    from veiviser.registry import services as registry_services

    registry_services.registration_assign(
        actor=None, registration=youth.registrations.get(), advisor=None
    )
    # A second letter kept before letters were PDF/A: converted, with a konvertering.
    old = make_letter(youth.registrations.get(), on=date(2023, 10, 1))
    plain = HTML(string="<title>Brev</title><p>Hei</p>").write_pdf()
    Letter.objects.filter(pk=old.pk).update(pdf=plain)
    result = extract(tmp_path, youth.county, schema_dir=os.environ["VEIVISER_NOARK5_SCHEMA_DIR"])
    assert result.validated
    text = (result.package / "arkivstruktur.xml").read_text()
    assert text.count("<konvertering>") == 1 and text.count('xsi:type="journalpost"') == 2


# Retention ----------------------------------------------------------------------------------


def test_retention_refuses_a_case_without_an_extract(tmp_path, youth, leader):
    (candidate,) = services.retention_candidates(youth.county, today=date(2030, 1, 1))
    with pytest.raises(services.NotExtracted):
        services.anonymise(actor=leader, candidate=candidate)
    run = services.retention_run(actor=leader, county=youth.county, today=date(2030, 1, 1))
    assert run.anonymised == [] and len(run.not_extracted) == 1
    extract(tmp_path, youth.county)
    run = services.retention_run(actor=leader, county=youth.county, today=date(2030, 1, 1))
    assert len(run.anonymised) == 1
    youth.refresh_from_db()
    assert youth.family_name == ""


def test_a_change_after_the_extract_needs_a_new_extract(tmp_path, youth, leader):
    from veiviser.casework import services as casework

    extract(tmp_path, youth.county)
    assert archive.extract_state(youth) == "extracted"
    casework.note_add(
        actor=None, registration=youth.registrations.get(), text="Sent notat", confidential=False
    )
    assert archive.extract_state(youth) == "changed"
    run = services.retention_run(actor=leader, county=youth.county, today=date(2030, 1, 1))
    assert run.anonymised == []


def test_the_retention_command_shows_and_can_extract_first(tmp_path, youth, capsys):
    call_command("retention", county="39", date="2030-01-01")
    out = capsys.readouterr().out
    assert "not archived" in out or "ikke arkivert" in out
    call_command("retention", county="39", date="2030-01-01", apply=True)
    youth.refresh_from_db()
    assert youth.family_name == "Fjellheim"
    call_command("retention", county="39", date="2030-01-01", apply=True, extract_to=str(tmp_path))
    youth.refresh_from_db()
    assert youth.family_name == ""
    assert (tmp_path / "avleveringspakke" / "arkivstruktur.xml").exists()
    run = AuditEvent.objects.filter(action="privacy.retention.run").latest("pk")
    assert run.data["extract"] == ArchiveExtract.objects.get().pk


def test_the_privacy_page_lists_the_extracts(client, tmp_path, youth, leader):
    from django.urls import reverse

    result = extract(tmp_path, youth.county)
    client.force_login(leader)
    page = client.get(reverse("web:privacy")).content.decode()
    assert result.extract.checksum in page
