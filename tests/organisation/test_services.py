"""Writes to the organisation: counties, units and their municipalities, staff users."""

import pytest

from veiviser.audit.models import AuditEvent
from veiviser.organisation import services as organisation
from veiviser.organisation.models import County, Municipality, Role

pytestmark = pytest.mark.django_db


def upsert(county, key="u-tbg", name="Tønsberg", municipalities=("3905",)):
    return organisation.unit_upsert(
        actor=None, county=county, key=key, name=name, municipalities=list(municipalities)
    )


def unit_of(county, number: str):
    return Municipality.objects.get(county=county, number=number).unit


# county_ensure


def test_county_ensure_creates_the_county_once():
    first = organisation.county_ensure(actor=None, number="39", name="Vestfold")
    again = organisation.county_ensure(actor=None, number="39", name="Vestfold")
    assert first == again
    assert County.objects.count() == 1
    assert AuditEvent.objects.filter(action="organisation.county.created").count() == 1


# unit_upsert


def test_unit_upsert_creates_a_new_unit(vestfold):
    unit, outcome = upsert(vestfold)
    assert outcome == "created"
    assert (unit.key, unit.name, unit.county) == ("u-tbg", "Tønsberg", vestfold)
    assert unit_of(vestfold, "3905") == unit


def test_unit_upsert_audits_a_created_unit(vestfold):
    unit, _ = upsert(vestfold)
    event = AuditEvent.objects.get(action="organisation.unit.created")
    assert event.object_id == str(unit.pk)
    assert event.data == {"name": "Tønsberg", "municipalities": ["3905"]}


def test_unit_upsert_with_the_same_data_is_unchanged_and_not_audited(vestfold):
    upsert(vestfold)
    events = AuditEvent.objects.count()
    _, outcome = upsert(vestfold)
    assert outcome == "unchanged"
    assert AuditEvent.objects.count() == events


def test_unit_upsert_renames_the_unit(vestfold):
    created, _ = upsert(vestfold)
    unit, outcome = upsert(vestfold, name="Tønsberg og Færder")
    assert outcome == "updated"
    assert unit.pk == created.pk
    assert unit.name == "Tønsberg og Færder"
    assert AuditEvent.objects.filter(action="organisation.unit.updated").count() == 1


def test_unit_upsert_adding_a_municipality_is_an_update(vestfold):
    unit, _ = upsert(vestfold)
    _, outcome = upsert(vestfold, municipalities=["3905", "3911"])
    assert outcome == "updated"
    assert unit_of(vestfold, "3911") == unit


def test_unit_upsert_moves_a_municipality_from_another_unit(vestfold):
    upsert(vestfold, municipalities=["3911"])
    horten, _ = upsert(vestfold, key="u-hor", name="Horten", municipalities=["3901", "3905"])
    tonsberg, outcome = upsert(vestfold, municipalities=["3911", "3905"])
    assert outcome == "updated"
    assert unit_of(vestfold, "3905") == tonsberg
    assert unit_of(vestfold, "3901") == horten
    event = AuditEvent.objects.filter(action="organisation.unit.updated").get()
    assert event.data["municipalities"] == ["3905"]


def test_unit_upsert_keeps_municipalities_no_longer_listed(vestfold):
    unit, _ = upsert(vestfold, municipalities=["3905", "3911"])
    upsert(vestfold, municipalities=["3905"])
    assert unit_of(vestfold, "3911") == unit


def test_unit_keys_are_per_county(vestfold, telemark):
    ours, _ = upsert(vestfold, key="u-1", name="Tønsberg", municipalities=["3905"])
    theirs, outcome = upsert(telemark, key="u-1", name="Grenland", municipalities=["4003"])
    assert outcome == "created"
    assert ours.pk != theirs.pk


# staff_user_create


def test_staff_user_create_gives_the_role_county_and_unit(vestfold, tonsberg):
    user = organisation.staff_user_create(
        actor=None,
        username="kari",
        password="not-a-real-password-1",
        role=Role.ADVISOR,
        county=vestfold,
        unit=tonsberg,
    )
    assert (user.role, user.county, user.unit) == ("advisor", vestfold, tonsberg)
    assert user.is_staff
    assert not user.is_superuser
    assert user.check_password("not-a-real-password-1")


def test_administrator_is_superuser(vestfold):
    user = organisation.staff_user_create(
        actor=None,
        username="admin",
        password="not-a-real-password-1",
        role=Role.ADMINISTRATOR,
        county=vestfold,
    )
    assert user.is_superuser


def test_staff_user_create_refuses_an_unknown_role(vestfold):
    with pytest.raises(ValueError, match="not a role"):
        organisation.staff_user_create(
            actor=None, username="x", password="not-a-real-password-1", role="boss", county=vestfold
        )


def test_staff_user_create_is_audited_without_the_password(vestfold, advisor):
    user = organisation.staff_user_create(
        actor=advisor,
        username="leder",
        password="not-a-real-password-3",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )
    event = AuditEvent.objects.get(action="organisation.user.created", object_id=str(user.pk))
    assert event.actor == advisor
    assert event.county == "39"
    assert event.data == {"role": "county_leader"}


# municipality_name


def test_municipality_name_is_set_once_and_audited(vestfold):
    organisation.municipality_name(actor=None, county=vestfold, number="3905", name="Tønsberg")
    organisation.municipality_name(actor=None, county=vestfold, number="3905", name="Tønsberg")
    assert Municipality.objects.get(county=vestfold, number="3905").name == "Tønsberg"
    assert AuditEvent.objects.filter(action="organisation.municipality.named").count() == 1
