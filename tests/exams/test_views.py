from datetime import date

import pytest
from django.urls import reverse

from veiviser.exams import services
from veiviser.exams.models import ExamEntry, Result
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(vestfold):
    return organisation.staff_user_create(
        actor=None,
        username="lise",
        password="pw-123456789",
        role=Role.COUNTY_LEADER,
        county=vestfold,
    )


def test_youth_page_shows_the_exam_section_and_registers_an_exam(client, advisor, register, norsk):
    registration = register(school_year=2024)
    client.force_login(advisor)
    page = client.get(reverse("web:youth", args=[registration.person_id]))
    assert "Registrer til eksamen" in page.content.decode()
    response = client.post(
        reverse("web:exam-register", args=[registration.pk]),
        {
            f"e{registration.pk}-subject": norsk.pk,
            f"e{registration.pk}-exam_date": "2025-05-30",
            f"e{registration.pk}-training": "Fag på enheten",
            f"e{registration.pk}-training_hours": "30",
        },
    )
    assert response.status_code == 302
    entry = ExamEntry.objects.get()
    assert (entry.subject, entry.training_hours, entry.created_by) == (norsk, 30, advisor)


def test_a_refused_exam_entry_shows_the_reason_at_the_form(client, advisor, register, norsk):
    registration = register(school_year=2024)
    client.force_login(advisor)
    response = client.post(
        reverse("web:exam-register", args=[registration.pk]),
        {f"e{registration.pk}-subject": norsk.pk, f"e{registration.pk}-exam_date": "2026-05-30"},
    )
    assert response.status_code == 400
    assert "skoleåret 2024/25" in response.content.decode()
    assert not ExamEntry.objects.exists()


def test_the_result_is_recorded_from_the_youth_page(client, advisor, register, norsk):
    registration = register(school_year=2024)
    entry = services.exam_entry_register(
        actor=None, registration=registration, subject=norsk, exam_date=date(2025, 5, 30)
    )
    client.force_login(advisor)
    response = client.post(
        reverse("web:exam-result", args=[entry.pk]),
        {f"er{entry.pk}-result": "passed", f"er{entry.pk}-grade": "5"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.result, entry.grade) == (Result.PASSED, 5)


def test_the_result_of_another_units_youth_is_refused(client, vestfold, horten, register, norsk):
    entry = services.exam_entry_register(
        actor=None, registration=register(), subject=norsk, exam_date=date(2024, 5, 30)
    )
    per = organisation.staff_user_create(
        actor=None,
        username="per",
        password="pw-1234567",
        role=Role.ADVISOR,
        county=vestfold,
        unit=horten,
    )
    client.force_login(per)
    response = client.post(
        reverse("web:exam-result", args=[entry.pk]), {f"er{entry.pk}-result": "passed"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.result == Result.PENDING


def test_statistics_page_shows_the_exam_counts_and_the_list_behind_them(
    client, leader, register, norsk, matte
):
    for n in range(3):
        entry = services.exam_entry_register(
            actor=None, registration=register(), subject=norsk, exam_date=date(2024, 5, 30)
        )
        services.exam_result_record(
            actor=None, entry=entry, result=Result.PASSED if n else Result.NOT_PASSED
        )
    client.force_login(leader)
    page = client.get(reverse("web:statistics"), {"school_year": 2023}).content.decode()
    assert "Opplæring i fag og eksamen" in page
    listed = client.get(
        reverse("web:statistics-exams"),
        {"school_year": 2023, "cell": "passed", "subject": "NOR1211"},
    )
    assert listed.status_code == 200
    assert listed.context["total"] == 2 == len(listed.context["page_obj"].object_list)


def test_the_exam_list_shows_only_what_the_user_may_see(client, vestfold, horten, register, norsk):
    coordinator = organisation.staff_user_create(
        actor=None,
        username="hege",
        password="pw-1234567",
        role=Role.UNIT_COORDINATOR,
        county=vestfold,
        unit=horten,
    )
    services.exam_entry_register(
        actor=None, registration=register(), subject=norsk, exam_date=date(2024, 5, 30)
    )
    register(unit=horten, owner=None)  # so that 2023/24 is one of her unit's school years
    client.force_login(coordinator)
    # The coordinator's statistics are her own unit: the Tønsberg exam is not in them.
    listed = client.get(reverse("web:statistics-exams"), {"school_year": 2023, "cell": "pending"})
    assert listed.context["total"] == 0


def test_a_bad_drilldown_link_is_refused(client, leader):
    client.force_login(leader)
    assert client.get(reverse("web:statistics-exams"), {"cell": "bogus"}).status_code == 400


def test_the_exam_list_shows_the_entries_of_the_youths_the_user_may_see(
    client, advisor, register, norsk, horten
):
    mine = register()
    theirs = register(unit=horten, owner=None)
    for registration in (mine, theirs):
        services.exam_entry_register(
            actor=None, registration=registration, subject=norsk, exam_date=date(2024, 5, 30)
        )
    services.exam_result_record(
        actor=None, entry=mine.exam_entries.get(), result=Result.PASSED, grade=3
    )
    client.force_login(advisor)
    page = client.get(reverse("web:exams"), {"school_year": 2023})
    assert [e.registration for e in page.context["page_obj"]] == [mine]
    passed = client.get(reverse("web:exams"), {"school_year": 2023, "show": "not_passed"})
    assert passed.context["page_obj"].paginator.count == 0
    assert client.get(reverse("web:exams"), {"show": "bogus"}).status_code == 400
