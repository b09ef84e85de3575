"""Year end for a county (DOMAIN.md §3): the preview is exactly what the run does, the run is
one audited batch, and a second run changes nothing."""

from datetime import date

import pytest
from django.core.management import call_command

from veiviser.audit.models import AuditEvent
from veiviser.letters.yearend import yearend_plan, yearend_run
from veiviser.registry import services as registry
from veiviser.registry.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2024(make_person, tonsberg, advisor):
    """Four youths registered in 2024/25: two still in the target group on 31 July 2025 (one
    with OTOV, one never contacted), one in school on her own (outside the target group), and
    one already registered for 2025/26."""

    def register(given, day, year=2024, code=None, reason="not_applied"):
        person = make_person(birth_date=date(2006, 1, day), given=given, family="Årsskifte")
        registration = registry.registration_create(
            actor=None,
            person=person,
            school_year=year,
            registered_on=date(year, 9, 1),
            reason=reason,
            unit=tonsberg,
        )
        if code:
            registry.status_record(
                actor=None, registration=registration, code=code, valid_from=date(year, 10, 1)
            )
        return registration

    regs = {
        "anna": register("Anna", 1, code="OTOV", reason="dropped_out"),
        "bo": register("Bo", 2),
        "cato": register("Cato", 3, code="OTEV_IM"),
        "dina": register("Dina", 4, code="OTOV"),
    }
    registry.registration_create(
        actor=None,
        person=regs["dina"].person,
        school_year=2025,
        registered_on=date(2025, 8, 15),
        reason="other",
        unit=tonsberg,
    )
    registry.registration_assign(actor=None, registration=regs["anna"], advisor=advisor)
    return regs


def names(lines):
    return sorted(line.name.split()[0] for line in lines)


def test_preview_lists_who_is_carried_over_and_who_ends(year_2024, vestfold):
    plan = yearend_plan(county=vestfold, school_year=2024)
    assert names(plan.carry_over) == ["Anna", "Bo"]
    assert names(plan.close) == ["Cato"]
    assert names(plan.already_next_year) == ["Dina"]


def test_preview_is_what_the_run_does(year_2024, vestfold):
    before = Registration.objects.count()
    preview = yearend_plan(county=vestfold, school_year=2024)
    assert Registration.objects.count() == before
    done = yearend_run(actor=None, county=vestfold, school_year=2024)
    assert done == preview
    carried = Registration.objects.filter(school_year=2025, registered_on=date(2025, 8, 1))
    assert sorted(r.person.given_name for r in carried) == ["Anna", "Bo"]
    anna = carried.get(person__given_name="Anna")
    assert (anna.reason, anna.advisor_id) == ("dropped_out", year_2024["anna"].advisor_id)
    assert anna.status_facts.get().code == "OTOV"
    event = AuditEvent.objects.get(action="registry.yearend.completed")
    assert event.data == {
        "school_year": 2024,
        "carried_over": 2,
        "closed": 1,
        "already_next_year": 1,
    }
    assert AuditEvent.objects.filter(action="registry.registration.carried_over").count() == 2


def test_a_second_run_changes_nothing(year_2024, vestfold):
    yearend_run(actor=None, county=vestfold, school_year=2024)
    registrations, events = Registration.objects.count(), AuditEvent.objects.count()
    again = yearend_run(actor=None, county=vestfold, school_year=2024)
    assert again.carry_over == []
    assert names(again.already_next_year) == ["Anna", "Bo", "Dina"]
    assert (Registration.objects.count(), AuditEvent.objects.count()) == (registrations, events)


def test_the_command_previews_then_runs(year_2024, capsys):
    call_command("yearend", "--county", "39", "--school-year", "2024", "--preview")
    preview = capsys.readouterr().out
    assert "Would carry over (2)" in preview and "Anna Årsskifte" in preview
    assert not Registration.objects.filter(school_year=2025, registered_on=date(2025, 8, 1))
    call_command("yearend", "--county", "39", "--school-year", "2024")
    run = capsys.readouterr().out
    assert "Carried over (2)" in run
    assert run.split("\n", 1)[1] == preview.split("\n", 1)[1].replace("Would end", "Ended")
    call_command("yearend", "--county", "39", "--school-year", "2024")
    assert "Nothing to do" in capsys.readouterr().out
