"""The office of the intake tests serves the Udir tests too."""

from tests.intake.conftest import office  # noqa: F401 (a fixture)
