"""Intake files for the tests: synthetic youths only (month + 80 identity numbers)."""

from datetime import date

import pytest

from tests.conftest import synthetic_fnr
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

HEADER = [
    "Fødselsnummer",
    "Fornavn",
    "Etternavn",
    "Fødselsdato",
    "Kommunenr",
    "Skoleår",
    "Årsak",
    "Registrert dato",
]


def row(
    birth=date(2007, 4, 2),
    given="Nora",
    family="Prøvesen",
    municipality="3905",
    school_year="2024/25",
    reason="OSON",
    registered="20.08.2024",
    fnr=None,
):
    return [
        synthetic_fnr(birth) if fnr is None else fnr,
        given,
        family,
        birth.strftime("%d.%m.%Y"),
        municipality,
        school_year,
        reason,
        registered,
    ]


def csv_bytes(rows, header=HEADER, encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(";".join(cells) for cells in [header, *rows]) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.fixture
def office(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="kontor",
        password="not-a-real-password-1",
        role=Role.OFFICE,
        county=vestfold,
    )


@pytest.fixture
def coordinator(vestfold, tonsberg):
    return organisation.staff_user_create(
        actor=None,
        username="trine",
        password="not-a-real-password-1",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=tonsberg,
    )


@pytest.fixture
def telemark_office(telemark):
    return organisation.staff_user_create(
        actor=None,
        username="kontor-tm",
        password="not-a-real-password-1",
        role=Role.OFFICE,
        county=telemark,
    )
