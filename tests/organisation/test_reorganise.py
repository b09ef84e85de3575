"""County split and merge: units, staff and youths move with their whole history, and the
tables published before the change are produced again, unchanged, under the old county."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.conftest import at
from veiviser.audit.models import AuditEvent
from veiviser.casework import services as casework
from veiviser.casework.models import Contact, Note
from veiviser.codes.selectors import kodeverk
from veiviser.organisation import reorganise
from veiviser.organisation import services as organisation
from veiviser.organisation.models import County, Municipality, Role, Unit, User
from veiviser.people.models import Person
from veiviser.registry import services as registry
from veiviser.registry.models import CountyChange, Registration, StatusFact
from veiviser.statistics.tables import statistics_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def old_county(db, make_person):
    """County 38 with two units; two youths in each, with facts, a contact and a note."""
    county = organisation.county_ensure(actor=None, number="38", name="Vestfold og Telemark")
    north, _ = organisation.unit_upsert(
        actor=None, county=county, key="u-nord", name="Nord", municipalities=["3803"]
    )
    south, _ = organisation.unit_upsert(
        actor=None, county=county, key="u-sor", name="Sør", municipalities=["3806"]
    )
    staff = organisation.staff_user_create(
        actor=None,
        username="gunn",
        password="pw-123456789",
        role=Role.ADVISOR,
        county=county,
        unit=south,
    )
    for n, unit in enumerate([north, north, south, south]):
        person = make_person(
            birth_date=date(2005, 1, 1 + n), given="Ung", family=f"Nummer{n}", county=county
        )
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=2022,
            registered_on=date(2022, 9, 1),
            reason="not_applied",
            unit=unit,
            recorded_at=at("2022-09-01 08:00"),
        )
        registry.status_record(
            actor=None,
            registration=registration,
            code="OTOV",
            valid_from=date(2022, 10, 1),
            recorded_at=at("2022-10-01 08:00"),
        )
        casework.contact_record(
            actor=None,
            registration=registration,
            at=at("2022-10-01 09:00"),
            channel="phone",
            outcome="reached",
        )
        casework.note_add(actor=None, registration=registration, text="Notat", confidential=False)
    return county, north, south, staff


def table(county: str, known_at=None):
    return statistics_document(kodeverk(), county=county, school_year=2022, known_at=known_at)


def test_split_moves_the_unit_with_its_staff_youths_and_history(old_county, time_machine):
    county, _north, south, staff = old_county
    before = table("38")
    time_machine.move_to("2024-01-01 00:30+01:00", tick=False)
    plan = reorganise.plan(
        source=county,
        target_number="40",
        target_name="Telemark",
        units=[south],
        on=date(2024, 1, 1),
    )
    assert plan.problems == []
    assert plan.counts["registry.registration"] == 2
    assert plan.counts["registry.statusfact"] == 2
    assert plan.counts["casework.contact"] == 2 and plan.counts["casework.note"] == 2
    telemark = reorganise.apply(actor=None, plan=plan)

    assert (telemark.number, telemark.name, telemark.valid_from) == (
        "40",
        "Telemark",
        date(2024, 1, 1),
    )
    assert Unit.objects.get(pk=south.pk).county == telemark
    assert Municipality.objects.get(number="3806").county == telemark
    assert User.objects.get(pk=staff.pk).county == telemark
    moved = Person.objects.filter(county=telemark)
    assert sorted(p.family_name for p in moved) == ["Nummer2", "Nummer3"]
    assert Registration.objects.filter(county=telemark).count() == 2
    assert StatusFact.objects.filter(county=telemark, code="OTOV").count() == 2
    assert Contact.objects.filter(county=telemark).count() == 2
    assert Note.objects.filter(county=telemark).count() == 2
    assert CountyChange.objects.filter(from_county=county, to_county=telemark).count() == 2
    assert County.objects.get(number="38").valid_to is None  # north stays

    # Now: each county counts its own youths.
    assert table("38")["counting_dates"][0]["table1"]["total"] == 2
    assert table("40")["counting_dates"][0]["table1"]["total"] == 2
    # As known before the split, county 38's tables are exactly what was published.
    known = at("2023-12-31 12:00")
    assert table("38", known_at=known)["counting_dates"] == before["counting_dates"]
    assert table("40", known_at=known)["counting_dates"][0]["table1"]["total"] == 0
    event = AuditEvent.objects.get(action="organisation.county.reorganised")
    assert event.data["from"] == "38" and event.data["units"] == ["u-sor"]


def test_merge_moves_every_unit_and_closes_the_old_county(old_county, vestfold):
    county, *_ = old_county
    units = list(county.units.all())
    plan = reorganise.plan(source=county, target_number="39", units=units, on=date(2024, 1, 1))
    assert plan.problems == []
    reorganise.apply(actor=None, plan=plan)
    assert Registration.objects.filter(county=vestfold).count() == 4
    assert County.objects.get(number="38").valid_to == date(2024, 1, 1)


def test_a_key_taken_in_the_target_county_forbids_the_move(old_county, vestfold):
    county, north, *_ = old_county
    organisation.unit_upsert(
        actor=None, county=vestfold, key="u-nord", name="Nord i 39", municipalities=["3901"]
    )
    plan = reorganise.plan(source=county, target_number="39", units=[north], on=date(2024, 1, 1))
    assert any("organisation.unit u-nord already exists in county 39" in p for p in plan.problems)
    with pytest.raises(ValueError):
        reorganise.apply(actor=None, plan=plan)
    assert Unit.objects.get(pk=north.pk).county == county


def test_a_youths_earlier_registration_in_a_staying_unit_forbids_the_move(old_county):
    county, north, south, _ = old_county
    person = Person.objects.get(family_name="Nummer2")
    registration = person.registrations.get()
    # An earlier year in the north unit, then the latest in the south unit.
    registry.registration_create(
        actor=None,
        person=person,
        school_year=2021,
        registered_on=date(2021, 9, 1),
        reason="not_applied",
        unit=north,
    )
    plan = reorganise.plan(
        source=county,
        target_number="40",
        target_name="Telemark",
        units=[south],
        on=date(2024, 1, 1),
    )
    assert registration.unit == south
    assert any("u-nord, which stays" in p for p in plan.problems)


def test_the_command_previews_then_applies(old_county, capsys):
    call_command(
        "county",
        "split",
        "--from",
        "38",
        "--to",
        "40",
        "--name",
        "Telemark",
        "--units",
        "u-sor",
        "--on",
        "2024-01-01",
    )
    out = capsys.readouterr().out
    assert "registry.registration\t2" in out and "preview" in out
    assert not County.objects.filter(number="40").exists()
    call_command(
        "county",
        "split",
        "--from",
        "38",
        "--to",
        "40",
        "--name",
        "Telemark",
        "--units",
        "u-sor",
        "--on",
        "2024-01-01",
        "--apply",
    )
    assert County.objects.get(number="40").units.get().key == "u-sor"
    with pytest.raises(CommandError, match="no unit u-x"):
        call_command(
            "county", "split", "--from", "38", "--to", "40", "--units", "u-x", "--on", "2024-01-01"
        )
