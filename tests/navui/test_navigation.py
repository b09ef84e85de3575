"""The staff main menu: which links each role sees, how they are grouped, the current page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.web.navigation import main_menu

PASSWORD = "not-a-real-password-1"


@pytest.fixture
def make_user(vestfold, tonsberg):
    def make(role, *, unit=True):
        return organisation.staff_user_create(
            actor=None,
            username=f"u-{role}-{unit}",
            password=PASSWORD,
            role=role,
            county=vestfold,
            unit=tonsberg if unit else None,
        )

    return make


def shape(menu):
    """The menu as plain names: the top-level links, then each group with its links."""
    return [link.url for link in menu.links], {
        group.key: [link.url for link in group.links] for group in menu.groups
    }


def urls(*names):
    return [reverse(name) for name in names]


@pytest.mark.django_db
def test_an_advisor_sees_the_daily_work_and_the_follow_up_group(make_user):
    top, groups = shape(main_menu(make_user(Role.ADVISOR), "web:worklist"))
    assert top == urls("web:worklist", "web:register", "web:duties")
    assert groups == {
        "followup": urls("web:measures", "web:exams", "web:prevention", "web:projects")
    }


@pytest.mark.django_db
def test_a_county_leader_sees_every_group(make_user):
    top, groups = shape(main_menu(make_user(Role.COUNTY_LEADER, unit=False), None))
    # A county leader registers nobody (policy.REGISTER), so is not offered the form.
    assert top == urls("web:worklist", "web:duties", "web:coordinator")
    assert groups == {
        "reports": urls("web:statistics", "web:quality", "web:udir", "web:reports"),
        "followup": urls("web:measures", "web:exams", "web:prevention", "web:projects"),
        "admin": urls("web:audit", "web:privacy"),
    }


@pytest.mark.django_db
def test_a_unit_coordinator_gets_intake_letters_and_requests(make_user):
    top, groups = shape(main_menu(make_user(Role.UNIT_COORDINATOR), None))
    assert top == urls(
        "web:worklist", "web:register", "web:duties", "web:coordinator", "web:referrals"
    )
    assert groups["reports"] == urls("web:statistics", "web:quality")
    assert groups["admin"] == urls("web:intake", "web:letter-batches")


@pytest.mark.django_db
def test_a_unit_coordinator_without_a_unit_gets_no_unit_pages(make_user):
    top, groups = shape(main_menu(make_user(Role.UNIT_COORDINATOR, unit=False), None))
    assert reverse("web:referrals") not in top
    # Statistics alone is no group: a group of one is shown as its link.
    assert reverse("web:statistics") in top
    assert set(groups) == {"followup"}


@pytest.mark.django_db
def test_an_administrator_gets_the_admin_site_as_a_plain_link(make_user):
    top, groups = shape(main_menu(make_user(Role.ADMINISTRATOR, unit=False), None))
    assert top == [reverse("web:worklist"), reverse("admin:index")]
    assert groups == {}


@pytest.mark.django_db
def test_the_current_page_and_its_group_are_marked(make_user):
    menu = main_menu(make_user(Role.COUNTY_LEADER, unit=False), "web:report-narratives")
    reports = next(group for group in menu.groups if group.key == "reports")
    assert reports.current
    assert [link.current for link in reports.links] == [False, False, False, True]
    assert not any(link.current for link in menu.links)
    assert not any(group.current for group in menu.groups if group.key != "reports")


def every_link_of(menu):
    return [*menu.links, *(link for group in menu.groups for link in group.links)]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_menu_link_opens_for_the_role_that_sees_it(make_user, role):
    user = make_user(role, unit=role != Role.COUNTY_LEADER)
    client = Client()
    client.force_login(user)
    for link in every_link_of(main_menu(user, None)):
        response = client.get(link.url)
        assert response.status_code in (200, 302), (role, link.url, response.status_code)
        if response.status_code == 302:  # the Django admin asks for its own login
            assert link.url == reverse("admin:index")


@pytest.mark.django_db
def test_the_rendered_menu_is_grouped_in_disclosures(make_user):
    client = Client()
    client.force_login(make_user(Role.COUNTY_LEADER, unit=False))
    html = client.get(reverse("web:quality")).content.decode()
    nav = re.search(r'<nav class="app-nav".*?</nav>', html, re.S).group(0)
    assert nav.count("<details") == 3
    assert '<summary class="app-nav__summary" aria-current="true">Statistikk og rapporter' in nav
    assert re.search(r'href="/kvalitet/" aria-current="page">Datakvalitet<', nav)
    assert nav.count('aria-current="page"') == 1
    assert "style=" not in nav and "<script" not in nav
