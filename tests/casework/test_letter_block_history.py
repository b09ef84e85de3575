"""The history of the block on letters to guardians: who set, changed and lifted it, when and
why, on the youth page (letters.services.letter_block_set / letter_block_clear)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from veiviser.letters import services as letters
from veiviser.letters.models import LetterBlock, LetterBlockChange
from veiviser.problems import ValidationFailed
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_person, tonsberg):
    youth = make_person(given="Sperra")
    registry.registration_create(
        actor=None,
        person=youth,
        school_year=2024,
        registered_on=date(2024, 8, 20),
        reason="not_applied",
        unit=tonsberg,
    )
    return youth


def test_set_change_and_lift_are_each_kept_with_who_when_and_why(person, coordinator):
    with time_machine.travel("2024-09-02 10:00 +0000", tick=False):
        letters.letter_block_set(actor=coordinator, person=person, reason="Sperret adresse")
    with time_machine.travel("2024-09-03 10:00 +0000", tick=False):
        # The same reason again is no new step.
        letters.letter_block_set(actor=coordinator, person=person, reason="Sperret adresse")
    with time_machine.travel("2024-10-01 10:00 +0000", tick=False):
        letters.letter_block_set(actor=coordinator, person=person, reason="Barnevernet ber om det")
    with time_machine.travel("2025-01-15 10:00 +0000", tick=False):
        assert letters.letter_block_clear(
            actor=coordinator, person=person, reason="Flyttet til foreldrene igjen"
        )
    assert not LetterBlock.objects.filter(person=person).exists()
    steps = list(LetterBlockChange.objects.filter(person=person).order_by("at"))
    assert [(s.action, s.reason, s.by, s.at.date()) for s in steps] == [
        ("set", "Sperret adresse", coordinator, date(2024, 9, 2)),
        ("changed", "Barnevernet ber om det", coordinator, date(2024, 10, 1)),
        ("lifted", "Flyttet til foreldrene igjen", coordinator, date(2025, 1, 15)),
    ]
    assert {s.county_id for s in steps} == {person.county_id}


def test_a_refused_block_or_lifting_nothing_leaves_no_history(person, coordinator):
    with pytest.raises(ValidationFailed):
        letters.letter_block_set(actor=coordinator, person=person, reason="  ")
    assert not letters.letter_block_clear(actor=coordinator, person=person, reason="ingen")
    assert not LetterBlockChange.objects.exists()


def test_the_youth_page_shows_the_history_and_the_form_lifts_with_a_reason(
    client, person, coordinator
):
    client.force_login(coordinator)
    url = reverse("web:letter-block", args=[person.pk])
    client.post(url, {"brevsperre-blocked": "on", "brevsperre-reason": "Sperret adresse"})
    page = client.get(reverse("web:youth", args=[person.pk])).content.decode()
    assert 'id="letter-block-history"' in page
    # The form comes when it is opened (web/lazy_forms.py).
    form_url = reverse("web:youth-form", args=[person.pk, "letter-block"])
    htmx = {"HX-Request": "true"}
    form = client.get(form_url, headers=htmx).content.decode()
    assert "brevsperre-lift_reason" in form  # offered only while a block stands
    client.post(url, {"brevsperre-reason": "", "brevsperre-lift_reason": "Ikke lenger nødvendig"})
    page = client.get(reverse("web:youth", args=[person.pk])).content.decode()
    history = page[page.index('id="letter-block-history"') :]
    assert 'data-action="set"' in history and "Sperret adresse" in history
    assert 'data-action="lifted"' in history and "Ikke lenger nødvendig" in history
    assert "brevsperre-lift_reason" not in client.get(form_url, headers=htmx).content.decode()


def test_a_viewer_without_change_sees_the_history_too(client, person, coordinator, staff):
    from veiviser.organisation.models import Role

    letters.letter_block_set(actor=coordinator, person=person, reason="Sperret adresse")
    leader = staff("leder", Role.COUNTY_LEADER)
    client.force_login(leader)
    url = reverse("web:youth", args=[person.pk])
    page = client.post(url, {"reason": "Tilsyn med saken"}, follow=True).content.decode()
    assert 'data-action="set"' in page
    assert "brevsperre-blocked" not in page  # no form without CHANGE
