"""The staff main menu: which links a user sees, grouped, and which one is the current page.

The daily work comes first as plain links; the rest sits in three groups ("Statistics and
reports", "Measures and follow-up", "Administration") that web/_main_menu.html renders as
`<details>` disclosures, so the menu works without JavaScript. A group with a single link for
this user is shown as that plain link instead. Who sees a link follows the pages' own checks
(the views still check policy.py themselves: the menu only hides what would be refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veiviser import policy
from veiviser.organisation.models import Role


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    links: list[Link] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


@dataclass(frozen=True)
class Menu:
    links: list[Link]  # the daily work, always shown
    groups: list[Group]  # two links or more each


def _roles(user) -> dict[str, bool]:
    role = getattr(user, "role", "") or ""
    coordinator_with_unit = role == Role.UNIT_COORDINATOR and bool(getattr(user, "unit_id", None))
    return {
        "registers": policy.scope(user, policy.REGISTER) != policy.NOTHING,
        "caseworker": bool(role) and role != Role.ADMINISTRATOR,
        "assigns": role in (Role.UNIT_COORDINATOR, Role.COUNTY_LEADER, Role.OFFICE),
        "unit_office": coordinator_with_unit or role == Role.OFFICE,
        "statistics": role in (Role.UNIT_COORDINATOR, Role.COUNTY_LEADER, Role.OFFICE),
        "quality": coordinator_with_unit or role in (Role.COUNTY_LEADER, Role.OFFICE),
        "county": role in (Role.COUNTY_LEADER, Role.OFFICE),
        "leader": role == Role.COUNTY_LEADER,
        "admin": bool(getattr(user, "is_staff", False)) and role == Role.ADMINISTRATOR,
    }


# (who may see it, label, URL name, view names that count as this page)
DAILY = [
    (None, _("My youths"), "web:worklist", {"web:worklist"}),
    ("registers", _("Register a youth"), "web:register", {"web:register"}),
    ("caseworker", _("Duties"), "web:duties", {"web:duties"}),
    ("assigns", _("Assignment"), "web:coordinator", {"web:coordinator"}),
    ("unit_office", _("Requests"), "web:referrals", {"web:referrals", "web:referral"}),
]
GROUPS = [
    (
        "reports",
        _("Statistics and reports"),
        [
            (
                "statistics",
                _("Statistics"),
                "web:statistics",
                {"web:statistics", "web:statistics-youths", "web:reconcile"},
            ),
            (
                "quality",
                _("Data quality"),
                "web:quality",
                {
                    "web:quality",
                    "web:submission",
                    "web:transfer-receive",
                    "web:flows",
                    "web:flows-youths",
                },
            ),
            ("county", _("Udir's published numbers"), "web:udir", {"web:udir"}),
            (
                "county",
                _("Annual report"),
                "web:reports",
                {"web:reports", "web:report", "web:report-narratives"},
            ),
        ],
    ),
    (
        "followup",
        _("Measures and follow-up"),
        [
            ("caseworker", _("Measures"), "web:measures", {"web:measures", "web:measure-edit"}),
            ("caseworker", _("Exams"), "web:exams", {"web:exams"}),
            ("caseworker", _("Preventive work"), "web:prevention", {"web:prevention"}),
            ("caseworker", _("Projects"), "web:projects", {"web:projects", "web:project"}),
        ],
    ),
    (
        "admin",
        _("Administration"),
        [
            (
                "unit_office",
                _("Intake files"),
                "web:intake",
                {"web:intake", "web:intake-run", "web:intake-mapping"},
            ),
            (
                "unit_office",
                _("Information letters"),
                "web:letter-batches",
                {"web:letter-batches", "web:letter-batch"},
            ),
            ("leader", _("Audit trail"), "web:audit", {"web:audit"}),
            (
                "leader",
                _("Privacy"),
                "web:privacy",
                {"web:privacy", "web:access-report", "web:retention-run"},
            ),
            ("admin", _("System administration"), "admin:index", set()),
        ],
    ),
]


def main_menu(user, view_name: str | None) -> Menu:
    """The links `user` sees in the main menu, with the one for page `view_name` current."""
    may = _roles(user)

    def links(entries) -> list[Link]:
        return [
            Link(str(label), reverse(url_name), view_name in views)
            for who, label, url_name, views in entries
            if who is None or may[who]
        ]

    daily = links(DAILY)
    groups = []
    for key, label, entries in GROUPS:
        shown = links(entries)
        if len(shown) == 1:
            daily.extend(shown)
        elif shown:
            groups.append(Group(key, str(label), shown))
    return Menu(daily, groups)
