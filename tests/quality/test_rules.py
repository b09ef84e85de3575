"""Each rule of the pre-submission check flags what it says and leaves its twin alone."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from veiviser.casework import services as casework
from veiviser.casework.models import Channel, Outcome
from veiviser.codes.selectors import kodeverk
from veiviser.people.models import Person
from veiviser.quality import measures
from veiviser.quality.rules import RULE_KEYS, months_before
from veiviser.quality.selectors import run_check
from veiviser.statistics.tables import DateOutsideSchoolYear

pytestmark = pytest.mark.django_db

NOV = date(2024, 11, 15)
JUN = date(2025, 6, 15)


def flagged(county, on, rule, **kw) -> set[int]:
    results = {r.rule.key: r for r in run_check(kodeverk(), county=county, on=on, **kw)}
    return {f.registration_id for f in results[rule].findings}


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert months_before(date(2025, 6, 15), 6) == date(2024, 12, 15)
    assert months_before(date(2025, 8, 31), 6) == date(2025, 2, 28)
    assert months_before(date(2025, 1, 10), 1) == date(2024, 12, 10)


def test_the_rules_come_in_a_fixed_order():
    assert RULE_KEYS == (
        "otuk_past_deadline",
        "stale_status",
        "no_identity_number",
        "likely_duplicate",
        "birth_date_mismatch",
        "outside_age_in_groups_1_4",
        "group3_without_measure",
        "no_unit",
    )


def test_otuk_older_than_the_first_contact_deadline_is_flagged(vestfold, register):
    old = register(registered_on=date(2024, 11, 1))
    fresh = register(registered_on=date(2024, 11, 12))
    contacted = register(registered_on=date(2024, 11, 1), statuses=[("OTOV", date(2024, 11, 5))])
    found = flagged(vestfold, NOV, "otuk_past_deadline")
    assert old.pk in found
    assert fresh.pk not in found
    assert contacted.pk not in found


def test_a_status_without_contact_for_longer_than_the_county_setting_is_stale(vestfold, register):
    stale = register(statuses=[("OTOV", date(2024, 9, 1))])
    recent = register(statuses=[("OTOV", date(2025, 3, 1))])
    reached = register(statuses=[("OTOV", date(2024, 9, 1))])
    casework.contact_record(
        actor=None,
        registration=reached,
        at=datetime(2025, 4, 1, 10, tzinfo=ZoneInfo("Europe/Oslo")),
        channel=Channel.PHONE,
        outcome=Outcome.REACHED,
    )
    found = flagged(vestfold, JUN, "stale_status")
    assert stale.pk in found
    assert recent.pk not in found
    assert reached.pk not in found


def test_the_stale_months_are_the_countys_setting(vestfold, register):
    from veiviser.quality.services import quality_settings_ensure

    registration = register(statuses=[("OTOV", date(2025, 3, 1))])
    assert registration.pk not in flagged(vestfold, JUN, "stale_status")
    settings = quality_settings_ensure(actor=None, county=vestfold)
    settings.stale_months = 2
    settings.save()
    assert registration.pk in flagged(vestfold, JUN, "stale_status")


def test_an_unanswered_attempt_does_not_refresh_a_status(vestfold, register):
    registration = register(statuses=[("OTOV", date(2024, 9, 1))])
    casework.contact_record(
        actor=None,
        registration=registration,
        at=datetime(2025, 4, 1, 10, tzinfo=ZoneInfo("Europe/Oslo")),
        channel=Channel.SMS,
        outcome=Outcome.NO_ANSWER,
    )
    assert registration.pk in flagged(vestfold, JUN, "stale_status")


def test_a_youth_without_identity_number_is_flagged(vestfold, register):
    without = register(fnr=None)
    with_number = register()
    found = flagged(vestfold, NOV, "no_identity_number")
    assert without.pk in found
    assert with_number.pk not in found


def test_same_name_and_birth_date_are_likely_duplicates(vestfold, register):
    first = register(given="Aud", family="Dobbel", birth_date=date(2007, 5, 5))
    second = register(given="aud", family="DOBBEL", birth_date=date(2007, 5, 5), fnr=None)
    other = register(given="Aud", family="Dobbel", birth_date=date(2007, 5, 6))
    found = flagged(vestfold, NOV, "likely_duplicate")
    assert {first.pk, second.pk} <= found
    assert other.pk not in found


def test_a_birth_date_that_disagrees_with_the_number_is_flagged(vestfold, register):
    wrong = register()
    right = register()
    # Legacy data from before the check: the services refuse this, so write it directly.
    Person.objects.filter(pk=wrong.person_id).update(birth_date=date(2006, 2, 2))
    found = flagged(vestfold, NOV, "birth_date_mismatch")
    assert wrong.pk in found
    assert right.pk not in found


def test_outside_the_age_limit_in_groups_1_to_4_is_flagged(vestfold, register):
    old = register(birth_date=date(1995, 4, 4), statuses=[("OTOV", date(2024, 9, 1))])
    old_in_group_5 = register(birth_date=date(1995, 4, 5), statuses=[("OTAR_IM", date(2024, 9, 1))])
    young = register(statuses=[("OTOV", date(2024, 9, 1))])
    found = flagged(vestfold, NOV, "outside_age_in_groups_1_4")
    assert old.pk in found
    assert old_in_group_5.pk not in found
    assert young.pk not in found


def test_group3_without_measure_asks_the_measures_app(vestfold, tonsberg, register):
    from veiviser.measures import services as measures_services

    enrolled = register(statuses=[("OTOA", date(2024, 9, 1))])
    ended = register(statuses=[("OTOA", date(2024, 9, 1))])
    measure = measures_services.measure_create(
        actor=None,
        county=vestfold,
        unit=tonsberg,
        name="Grunnleggende ferdigheter",
        kind="basic_skills",
        organiser="county",
        capacity=10,
        starts_on=date(2024, 9, 1),
        ends_on=date(2025, 6, 20),
        responsible=None,
    )
    for registration, ends_on in ((enrolled, None), (ended, date(2024, 10, 31))):
        measures_services.enrolment_create(
            actor=None,
            registration=registration,
            measure=measure,
            starts_on=date(2024, 9, 2),
            ends_on=ends_on,
            end_reason="completed" if ends_on else "",
            propose=False,
        )
    assert set(measures.registrations_with_measure(county_id=vestfold.pk, on=NOV)) == {enrolled.pk}
    found = flagged(vestfold, NOV, "group3_without_measure")
    assert ended.pk in found and enrolled.pk not in found


def test_group3_without_measure_uses_the_measures_interface(vestfold, register, monkeypatch):
    without = register(statuses=[("OTOA", date(2024, 9, 1))])
    with_measure = register(statuses=[("OTKO", date(2024, 9, 1))])
    in_work = register(statuses=[("OTAR", date(2024, 9, 1))])
    monkeypatch.setattr(
        measures, "registrations_with_measure", lambda *, county_id, on: [with_measure.pk]
    )
    found = flagged(vestfold, NOV, "group3_without_measure")
    assert without.pk in found
    assert with_measure.pk not in found
    assert in_work.pk not in found


def test_a_registration_without_unit_is_flagged(vestfold, register):
    nowhere = register(unit=None)
    somewhere = register()
    found = flagged(vestfold, NOV, "no_unit")
    assert nowhere.pk in found
    assert somewhere.pk not in found


def test_only_registrations_counted_at_the_date_are_checked(vestfold, register):
    later = register(registered_on=date(2024, 12, 1), unit=None)
    assert later.pk not in flagged(vestfold, NOV, "no_unit")


def test_a_coordinator_sees_only_the_findings_of_the_own_unit(vestfold, register, horten):
    from veiviser.organisation import services as organisation
    from veiviser.organisation.models import Role

    coordinator = organisation.staff_user_create(
        actor=None,
        username="trine",
        password="pw-123456789",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=horten,
    )
    in_horten = register(fnr=None, unit=horten)
    in_tonsberg = register(fnr=None)
    found = flagged(vestfold, NOV, "no_identity_number", user=coordinator)
    assert found == {in_horten.pk}
    assert in_tonsberg.pk not in found


def test_a_date_outside_any_known_school_year_is_refused(vestfold):
    with pytest.raises((DateOutsideSchoolYear, LookupError)):
        run_check(kodeverk(), county=vestfold, on=date(1990, 11, 15))
