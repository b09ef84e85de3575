"""Typed access to settings from the environment (12-factor).

Every setting Veiviser reads from the environment goes through these helpers, so that an
operator can find them all in one place (docs/configuration.md lists them).
"""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperSetting(ValueError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperSetting(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperSetting(f"{name} must be a whole number; got {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> tuple:
    """A comma-separated list of IP addresses and networks (CIDR), e.g. `10.0.0.5,10.1.0.0/16`,
    as `ipaddress` networks. A bad entry is refused by name, so a typo never silently trusts
    nothing (or everything)."""
    import ipaddress

    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperSetting(
                f"{name} must list IP addresses or networks (CIDR); {item!r} is neither"
            ) from exc
    return tuple(networks)
