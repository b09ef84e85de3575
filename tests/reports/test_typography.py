from datetime import date

from veiviser.reports import markdown, typography


def test_thousands_have_a_narrow_no_break_space():
    assert typography.number(2113) == "2\u202f113"
    assert typography.number(934) == "934"
    assert typography.number(1234567) == "1\u202f234\u202f567"


def test_a_suppressed_number_is_a_dash():
    assert typography.number(None) == "–"
    assert typography.percent(None) == "–"


def test_percent_has_a_decimal_comma_and_a_no_break_space():
    assert typography.percent(0.56) == "56\u00a0%"
    assert typography.percent(0.5634, 1) == "56,3\u00a0%"


def test_dates_have_the_month_in_words():
    assert typography.long_date(date(2023, 11, 15)) == "15. november 2023"
    assert typography.long_date(date(2024, 2, 15)) == "15. februar 2024"


def test_markdown_is_rendered():
    html = markdown.to_html("# Tittel\n\nEn **viktig** [lenke](https://udir.no).")
    assert "<h3>Tittel</h3>" in html
    assert "<strong>viktig</strong>" in html
    assert 'href="https://udir.no"' in html


def test_markdown_cannot_carry_scripts_or_javascript_links():
    html = markdown.to_html(
        '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )
    assert "<script" not in html
    assert "href" not in html  # the javascript: link is not a link
    assert "<img" not in html  # raw HTML is text, not markup


def test_the_sanitiser_removes_what_markdown_could_let_through():
    html = markdown.nh3.clean(
        '<a href="javascript:alert(1)" onclick="x()">a</a><iframe src="x"></iframe>',
        tags=markdown.TAGS,
        attributes=markdown.ATTRIBUTES,
        url_schemes=markdown.URL_SCHEMES,
    )
    assert "javascript" not in html and "onclick" not in html and "iframe" not in html
