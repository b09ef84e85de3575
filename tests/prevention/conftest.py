"""The youth factory is shared with tests/exams."""

from tests.exams.conftest import register  # noqa: F401
