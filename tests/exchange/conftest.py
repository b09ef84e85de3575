import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """These tests quote the English source texts of the messages; the installation's own
    language (bokmål) is tested where it is named, under translation.override("nb")."""
    with translation.override("en"):
        yield
