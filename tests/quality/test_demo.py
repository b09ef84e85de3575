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
from veiviser.people.models import Person
from veiviser.quality.demo import CHECK_DATE, FAULTS, seed_faults
from veiviser.quality.rules import RULE_KEYS
from veiviser.quality.selectors import run_check
from veiviser.registry import services as registry
from veiviser.registry.models import Registration
from veiviser.registry.selectors import registration_state

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


def pairs(faults: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(rule, key) for rule, keys in faults.items() for key in keys}


def build_demo(settings, *args: str) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.ALLOW_SYNTHETIC_FNR = True
    call_command("demo", *args, stdout=StringIO(), stderr=StringIO())


def test_in_the_built_demo_the_check_finds_exactly_the_known_faults(settings):
    """The built demo county at 15 June 2025: every (rule, registration) the check finds is a
    fault made on purpose, by the generator (`generator.known_faults`: youths not reached
    yet, registered without a number, registered twice, followed up past the age limit) or
    by `seed_faults` (one or two of each rule), and every such fault is found. Fixing one
    removes it and nothing else."""
    from veiviser.demo import generator
    from veiviser.organisation.models import County
    from veiviser.quality.demo import demo_faults

    build_demo(settings)
    county = County.objects.get(number="39")
    expected = pairs(demo_faults(generator.DEFAULT_SEED))
    found = pairs(findings(county))
    assert found - expected == set(), "found, but not made on purpose"
    assert expected - found == set(), "made on purpose, but not found"
    made = {rule for rule, key in expected if not key.startswith("kvalitet-")}
    assert made == set(generator.FAULT_RULES)  # the generator's own faults are there too

    # Fix two of the generator's faults: reach a youth still OTUK, find a youth's number.
    otuk = min(k for r, k in expected if r == "otuk_past_deadline" and k.startswith("r-"))
    registration = _registration(otuk)
    registry.status_record(
        actor=None, registration=registration, code="OTOV", valid_from=date(2025, 6, 12)
    )
    unnumbered = min(k for r, k in expected if r == "no_identity_number" and k.startswith("r-"))
    person = _registration(unnumbered).person
    individual = 990
    while Person.objects.filter(fnr=synthetic_fnr(person.birth_date, individual)).exists():
        individual -= 1
    people.person_update(
        actor=None, person=person, fnr=synthetic_fnr(person.birth_date, individual)
    )
    fixed = {("otuk_past_deadline", otuk), ("no_identity_number", unnumbered)}
    assert pairs(findings(county)) == expected - fixed


def test_a_youth_moves_between_the_two_demo_counties(settings, client):
    """The demo's youth who moved from Vestfold (39) to Telemark (40), with consent: sent from
    the youth page in 39 by the advisor, received in 40 by the office, who sees a new
    registration from another county and the history read-only; audited on both sides."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from veiviser.audit.models import AuditEvent
    from veiviser.casework.models import Consent, PartnerKind
    from veiviser.organisation.models import User
    from veiviser.quality.models import ReceivedTransfer, SentTransfer
    from veiviser.registry.models import Source

    build_demo(settings, "--scale", "0.1")
    consent = Consent.objects.select_related("registration__person", "registration__advisor").get(
        partner_kind=PartnerKind.OTHER_COUNTY, county__number="39"
    )
    moved = consent.registration
    year_end = date(moved.school_year + 1, 7, 31)
    assert registration_state(kodeverk(), moved, year_end).status == "OTFA_IM"
    client.force_login(moved.advisor)
    # The advisor opens the transfer form (made on demand: `?endre=` is its no-script link).
    youth = reverse("web:youth", args=[moved.person_id])
    page = client.get(f"{youth}?endre=transfer-{moved.pk}").content.decode()
    send = reverse("web:transfer-send", args=[moved.pk])
    assert send in page
    response = client.post(send, {"to_county": "40"})
    assert response.status_code == 200, response.content.decode()
    content = response.content
    sent = SentTransfer.objects.get()
    assert (sent.registration, sent.to_county, sent.consent) == (moved, "40", consent)

    office = User.objects.get(username="kontor-telemark")
    grenland = office.county.units.get(key="u-gren")
    client.force_login(office)
    upload = SimpleUploadedFile("overforing.jsonl", content, content_type="application/jsonl")
    response = client.post(reverse("web:transfer-receive"), {"file": upload, "unit": grenland.pk})
    assert response.status_code == 302
    received = ReceivedTransfer.objects.select_related("registration__person").get()
    new = received.registration
    assert (new.county, new.unit, new.source) == (office.county, grenland, Source.OTHER_COUNTY)
    assert new.person.fnr == moved.person.fnr and new.person.county == office.county
    # Complete: every registration of the youth in 39 with every status fact, as sent.
    sent_history = {
        r.key: sorted(f.code for f in r.status_facts.all())
        for r in Registration.objects.filter(person=moved.person)
    }
    assert {
        r["id"]: sorted(s["code"] for s in r["statuses"]) for r in received.history["registrations"]
    } == sent_history
    # Read-only in 40: the history is shown on the youth page, not made into 40's facts.
    assert [f.code for f in new.status_facts.all()] in ([], ["OTUK"])
    # The office has no caseload: the youth page asks for a reason first (break the glass).
    page = client.post(response.url, {"reason": "Mottatt overføring"}, follow=True)
    page = page.content.decode()
    assert f'data-transfer="{received.transfer_id}"' in page and "OTFA_IM" in page
    assert AuditEvent.objects.filter(action="quality.transfer.sent", county="39").count() == 1
    assert AuditEvent.objects.filter(action="quality.transfer.received", county="40").count() == 1
