"""Letters as HTML and PDF: one HTML document (templates/letters/letter.html, with a print
stylesheet) rendered to PDF by WeasyPrint (ARCHITECTURE.md: one layout for screen and print).

A template's body is Django template HTML edited by the administrator. It is rendered by an
engine of its own that loads no other templates, with a fixed, documented set of variables
(`VARIABLES`, docs/letters.md), and always in bokmål (dates, month names).
"""

import logging
from datetime import date, datetime

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe

# WeasyPrint reports every layout step at INFO; a batch of letters would flood the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The variables a letter text may use, with what they hold (docs/letters.md repeats them).
VARIABLES = {
    "youth_name": "the youth's full name",
    "youth_given_name": "the youth's given name",
    "recipient_name": "who the letter is addressed to (the youth or a guardian)",
    "advisor_name": "the advisor's name (or the unit's name when none is assigned)",
    "advisor_assigned": "whether an advisor is assigned (for {% if %}: e.g. the signature)",
    "advisor_phone": "the advisor's phone for letters, else the unit's",
    "advisor_email": "the advisor's e-mail, else the unit's",
    "unit_name": "the responsible OT unit",
    "unit_address": "the unit's address (from its letter contact details)",
    "unit_phone": "the unit's phone",
    "county_name": "the letterhead's sender (the county)",
    "date": "the letter's date, e.g. 3. mars 2025",
    "appointment_time": "appointment letters: when, e.g. tirsdag 4. mars 2025 kl. 10:00",
    "appointment_place": "appointment letters: where",
}

# No loaders and no app templates: a letter text cannot include or extend other templates.
_ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], autoescape=True)


def check_body(body: str) -> str | None:
    """None when `body` is a valid letter text, else what is wrong (for the admin form)."""
    try:
        _ENGINE.from_string(body)
    except TemplateSyntaxError as error:
        return str(error)
    return None


def nb_date(value: date) -> str:
    with translation.override("nb"):
        return formats.date_format(value, "j. F Y")


def nb_datetime(value: datetime) -> str:
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    with translation.override("nb"):
        return formats.date_format(value, "l j. F Y \\k\\l. H:i")


def postal_address(address: str) -> str:
    """An address as the lines of a letter's address block: the parts of a one-line address
    ("Storgata 1, 3110 Tønsberg", as people.Person and Guardian hold it) on lines of their
    own, post code and place last."""
    parts = [part.strip() for line in address.splitlines() for part in line.split(",")]
    return "\n".join(part for part in parts if part)


def render_body(body: str, variables: dict) -> str:
    with translation.override("nb"):
        return _ENGINE.from_string(body).render(Context(variables))


def letter_html(
    *, title: str, body: str, variables: dict, letterhead: dict, recipient: dict
) -> str:
    """The whole letter as an HTML document: letterhead, recipient block, date, title, text."""
    with translation.override("nb"):
        return render_to_string(
            "letters/letter.html",
            {
                "title": render_body(title, variables),
                "body": mark_safe(render_body(body, variables)),
                "letterhead": letterhead,
                "recipient": recipient,
                "date": variables.get("date", ""),
            },
        )


# Every PDF Veiviser keeps or hands out is PDF/A-2b (ISO 19005-2, level B), an archival format
# Arkivverket accepts (riksarkivarens forskrift § 5-17): a letter goes into the Noark 5 archive
# extract exactly as it was sent (docs/privacy.md).
PDF_VARIANT = "pdf/a-2b"


def html_to_pdf(html: str) -> bytes:
    """The PDF/A-2b of an HTML document (A4, the print CSS in the document)."""
    from weasyprint import HTML  # imported here: loading pango is slow and only letters need it

    return HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)


def pdf_text(pdf_html: str) -> tuple[int, str]:
    """The number of pages and the text WeasyPrint lays out for `pdf_html` (for tests and
    checks: the same layout the PDF is written from, without a PDF parser)."""
    from weasyprint import HTML

    document = HTML(string=pdf_html).render()
    texts = []

    def walk(box):
        text = getattr(box, "text", None)
        if text:
            texts.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return len(document.pages), " ".join(texts)
