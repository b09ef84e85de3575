"""The lockout: 5 failures for a username or 20 from an address within 15 minutes."""

from datetime import timedelta

import pytest
import time_machine

from tests.conftest import at
from veiviser.accounts import services as accounts
from veiviser.accounts.models import LoginAttempt
from veiviser.audit.models import AuditEvent

NOW = at("2026-03-02 09:00")


def fail(times: int, username: str = "kari", address: str = "10.0.0.1") -> None:
    for _ in range(times):
        accounts.login_failed(username=username, address=address)


@pytest.fixture
def morning():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_four_failures_do_not_lock(db, morning):
    fail(4)
    assert not accounts.is_locked("kari", "10.0.0.1")


def test_five_failures_lock_the_username_from_any_address(db, morning):
    fail(5)
    assert accounts.is_locked("kari", "10.0.0.99")
    assert not accounts.is_locked("per", "10.0.0.99")


def test_the_lock_ends_when_the_failures_are_older_than_the_window(db, morning):
    fail(5)
    morning.shift(accounts.WINDOW - timedelta(seconds=1))
    assert accounts.is_locked("kari", "10.0.0.1")
    morning.shift(timedelta(seconds=2))
    assert not accounts.is_locked("kari", "10.0.0.1")


def test_refused_attempts_count_as_failures(db, morning):
    fail(5)
    morning.shift(timedelta(minutes=10))
    for _ in range(5):
        accounts.login_refused_locked(username="kari", address="10.0.0.1")
    morning.shift(timedelta(minutes=10))
    # The first five failures are 20 minutes old; the refused attempts keep the lock.
    assert accounts.is_locked("kari", "10.0.0.1")
    morning.shift(timedelta(minutes=6))
    assert not accounts.is_locked("kari", "10.0.0.1")


def test_a_successful_login_starts_the_count_again(db, morning, advisor):
    fail(4)
    morning.shift(timedelta(seconds=1))
    accounts.login_succeeded(user=advisor, username="kari", address="10.0.0.1")
    morning.shift(timedelta(seconds=1))
    fail(4)
    assert not accounts.is_locked("kari", "10.0.0.1")


def test_twenty_failures_from_one_address_lock_every_username_there(db, morning):
    for number in range(accounts.ADDRESS_LIMIT):
        fail(1, username=f"user{number}", address="10.0.0.7")
    assert accounts.is_locked("kari", "10.0.0.7")
    assert not accounts.is_locked("kari", "10.0.0.8")


def test_attempts_are_audited_without_the_password(db, morning, advisor):
    fail(1)
    accounts.login_refused_locked(username="kari", address="10.0.0.1")
    accounts.login_succeeded(user=advisor, username="kari", address="10.0.0.1")
    events = AuditEvent.objects.order_by("id").filter(action__startswith="accounts.")
    assert [e.action for e in events] == [
        "accounts.login.failed",
        "accounts.login.locked",
        "accounts.login.succeeded",
    ]
    assert all(set(e.data) == {"username", "address"} for e in events)
    assert events.last().actor == advisor
    assert events.last().county == "39"
    assert {f.name for f in LoginAttempt._meta.fields} == {
        "id",
        "username",
        "address",
        "at",
        "succeeded",
    }


def test_lifting_a_lock_forgets_the_window_and_is_audited(db, morning):
    fail(5)
    for number in range(accounts.ADDRESS_LIMIT):
        fail(1, username=f"user{number}", address="10.0.0.7")
    assert accounts.is_locked("kari", "10.0.0.2")
    assert accounts.lock_lift(actor=None, username="kari") == 5
    assert not accounts.is_locked("kari", "10.0.0.2")
    assert accounts.is_locked("per", "10.0.0.7")
    assert accounts.lock_lift(actor=None, address="10.0.0.7") == accounts.ADDRESS_LIMIT
    assert not accounts.is_locked("per", "10.0.0.7")
    events = AuditEvent.objects.filter(action="accounts.lock.lifted").order_by("id")
    assert [e.data["attempts"] for e in events] == [5, accounts.ADDRESS_LIMIT]
    # The failures themselves stay in the audit trail.
    assert AuditEvent.objects.filter(action="accounts.login.failed").count() == 25


def test_the_unlock_command(db, morning, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    fail(5)
    call_command("unlock", "--username", "kari")
    assert not accounts.is_locked("kari", "10.0.0.1")
    with pytest.raises(CommandError):
        call_command("unlock")
