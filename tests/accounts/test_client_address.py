"""The client's address behind reverse proxies (VEIVISER_TRUSTED_PROXIES), and the login lockout
and the public rate limit that count by it."""

import ipaddress

import pytest
from django.test import RequestFactory
from django.urls import reverse

from veiviser.accounts.models import LoginAttempt
from veiviser.clientaddress import client_address
from veiviser.config.env import ImproperSetting, env_networks

PROXY = "10.0.0.2"


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = (
        ipaddress.ip_network(PROXY),
        ipaddress.ip_network("192.168.50.0/24"),
    )


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = ()
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_the_client_behind_a_trusted_proxy(behind_proxy):
    assert client_address(request(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(behind_proxy):
    # client → 192.168.50.9 (trusted, inner) → 10.0.0.2 (trusted, outer) → Veiviser
    assert client_address(request(PROXY, "198.51.100.1, 192.168.50.9")) == "198.51.100.1"


def test_what_the_client_wrote_into_the_header_is_not_believed(behind_proxy):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real address.
    assert client_address(request(PROXY, "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_a_forged_header_from_an_untrusted_address_is_ignored(behind_proxy):
    """Spoofing: a client talking to Veiviser directly cannot pick its address."""
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_address(request("203.0.113.7", PROXY)) == "203.0.113.7"


def test_a_proxy_without_the_header_is_the_address(behind_proxy):
    assert client_address(request(PROXY)) == PROXY
    assert client_address(request(PROXY, "")) == PROXY


def test_garbage_in_the_header_stops_the_walk(behind_proxy):
    assert client_address(request(PROXY, "198.51.100.1, not-an-address")) == PROXY
    assert client_address(request(PROXY, "unknown, 192.168.50.9")) == "192.168.50.9"


def test_ipv6_clients_and_proxies(settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("2001:db8::/64"),)
    assert client_address(request("2001:db8::1", "2001:db8:1::42")) == "2001:db8:1::42"


def test_the_setting_is_read_as_networks_and_a_typo_is_refused(monkeypatch):
    monkeypatch.setenv("VEIVISER_TRUSTED_PROXIES", "10.0.0.2, 192.168.50.0/24")
    assert env_networks("VEIVISER_TRUSTED_PROXIES") == (
        ipaddress.ip_network("10.0.0.2/32"),
        ipaddress.ip_network("192.168.50.0/24"),
    )
    monkeypatch.setenv("VEIVISER_TRUSTED_PROXIES", "10.0.0.2,10.0.0.300")
    with pytest.raises(ImproperSetting, match=r"10\.0\.0\.300"):
        env_networks("VEIVISER_TRUSTED_PROXIES")


def post_login(client, username: str, forwarded: str, remote: str = PROXY):
    return client.post(
        reverse("login"),
        {"username": username, "password": "wrong"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_the_lockout_counts_each_client_behind_the_proxy(client, behind_proxy):
    """Twenty failures from one client lock that client's address, not everyone behind the
    proxy."""
    for n in range(20):
        post_login(client, f"user{n}", "198.51.100.1")
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"198.51.100.1"}
    post_login(client, "kari", "198.51.100.2")
    assert LoginAttempt.objects.filter(address="198.51.100.2").count() == 1
    from veiviser.accounts import services as accounts

    assert accounts.is_locked("someone", "198.51.100.1")
    assert not accounts.is_locked("someone", "198.51.100.2")


@pytest.mark.django_db
def test_a_forged_header_does_not_dodge_the_lockout(client, behind_proxy):
    for n in range(20):
        post_login(client, f"user{n}", f"198.51.100.{n}", remote="203.0.113.7")
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"203.0.113.7"}


@pytest.mark.django_db
def test_the_public_rate_limit_counts_each_client_behind_the_proxy(client, behind_proxy, settings):
    from veiviser.public import ratelimit

    settings.PUBLIC_RATE_LIMIT = 2
    one = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    two = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert [ratelimit.allow(one) for _ in range(3)] == [True, True, False]
    assert ratelimit.allow(two)
