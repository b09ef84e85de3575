"""The "Tiltak" section of the youth page and the catalogue page, through the web app."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from veiviser.measures import services
from veiviser.measures.models import Enrolment, FollowUp, Measure, ProposalState
from veiviser.organisation import services as organisation
from veiviser.registry.models import StatusFact

pytestmark = pytest.mark.django_db

TODAY = "2024-10-01 12:00"


@pytest.fixture
def other_advisor(vestfold, horten):
    return organisation.staff_user_create(
        actor=None,
        username="hanne",
        password="not-a-real-password-1",
        role="advisor",
        county=vestfold,
        unit=horten,
    )


@time_machine.travel(TODAY, tick=False)
def test_enrol_then_confirm_the_proposed_status(client, advisor, registration, measure):
    client.force_login(advisor)
    prefix = f"t{registration.pk}"
    response = client.post(
        reverse("web:enrolment-create", args=[registration.pk]),
        {f"{prefix}-measure": measure.pk, f"{prefix}-starts_on": "2024-09-15"},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(registration=registration)
    page = client.get(reverse("web:youth", args=[registration.person_id])).content.decode()
    assert "Bekreft OTOA" in page
    client.post(reverse("web:enrolment-status", args=[enrolment.pk]), {"decision": "confirm"})
    enrolment.refresh_from_db()
    assert enrolment.proposal == ProposalState.CONFIRMED
    assert StatusFact.objects.filter(
        registration=registration, code="OTOA", valid_from=date(2024, 9, 15)
    ).exists()


@time_machine.travel(TODAY, tick=False)
def test_a_refused_enrolment_says_why_and_writes_nothing(client, advisor, registration, measure):
    client.force_login(advisor)
    prefix = f"t{registration.pk}"
    response = client.post(
        reverse("web:enrolment-create", args=[registration.pk]),
        {f"{prefix}-measure": measure.pk, f"{prefix}-starts_on": "2024-08-25"},
        follow=True,
    )
    assert "tiltaket går ikke denne dagen" in response.content.decode()
    assert not Enrolment.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_end_and_follow_up_are_refused_outside_the_policy(
    client, advisor, other_advisor, registration, measure
):
    enrolment = services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 15)
    )
    placement = services.placement_create(
        actor=advisor,
        registration=registration,
        employer_orgnr="974760673",
        employer_name="Bakeri AS",
        starts_on=date(2024, 9, 16),
        hours_per_week=20,
    )
    client.force_login(other_advisor)
    for name, pk in (
        ("web:enrolment-end", enrolment.pk),
        ("web:enrolment-status", enrolment.pk),
        ("web:follow-up-record", placement.pk),
    ):
        assert client.post(reverse(name, args=[pk]), {}).status_code == 403, name
    client.force_login(advisor)
    prefix = f"f{placement.pk}"
    client.post(
        reverse("web:follow-up-record", args=[placement.pk]),
        {f"{prefix}-on": "2024-09-30", f"{prefix}-party": "employer"},
    )
    assert FollowUp.objects.filter(placement=placement, party="employer").count() == 1
    prefix = f"e{enrolment.pk}"
    client.post(
        reverse("web:enrolment-end", args=[enrolment.pk]),
        {f"{prefix}-ends_on": "2024-09-30", f"{prefix}-end_reason": "dropped_out"},
    )
    enrolment.refresh_from_db()
    assert enrolment.end_reason == "dropped_out"


@time_machine.travel(TODAY, tick=False)
def test_the_catalogue_shows_participants_and_lets_the_coordinator_add(
    client, coordinator, advisor, registration, measure, tonsberg
):
    services.enrolment_create(
        actor=advisor, registration=registration, measure=measure, starts_on=date(2024, 9, 15)
    )
    client.force_login(advisor)
    page = client.get(reverse("web:measures"))
    assert page.context["form"] is None
    assert [m.participants for m in page.context["measures"]] == [1]
    assert client.post(reverse("web:measures"), {"tiltak-name": "X"}).status_code == 403
    client.force_login(coordinator)
    response = client.post(
        reverse("web:measures"),
        {
            "tiltak-name": "Tirsdagsgruppa",
            "tiltak-kind": "group",
            "tiltak-organiser": "county",
            "tiltak-unit": tonsberg.pk,
            "tiltak-capacity": "8",
            "tiltak-starts_on": "2024-09-01",
        },
    )
    assert response.status_code == 302
    assert Measure.objects.get(name="Tirsdagsgruppa").unit == tonsberg


@time_machine.travel(TODAY, tick=False)
def test_only_those_who_manage_the_unit_change_a_measure(
    client, coordinator, advisor, measure, vestfold, horten
):
    other = organisation.staff_user_create(
        actor=None,
        username="koord-h",
        password="not-a-real-password-1",
        role="unit_coordinator",
        county=vestfold,
        unit=horten,
    )
    url = reverse("web:measure-edit", args=[measure.pk])
    for user in (advisor, other):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "tiltak-name": measure.name,
            "tiltak-kind": measure.kind,
            "tiltak-organiser": measure.organiser,
            "tiltak-capacity": "20",
            "tiltak-starts_on": "2024-09-01",
            "tiltak-ends_on": "2025-06-20",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.capacity == 20 and measure.unit is not None


@time_machine.travel(TODAY, tick=False)
def test_ending_a_placement(client, advisor, other_advisor, registration):
    placement = services.placement_create(
        actor=advisor,
        registration=registration,
        employer_orgnr="974760673",
        employer_name="Bakeri AS",
        starts_on=date(2024, 9, 2),
        hours_per_week=20,
    )
    url = reverse("web:placement-end", args=[placement.pk])
    client.force_login(other_advisor)
    assert client.post(url, {}).status_code == 403
    client.force_login(advisor)
    client.post(url, {f"pe{placement.pk}-ends_on": "2024-09-30"})
    placement.refresh_from_db()
    assert placement.ends_on == date(2024, 9, 30)
