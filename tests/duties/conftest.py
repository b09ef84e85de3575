import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """These tests quote the English source texts; bokmål is tested where it is named."""
    with translation.override("en"):
        yield
