"""Flows between two dates: joiners, leavers and the transition matrix."""

from datetime import date

import pytest

from veiviser.codes.selectors import kodeverk
from veiviser.quality.flows import NOT_REGISTERED, DatesOutOfOrder, flows_between
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

NOV, FEB = date(2024, 11, 15), date(2025, 2, 15)


def flows(**kw):
    return flows_between(kodeverk(), county="39", first=NOV, second=FEB, **kw)


def test_joiners_leavers_and_movements_between_groups(vestfold, register):
    joiner = register(registered_on=date(2025, 1, 10))
    mover = register(statuses=[("OTOV", date(2024, 9, 1)), ("OTEV", date(2025, 1, 5))])
    stayer = register(statuses=[("OTOV", date(2024, 9, 1))])
    to_group5 = register(statuses=[("OTOV", date(2024, 9, 1)), ("OTAR_IM", date(2025, 1, 5))])
    moved = register(statuses=[("OTOV", date(2024, 9, 1)), ("OTFA_IM", date(2025, 1, 5))])
    result = flows()
    assert result.joiners == [joiner.person_id]
    assert result.matrix[(2, 3)] == [mover.person_id]
    assert result.matrix[(2, 2)] == [stayer.person_id]
    assert sorted(result.matrix[(2, 5)]) == sorted([to_group5.person_id, moved.person_id])
    assert result.moved_away == [moved.person_id]
    assert result.leavers_to_group5 == [to_group5.person_id]
    assert result.count(NOT_REGISTERED, 1) == 1


def test_the_year_end_is_a_leaver_unless_carried_over(vestfold, register):
    left = register(statuses=[("OTOV", date(2024, 9, 1))])
    carried = register(statuses=[("OTOV", date(2024, 9, 1))])
    registry.registration_carry_over(actor=None, registration=carried)
    result = flows_between(
        kodeverk(), county="39", first=date(2025, 6, 15), second=date(2025, 11, 15)
    )
    assert result.leavers_year_end == [left.person_id]
    assert result.matrix[(2, 2)] == [carried.person_id]


def test_flows_are_read_as_known_at_an_instant(vestfold, register):
    from django.utils import timezone

    registration = register(statuses=[("OTOV", date(2024, 9, 1))])
    before = timezone.now()
    registry.status_record(
        actor=None, registration=registration, code="OTEV", valid_from=date(2025, 1, 5)
    )
    assert flows(known_at=before).matrix == {(2, 2): [registration.person_id]}
    assert flows().matrix == {(2, 3): [registration.person_id]}


def test_one_unit_only(vestfold, register, horten):
    mine = register(unit=horten)
    register()
    assert flows(unit_id=horten.pk).matrix == {(1, 1): [mine.person_id]}


def test_the_second_date_must_come_after_the_first(vestfold):
    with pytest.raises(DatesOutOfOrder):
        flows_between(kodeverk(), county="39", first=FEB, second=NOV)
