"""The calendar file's text rules (RFC 5545): escaping and folding at 75 octets."""

from hypothesis import given
from hypothesis import strategies as st

from veiviser.public.ics import _text, fold


def test_text_values_are_escaped():
    assert _text("Møterom 2; bygg A, inngang\\B\nTa med ID") == (
        "Møterom 2\\; bygg A\\, inngang\\\\B\\nTa med ID"
    )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400))
def test_folded_lines_are_short_and_unfold_to_the_original(value):
    line = "DESCRIPTION:" + value
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line
