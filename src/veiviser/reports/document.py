"""The annual report as one HTML document (and its PDF): every registered section rendered in
order, in bokmål, with the table of contents built from the sections' titles. The same HTML is
the web version and, through WeasyPrint, the PDF (ARCHITECTURE.md: one layout for both)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from veiviser.reports.sections import ReportContext, sections
from veiviser.reports.typography import school_year_text

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# WeasyPrint's PDF/UA-1 variant: a tagged PDF (structure tree, document language, title shown
# in the window), the accessible PDF the law asks of public documents.
PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class Built:
    html: str
    numbers: dict
    narratives: dict[str, int]


def build(ctx: ReportContext, *, progress: Callable[[int, int], None] | None = None) -> Built:
    """Render every section; `progress(done, total)` after each. Returns the HTML, the published
    numbers of each section and the narrative versions used."""
    chosen = sections()
    rendered, entries, collected = [], [], {}
    chapter = 0
    with translation.override("nb"):
        for done, section in enumerate(chosen, start=1):
            context = section.provider(ctx)
            if section.in_contents:
                chapter += 1
            entry = {
                "key": section.key,
                "anchor": f"kap-{section.key.replace('_', '-')}",
                "title": str(section.title),
                "number": chapter if section.in_contents else None,
                "in_contents": section.in_contents,
            }
            entries.append(entry)
            if "numbers" in context:
                collected[section.key] = context["numbers"]
            rendered.append((section, entry, context))
            if progress is not None:
                progress(done, len(chosen))
        body = []
        for section, entry, context in rendered:
            if section.key == "contents":
                context = {**context, "entries": [e for e in entries if e["in_contents"]]}
            body.append(
                render_to_string(
                    section.template,
                    {
                        **context,
                        "section": entry,
                        "county": ctx.county,
                        "school_year": ctx.school_year,
                        "year_label": school_year_text(ctx.school_year),
                    },
                )
            )
        html = render_to_string(
            "reports/report.html",
            {
                "county": ctx.county,
                "school_year": ctx.school_year,
                "year_label": school_year_text(ctx.school_year),
                "known_at": ctx.known_at,
                "body": mark_safe("\n".join(body)),
            },
        )
    versions = {key: narrative.version for key, narrative in sorted(ctx.narratives.items())}
    return Built(html=html, numbers=collected, narratives=versions)


def to_pdf(html: str) -> bytes:
    """The PDF of the report's HTML: A4, tagged, PDF/UA-1."""
    from weasyprint import HTML  # loading pango is slow: only when a PDF is made

    return HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)
