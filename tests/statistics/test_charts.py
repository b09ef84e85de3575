"""The SVG charts: well-formed standalone XML, accessible (role, title, desc), every number
printed and in the text alternative, colours with enough contrast."""

import xml.etree.ElementTree as ET

import pytest

from veiviser.statistics import charts

NS = {"svg": charts.SVG_NS}

DOCUMENT = {
    "county": "39",
    "school_year": 2023,
    "known_at": None,
    "suppressed": False,
    "counting_dates": [
        {
            "date": "2023-11-15",
            "table1": {
                "not_applied": 669,
                "declined": 157,
                "dropped_out": 363,
                "other": 362,
                "total": 1551,
            },
            "table2": {
                "group1": 36,
                "group2": 196,
                "group3": 467,
                "group4": 189,
                "target_group": 888,
                "not_in_target_group": 663,
                "outside_age": 10,
                "total": 1551,
            },
        },
        {
            "date": "2024-06-15",
            "table1": {
                "not_applied": 701,
                "declined": 163,
                "dropped_out": 526,
                "other": 600,
                "total": 1990,
            },
            "table2": {
                "group1": None,
                "group2": 160,
                "group3": 474,
                "group4": None,
                "target_group": 825,
                "not_in_target_group": 1165,
                "outside_age": 118,
                "total": 1990,
            },
        },
    ],
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{{{charts.SVG_NS}}}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iterfind(".//svg:text", NS)]


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_table1_chart_is_an_accessible_standalone_svg():
    root = parse(charts.table1_chart(DOCUMENT))
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("viewBox")
    shown = texts(root)
    for value in (669, 157, 363, 362, 701, 163, 526, 600):
        assert str(value) in shown
        assert str(value) in desc.text
    # The legend names every series in text; the dates label the groups.
    for label in ("Ikke søkt opplæring", "Takket nei til opplæring", "Avbrutt opplæring"):
        assert label in shown
    assert "15.11.2023" in shown and "15.6.2024" in shown
    assert len(root.findall("svg:rect[svg:title]", NS)) == 8


def test_table2_chart_marks_suppressed_values_without_a_bar():
    root = parse(charts.table2_chart(DOCUMENT, id_prefix="t2"))
    assert root.find("svg:title", NS).get("id") == "t2-title"
    desc = root.find("svg:desc", NS).text
    assert "prikket" in desc
    bars = root.findall("svg:rect[svg:title]", NS)
    assert len(bars) == 10 - 2  # 5 series × 2 dates, two suppressed
    assert charts.SUPPRESSED_MARK in texts(root)
    for value in ("36", "196", "467", "189", "10", "160", "474", "118"):
        assert value in texts(root)


def test_the_text_is_escaped():
    svg = charts.bar_chart(
        title="A & B <c>", categories=["x<y"], series=[("s & t", [3])], id_prefix="e"
    )
    root = parse(svg)
    assert root.find("svg:title", NS).text == "A & B <c>"
    assert "x<y" in texts(root)


def test_large_numbers_and_an_empty_chart():
    root = parse(charts.bar_chart(title="T", categories=["a"], series=[("s", [12345])]))
    assert "12\u202f345" in texts(root)
    root = parse(charts.bar_chart(title="T", categories=["a", "b"], series=[("s", [0, None])]))
    assert "0" in texts(root)


def test_mismatched_series_are_refused():
    with pytest.raises(ValueError):
        charts.bar_chart(title="T", categories=["a", "b"], series=[("s", [1])])


def test_colours_have_enough_contrast():
    for colour in charts.PALETTE:
        assert contrast(colour, charts.BACKGROUND) >= 4.5  # ≥ 3:1 needed for graphics
    assert contrast(charts.TEXT, charts.BACKGROUND) >= 7
    assert contrast(charts.AXIS, charts.BACKGROUND) >= 3
