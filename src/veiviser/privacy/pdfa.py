"""PDF/A for the archive extract (docs/privacy.md): recognise it, and give it to letters that
were kept before Veiviser made them as PDF/A.

Letters are rendered by WeasyPrint as PDF/A-2b (`letters.render.html_to_pdf`) and go into the
extract byte for byte. A letter kept earlier is a plain PDF from the same WeasyPrint code: what
it lacks for PDF/A-2b is what WeasyPrint adds for its `pdf/a-2b` variant, namely the XMP
metadata naming the conformance, an sRGB output intent, and printable annotations. `to_pdfa_2b`
adds exactly that with pypdf, leaving every page's content as it was sent; the extract records
it as a conversion (Noark 5 `konvertering`) with the checksum of the letter as sent. A PDF not
made by WeasyPrint, encrypted, or with fonts that are not embedded is not converted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

PDFA_2B = ("2", "B")
# PRONOM identifiers (the Noark 5 `format` values): PDF 1.7 and PDF/A-1b, -2b, -2u, -3b.
PRONOM = {
    ("1", "A"): "fmt/95",
    ("1", "B"): "fmt/354",
    ("2", "A"): "fmt/476",
    ("2", "B"): "fmt/477",
    ("2", "U"): "fmt/478",
    ("3", "A"): "fmt/479",
    ("3", "B"): "fmt/480",
    ("3", "U"): "fmt/481",
}
PDF_1_7 = "fmt/276"
# Arkivverket accepts PDF/A-1 and PDF/A-2 as archival formats (riksarkivarens forskrift § 5-17).
ARCHIVAL_PARTS = {"1", "2"}


class NotConvertible(ValueError):
    """The PDF cannot be given the PDF/A marks without changing what it shows."""


def _xmp(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    metadata = reader.trailer["/Root"].get("/Metadata")
    if metadata is None:
        return ""
    return metadata.get_object().get_data().decode("utf-8", "replace")


def pdfa_identification(pdf: bytes) -> tuple[str, str] | None:
    """(part, conformance) from the XMP metadata's pdfaid (e.g. ("2", "B")), or None."""
    xmp = _xmp(pdf)

    def read(name: str) -> str | None:
        found = re.search(rf'pdfaid:{name}\s*=\s*"([^"]+)"', xmp) or re.search(
            rf"<pdfaid:{name}>\s*([^<\s]+)\s*</pdfaid:{name}>", xmp
        )
        return found.group(1).strip().upper() if found else None

    part, conformance = read("part"), read("conformance")
    return (part, conformance) if part and conformance else None


def pronom(identification: tuple[str, str] | None) -> str:
    return PRONOM.get(identification or ("", ""), PDF_1_7)


def is_archival(pdf: bytes) -> bool:
    identification = pdfa_identification(pdf)
    return identification is not None and identification[0] in ARCHIVAL_PARTS


@dataclass(frozen=True)
class Conversion:
    pdf: bytes
    producer: str  # the PDF's own producer, e.g. "WeasyPrint 70.0"


def _fonts_embedded(reader) -> bool:
    def descriptors(font):
        font = font.get_object()
        if "/FontDescriptor" in font:
            yield font["/FontDescriptor"].get_object()
        for descendant in font.get("/DescendantFonts", []):
            yield from descriptors(descendant)

    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for font in fonts.get_object().values():
            if font.get_object().get("/Subtype") == "/Type3":
                continue  # drawn with PDF operators, nothing to embed
            for descriptor in descriptors(font):
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    return False
    return True


def _pdf_date(value) -> str:
    """A PDF date (D:20240131120000+01'00') as XMP wants it (2024-01-31T12:00:00+01:00)."""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    found = re.match(
        r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?", text
    )
    if not found:
        return ""
    y, mo, d, h, mi, s, sign, oh, om = found.groups()
    stamp = f"{y}-{mo or '01'}-{d or '01'}T{h or '00'}:{mi or '00'}:{s or '00'}"
    if sign in ("Z", "z"):
        return stamp + "Z"
    if sign:
        return f"{stamp}{sign}{oh or '00'}:{om or '00'}"
    return stamp


