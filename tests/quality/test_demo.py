"""The demo's known faults: each appears in the check under its rule and nothing else does;
fixing a fault removes it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from veiviser.casework import services as casework
from veiviser.casework.models import Channel, Outcome
from veiviser.codes.selectors import kodeverk
from veiviser.people import identity
from veiviser.people import services as people
from veiviser.quality.demo import CHECK_DATE, FAULTS, seed_faults
from veiviser.quality.rules import RULE_KEYS
from veiviser.quality.selectors import run_check
from veiviser.registry import services as registry
from veiviser.registry.models import Registration

from ..conftest import synthetic_fnr

pytestmark = pytest.mark.django_db


def findings(county) -> dict[str, set[str]]:
    return {
        result.rule.key: {f.registration_key for f in result.findings}
        for result in run_check(kodeverk(), county=county, on=CHECK_DATE)
    }


@pytest.fixture
def seeded(vestfold, tonsberg, horten):
    return seed_faults(vestfold, seed=7)


def test_every_seeded_fault_appears_under_its_rule_and_nothing_else(vestfold, seeded):
    assert {rule: len(keys) for rule, keys in seeded.items()} == FAULTS
    found = findings(vestfold)
    for rule in RULE_KEYS:
        assert found[rule] == set(seeded.get(rule, [])), rule


def test_seeding_is_deterministic_from_the_seed(vestfold, seeded):
    people_seeded = sorted(
        Registration.objects.filter(key__startswith="kvalitet-").values_list(
            "key", "person__given_name", "person__family_name", "person__birth_date"
        )
    )
    assert len(people_seeded) == sum(FAULTS.values())
    assert len({(g, f, b) for _k, g, f, b in people_seeded}) == len(people_seeded) - 1


def _registration(key: str) -> Registration:
    return Registration.objects.select_related("person").get(key=key)


def test_fixing_a_fault_removes_it(vestfold, seeded):
    oslo = ZoneInfo("Europe/Oslo")
    otuk = _registration(seeded["otuk_past_deadline"][0])
    registry.status_record(actor=None, registration=otuk, code="OTOV", valid_from=date(2025, 6, 2))
    stale = _registration(seeded["stale_status"][0])
    casework.contact_record(
        actor=None,
        registration=stale,
        at=datetime(2025, 6, 3, 10, tzinfo=oslo),
        channel=Channel.PHONE,
        outcome=Outcome.REACHED,
    )
    unnumbered = _registration(seeded["no_identity_number"][0]).person
    people.person_update(
        actor=None, person=unnumbered, fnr=synthetic_fnr(unnumbered.birth_date, 700)
    )
    twin = _registration(seeded["likely_duplicate"][1]).person
    people.person_update(
        actor=None,
        person=twin,
        birth_date=date(2007, 6, 7),
        fnr=synthetic_fnr(date(2007, 6, 7), 700),
    )
    mismatch = _registration(seeded["birth_date_mismatch"][0]).person
    true_birth = identity.parse(mismatch.fnr, allow_synthetic=True).birth_date
    people.person_update(actor=None, person=mismatch, birth_date=true_birth)
    too_old = _registration(seeded["outside_age_in_groups_1_4"][0])
    registry.status_record(
        actor=None, registration=too_old, code="OTAR_IM", valid_from=date(2025, 6, 1)
    )

    found = findings(vestfold)
    fixed = {
        "otuk_past_deadline": otuk.key,
        "stale_status": stale.key,
        "no_identity_number": seeded["no_identity_number"][0],
        "birth_date_mismatch": seeded["birth_date_mismatch"][0],
        "outside_age_in_groups_1_4": too_old.key,
    }
    for rule, key in fixed.items():
        assert key not in found[rule], rule
        assert found[rule] == set(seeded[rule]) - {key}, rule
    assert found["likely_duplicate"] == set()
    assert found["no_unit"] == set(seeded["no_unit"])


def test_in_the_built_demo_every_seeded_fault_is_found_under_its_rule_only(settings):
    """The demo's own synthetic data has faults of its own (youths registered without a number
    and their duplicates, statuses without later contacts): real findings, listed beside the
    seeded ones. Each seeded registration is found under its rule and under no other."""
    from io import StringIO

    from django.core.management import call_command

    from veiviser.organisation.models import County

    settings.ALLOW_SYNTHETIC_FNR = True
    call_command("demo", stdout=StringIO(), stderr=StringIO())
    found = findings(County.objects.get(number="39"))
    seeded_keys = set(
        Registration.objects.filter(key__startswith="kvalitet-").values_list("key", flat=True)
    )
    assert len(seeded_keys) == sum(FAULTS.values())
    for key in seeded_keys:
        rule = key.removeprefix("kvalitet-").rsplit("-", 1)[0]
        assert key in found[rule], key
        assert [r for r in RULE_KEYS if key in found[r]] == [rule], key