def _xmp_packet(info) -> bytes:
    """XMP naming PDF/A-2b, with the document information dictionary's values (PDF/A requires
    the two to agree)."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    parts = [
        f'<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        f'pdfaid:part="{PDFA_2B[0]}" pdfaid:conformance="{PDFA_2B[1]}"/>'
    ]
    pdf_ns = 'xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
    xmp_ns = 'xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
    dc_ns = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    if info.get("/Producer"):
        parts.append(
            f'<rdf:Description rdf:about="" {pdf_ns}>'
            f"<pdf:Producer>{escape(str(info['/Producer']))}</pdf:Producer></rdf:Description>"
        )
    if info.get("/Keywords"):
        parts.append(
            f'<rdf:Description rdf:about="" {pdf_ns}>'
            f"<pdf:Keywords>{escape(str(info['/Keywords']))}</pdf:Keywords></rdf:Description>"
        )
    if info.get("/Title"):
        parts.append(
            f'<rdf:Description rdf:about="" {dc_ns}><dc:title><rdf:Alt>'
            f'<rdf:li xml:lang="x-default">{escape(str(info["/Title"]))}</rdf:li>'
            f"</rdf:Alt></dc:title></rdf:Description>"
        )
    if info.get("/Author"):
        parts.append(
            f'<rdf:Description rdf:about="" {dc_ns}><dc:creator><rdf:Seq>'
            f"<rdf:li>{escape(str(info['/Author']))}</rdf:li></rdf:Seq></dc:creator>"
            f"</rdf:Description>"
        )
    if info.get("/Subject"):
        parts.append(
            f'<rdf:Description rdf:about="" {dc_ns}><dc:description><rdf:Alt>'
            f'<rdf:li xml:lang="x-default">{escape(str(info["/Subject"]))}</rdf:li>'
            f"</rdf:Alt></dc:description></rdf:Description>"
        )
    for key, name in (
        ("/Creator", "CreatorTool"),
        ("/CreationDate", "CreateDate"),
        ("/ModDate", "ModifyDate"),
    ):
        if info.get(key):
            value = str(info[key]) if key == "/Creator" else _pdf_date(info[key])
            if value:
                parts.append(
                    f'<rdf:Description rdf:about="" {xmp_ns}>'
                    f"<xmp:{name}>{escape(value)}</xmp:{name}></rdf:Description>"
                )
    body = "".join(parts)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{rdf}">{body}</rdf:RDF>'
        '</x:xmpmeta>\n<?xpacket end="r"?>'
    ).encode()


def _srgb_profile() -> bytes:
    """The sRGB ICC profile WeasyPrint embeds in its own PDF/A output."""
    import weasyprint

    return (Path(weasyprint.__file__).parent / "pdf" / "sRGB2014.icc").read_bytes()


def to_pdfa_2b(pdf: bytes) -> Conversion:
    """The letter `pdf` (a plain PDF made by WeasyPrint) with the PDF/A-2b marks added."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    try:
        reader = PdfReader(io.BytesIO(pdf))
    except Exception as exc:  # pypdf raises several kinds on a broken file
        raise NotConvertible(f"not a readable PDF ({type(exc).__name__})") from None
    if reader.is_encrypted:
        raise NotConvertible("the PDF is encrypted")
    info = reader.metadata or {}
    producer = str(info.get("/Producer") or "")
    if not producer.startswith("WeasyPrint"):
        raise NotConvertible(f"not made by Veiviser's WeasyPrint (producer {producer!r})")
    if not _fonts_embedded(reader):
        raise NotConvertible("a font is not embedded")
    writer = PdfWriter(clone_from=reader)
    # pypdf names itself the producer of what it writes; the letter's producer stays.
    writer.add_metadata({"/Producer": producer})
    root = writer._root_object
    profile = StreamObject()
    profile.set_data(_srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    metadata = StreamObject()
    metadata.set_data(_xmp_packet(writer.metadata or info))
    metadata[NameObject("/Type")] = NameObject("/Metadata")
    metadata[NameObject("/Subtype")] = NameObject("/XML")
    root[NameObject("/Metadata")] = writer._add_object(metadata)
    for page in writer.pages:
        for annotation in page.get("/Annots", []) or []:
            # PDF/A: annotations are printed (flag 3, "Print"), as WeasyPrint sets them.
            annotation.get_object()[NameObject("/F")] = NumberObject(4)
    # PDF/A-2 wants a file identifier in the trailer; 1.7 is the version WeasyPrint declares
    # for its own PDF/A-2 (a plain WeasyPrint PDF may say 1.3: nothing newer is in it).
    writer.pdf_header = "%PDF-1.7"
    writer.generate_file_identifiers()
    out = io.BytesIO()
    writer.write(out)
    return Conversion(pdf=out.getvalue(), producer=producer)
