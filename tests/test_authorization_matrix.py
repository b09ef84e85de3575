"""The authorization matrix: every URL of the staff app × every role × a youth in the user's
own caseload, own unit, another unit, another county. The table below is the expected outcome
(docs/security.md shows the same); a URL that is not in the table fails the suite, so no page
can be added without deciding who may use it.

Outcomes: "ok" (200 or a redirect after a write), "no" (403 or 404: refused, nothing shown),
"login" (anonymous: sent to the login page).
"""

from datetime import date, timedelta

import pytest
from django.urls import get_resolver
from django.utils import timezone

from veiviser.casework import services as casework
from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.registry import services as registry

pytestmark = pytest.mark.django_db

ROLES = ["advisor", "coordinator", "leader", "office", "project", "admin"]
TARGETS = ["own", "unit", "other_unit", "other_county"]

# Pages without an object: role → outcome.
PAGES = {
    "web:home": dict.fromkeys(ROLES, "ok"),
    "web:worklist": dict.fromkeys(ROLES, "ok"),
    "web:register": {
        **dict.fromkeys(ROLES, "no"),
        "advisor": "ok",
        "coordinator": "ok",
        "office": "ok",
    },
    "web:coordinator": {
        **dict.fromkeys(ROLES, "no"),
        "coordinator": "ok",
        "leader": "ok",
        "office": "ok",
    },
    "web:duties": {**dict.fromkeys(ROLES, "ok"), "admin": "no"},
    # Information-letter batches: CHANGE at unit or county scope (coordinator, office).
    "web:letter-batches": {**dict.fromkeys(ROLES, "no"), "coordinator": "ok", "office": "ok"},
    # Intake files: INTAKE at unit or county scope (coordinator, office).
    "web:intake": {**dict.fromkeys(ROLES, "no"), "coordinator": "ok", "office": "ok"},
    # The county's column mapping: INTAKE at county scope (the office).
    "web:intake-mapping": {**dict.fromkeys(ROLES, "no"), "office": "ok"},
    "web:audit": {**dict.fromkeys(ROLES, "no"), "leader": "ok"},
    # Access requests and retention: the county leader (AUDIT scope), for the DPO.
    "web:privacy": {**dict.fromkeys(ROLES, "no"), "leader": "ok"},
    # Requests from the public contact page: policy.referral_scope (coordinator, office).
    "web:referrals": {**dict.fromkeys(ROLES, "no"), "coordinator": "ok", "office": "ok"},
    # The measure catalogue: everyone who follows up youths (VIEW scope); not the administrator.
    "web:measures": {**dict.fromkeys(ROLES, "ok"), "admin": "no"},
    # Projects: the list of the projects the user may see (policy.projects_q); no youths.
    "web:projects": {**dict.fromkeys(ROLES, "ok"), "admin": "no"},
    # Exams and preventive work: lists of what the user may VIEW (none for the administrator).
    "web:exams": {**dict.fromkeys(ROLES, "ok"), "admin": "no"},
    "web:prevention": {**dict.fromkeys(ROLES, "ok"), "admin": "no"},
    # Reconciliation is county-wide: county scope of STATISTICS only (no unit coordinator).
    "web:reconcile": {**dict.fromkeys(ROLES, "no"), "leader": "ok", "office": "ok"},
    # The pre-submission check: STATISTICS scope (the coordinator's unit, or the county).
    "web:quality": {
        **dict.fromkeys(ROLES, "no"),
        "coordinator": "ok",
        "leader": "ok",
        "office": "ok",
    },
    # Flows between two dates and their drill-down: STATISTICS scope, as the check.
    "web:flows": {
        **dict.fromkeys(ROLES, "no"),
        "coordinator": "ok",
        "leader": "ok",
        "office": "ok",
    },
    "web:flows-youths": {
        **dict.fromkeys(ROLES, "no"),
        "coordinator": "ok",
        "leader": "ok",
        "office": "ok",
    },
    # Receiving a transfer from another county registers a youth: REGISTER scope.
    "web:transfer-receive": {
        **dict.fromkeys(ROLES, "no"),
        "advisor": "ok",
        "coordinator": "ok",
        "office": "ok",
    },
    # The submission file holds every youth of the county: county scope of STATISTICS only.
    "web:submission": {**dict.fromkeys(ROLES, "no"), "leader": "ok", "office": "ok"},
    # Udir's published numbers: county scope of STATISTICS (the upload: INTAKE, the office).
    "web:udir": {**dict.fromkeys(ROLES, "no"), "leader": "ok", "office": "ok"},
    # The annual report is county-wide too: county scope of STATISTICS (leader, office).
    "web:reports": {**dict.fromkeys(ROLES, "no"), "leader": "ok", "office": "ok"},
    "web:report-narratives": {**dict.fromkeys(ROLES, "no"), "leader": "ok", "office": "ok"},
    **{
        name: {**dict.fromkeys(ROLES, "no"), "coordinator": "ok", "leader": "ok", "office": "ok"}
        for name in (
            "web:statistics",
            "web:statistics-csv",
            "web:statistics-xlsx",
            "web:statistics-youths",
            "web:statistics-measure-youths",
            "web:statistics-exams",
            "web:statistics-prevention",
            "web:statistics-projects",
        )
    },
}

# Pages and actions on a youth's registration: role → the targets it may reach.
VIEW = {
    "advisor": {"own", "unit"},
    "coordinator": {"own", "unit"},
    "leader": {"own", "unit", "other_unit"},
    "office": {"own", "unit", "other_unit"},
    "project": set(),
    "admin": set(),
}
CHANGE = {
    "advisor": {"own"},
    "coordinator": {"own", "unit"},
    "leader": set(),
    "office": {"own", "unit", "other_unit"},
    "project": set(),
    "admin": set(),
}
# Of the youths a role may view, those whose page first asks for a reason ("break the glass",
# policy.needs_reason): everything outside the user's own caseload, except a unit coordinator's
# own unit. The reason page itself is "ok" (200) in the table above.
ASKED = {
    "advisor": {"unit"},
    "coordinator": set(),
    "leader": {"own", "unit", "other_unit"},
    "office": {"own", "unit", "other_unit"},
    "project": set(),
    "admin": set(),
}
OBJECT_URLS = {
    "web:youth": ("get", "person", VIEW),
    "web:contact-record": ("post", "registration", CHANGE),
    "web:status-record": ("post", "registration", CHANGE),
    "web:reason-record": ("post", "registration", CHANGE),
    "web:note-add": ("post", "registration", CHANGE),
    # Appointments: booked on the registration; moved, cancelled, recorded as held through the
    # appointment (its registration's CHANGE decides).
    "web:appointment-book": ("post", "registration", CHANGE),
    "web:appointment-move": ("post", "appointment", CHANGE),
    "web:appointment-cancel": ("post", "appointment", CHANGE),
    "web:appointment-held": ("post", "appointment", CHANGE),
    "web:partner-add": ("post", "registration", CHANGE),
    "web:consent-record": ("post", "registration", CHANGE),
    "web:plan-save": ("post", "registration", CHANGE),
    "web:exam-register": ("post", "registration", CHANGE),
    "web:prevention-open": ("post", "registration", CHANGE),
    "web:project-join": ("post", "registration", CHANGE),
    "web:carry-over": ("post", "registration", CHANGE),
    "web:transfer-send": ("post", "registration", CHANGE),
    "web:letter-create": ("post", "registration", CHANGE),
    "web:letter-block": ("post", "person", CHANGE),
    "web:enrolment-create": ("post", "registration", CHANGE),
    "web:placement-create": ("post", "registration", CHANGE),
    "web:autumn-outcome": ("post", "registration", CHANGE),
    "web:person-contact": ("post", "person", CHANGE),
    "web:guardian-add": ("post", "person", CHANGE),
    # The county leader's own county only (a 403 elsewhere), whatever unit or caseload.
    "web:access-report": (
        "get",
        "person",
        {**{role: set() for role in ROLES}, "leader": {"own", "unit", "other_unit"}},
    ),
    "web:assign": (
        "post",
        "registration",
        {
            "advisor": set(),
            "coordinator": {"own", "unit"},
            "leader": {"own", "unit", "other_unit"},
            "office": {"own", "unit", "other_unit"},
            "project": set(),
            "admin": set(),
        },
    ),
    # Moving to another unit: ASSIGN, like reassigning (registry.registration_move_unit).
    "web:move-unit": (
        "post",
        "registration",
        {
            "advisor": set(),
            "coordinator": {"own", "unit"},
            "leader": {"own", "unit", "other_unit"},
            "office": {"own", "unit", "other_unit"},
            "project": set(),
            "admin": set(),
        },
    ),
}
# The youth page's forms, fetched when opened (`/ungdom/<id>/skjema/<key>/`, web/lazy_forms.py):
# the checks of the page (VIEW on the youth; a stated reason where the page asks for one: "no"
# until then, "ok" after) and a form the page offers this user (404 otherwise). Key → the
# targets each role gets the form for; `{reg}` is the target's registration.
ASSIGN = {
    "advisor": set(),
    "coordinator": {"own", "unit"},
    "leader": {"own", "unit", "other_unit"},
    "office": {"own", "unit", "other_unit"},
    "project": set(),
    "admin": set(),
}
FORM_FRAGMENTS = {
    "contact-{reg}": CHANGE,
    "status-{reg}": CHANGE,
    "plan-{reg}": CHANGE,
    "letter-{reg}": CHANGE,
    "enrol-{reg}": CHANGE,
    "exam-{reg}": CHANGE,
    "transfer-{reg}": CHANGE,
    "letter-block": CHANGE,  # the person's: any registration the user may change
    # Reassigning sits with the actions of those who may change; moving needs ASSIGN only.
    "assign-{reg}": {role: CHANGE[role] & ASSIGN[role] for role in ROLES},
    "move-unit-{reg}": ASSIGN,
}
HTMX = {"HX-Request": "true"}

# Reached only through their own tests (they need other objects than a registration).
ELSEWHERE = {
    "web:working-list-save": "tests/web/test_views.py (any logged-in user; own lists only)",
    "web:working-list-delete": "tests/web/test_views.py (the owner only)",
    "web:consent-withdraw": "tests/web/test_views.py (those who may change the registration)",
    "web:letter-download": "tests/letters/test_authorization.py (those who may view the registration)",
    "web:letter-batch": "tests/letters/test_batch_views.py (batches in the user's unit or county)",
    "web:letter-batch-status": "tests/letters/test_batch_views.py (as web:letter-batch)",
    "web:letter-batch-retry": "tests/letters/test_batch_views.py (as web:letter-batch; POST)",
    "web:retention-run": "tests/privacy/test_views.py (the county leader only)",
    "web:intake-run": "tests/intake/test_views.py (runs of the user's unit or county)",
    "web:intake-confirm": "tests/intake/test_views.py (as web:intake-run)",
    "web:intake-run-status": "tests/intake/test_views.py (as web:intake-run)",
    "web:report": "tests/reports/test_views.py (the county's reports: leader, office)",
    "web:report-status": "tests/reports/test_views.py (as web:report)",
    "web:report-download": "tests/reports/test_views.py (as web:report; audited)",
    "web:report-again": "tests/reports/test_views.py (as web:report; POST)",
    "web:referral": "tests/public/test_referrals.py (the referral's unit coordinator, the office)",
    "web:referral-match": "tests/public/test_referrals.py (as web:referral)",
    "web:referral-register": "tests/public/test_referrals.py (as web:referral)",
    "web:referral-close": "tests/public/test_referrals.py (as web:referral)",
    "web:enrolment-end": "tests/measures/test_views.py (those who may change the registration)",
    "web:enrolment-status": "tests/measures/test_views.py (as web:enrolment-end)",
    "web:follow-up-record": "tests/measures/test_views.py (as web:enrolment-end)",
    "web:placement-end": "tests/measures/test_views.py (as web:enrolment-end)",
    "web:measure-edit": "tests/measures/test_views.py (policy `measures`: own unit or county)",
    "web:exam-result": "tests/exams/test_views.py (those who may change the registration)",
    "web:prevention-meeting": "tests/prevention/test_views.py (those who may change it)",
    "web:prevention-outcome": "tests/prevention/test_views.py (those who may change it)",
    "web:project": "tests/projects/test_views.py (those who may see the project)",
    "web:project-outcome": "tests/projects/test_views.py (those who may manage the project)",
}


def web_url_names() -> set[str]:
    resolver = get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        namespace = getattr(pattern, "namespace", None)
        if namespace == "web":
            names |= {f"web:{p.name}" for p in pattern.url_patterns if p.name}
    return names


def test_every_url_of_the_staff_app_is_in_the_matrix():
    decided = set(PAGES) | set(OBJECT_URLS) | set(ELSEWHERE) | {"web:youth-form"}
    assert web_url_names() - decided == set(), "add the new URL to the authorization matrix"


@pytest.fixture
def world(vestfold, telemark, tonsberg, horten, advisor, make_person):
    grenland, _ = organisation.unit_upsert(
        actor=None, county=telemark, key="u-gren", name="Grenland", municipalities=["4003"]
    )

    def staff(username, role, county=vestfold, unit=None):
        return organisation.staff_user_create(
            actor=None,
            username=username,
            password="pw-123456789",
            role=role,
            county=county,
            unit=unit,
        )

    users = {
        "advisor": advisor,
        "coordinator": staff("trine", Role.UNIT_COORDINATOR, unit=tonsberg),
        "leader": staff("lise", Role.COUNTY_LEADER),
        "office": staff("ola", Role.OFFICE),
        "project": staff("pia", Role.PROJECT_WORKER, unit=tonsberg),
        "admin": staff("siv", Role.ADMINISTRATOR),
    }
    per = staff("per", Role.ADVISOR, unit=horten)
    gro = staff("gro", Role.ADVISOR, county=telemark, unit=grenland)

    def register(unit, owner, county=vestfold, birth=date(2006, 1, 1)):
        registration = registry.registration_create(
            actor=None,
            person=make_person(birth_date=birth, county=county),
            school_year=2024,
            registered_on=date(2024, 8, 20),
            reason="not_applied",
            unit=unit,
        )
        if owner:
            registry.registration_assign(actor=None, registration=registration, advisor=owner)
        casework.appointment_book(
            actor=None,
            registration=registration,
            starts_at=timezone.now() + timedelta(days=7),
            duration_minutes=45,
            mode="phone",
        )
        return registration

    targets = {
        "own": register(tonsberg, advisor, birth=date(2006, 1, 1)),
        "unit": register(tonsberg, users["coordinator"], birth=date(2006, 1, 2)),
        "other_unit": register(horten, per, birth=date(2006, 1, 3)),
        "other_county": register(grenland, gro, county=telemark, birth=date(2006, 1, 4)),
    }
    return users, targets


def outcome(response) -> str:
    if response.status_code in (403, 404):
        return "no"
    if response.status_code == 302 and "/logg-inn/" in response.url:
        return "login"
    if response.status_code in (200, 302, 400):
        # 400: the request passed the policy and was refused for its content (empty form).
        return "ok"
    raise AssertionError(f"unexpected status {response.status_code}")


def test_pages_by_role(client, world):
    users, _ = world
    from django.urls import reverse

    for name, expected in PAGES.items():
        client.logout()
        assert outcome(client.get(reverse(name))) == "login", name
        for role, want in expected.items():
            client.force_login(users[role])
            got = outcome(client.get(reverse(name), follow=False))
            assert got == want, f"{role} on {name}: {got}, expected {want}"


def test_object_urls_by_role_and_target(client, world):
    users, targets = world
    from django.urls import reverse

    for name, (method, kind, allowed) in OBJECT_URLS.items():
        for target_name, registration in targets.items():
            if kind == "person":
                pk = registration.person_id
            elif kind == "appointment":
                pk = registration.appointments.get().pk
            else:
                pk = registration.pk
            url = reverse(name, args=[pk])
            client.logout()
            assert outcome(getattr(client, method)(url)) == "login", name
            for role in ROLES:
                client.force_login(users[role])
                got = outcome(getattr(client, method)(url))
                want = "ok" if target_name in allowed[role] else "no"
                assert got == want, f"{role} → {name} on {target_name}: {got}, expected {want}"


def test_youth_page_asks_for_a_reason_outside_the_caseload(client, world):
    users, targets = world
    from django.urls import reverse

    for role in ROLES:
        client.force_login(users[role])
        for target_name, registration in targets.items():
            if target_name not in VIEW[role]:
                continue
            response = client.get(reverse("web:youth", args=[registration.person_id]))
            asked = "web/access_reason.html" in [t.name for t in response.templates]
            want = target_name in ASKED[role]
            assert asked == want, f"{role} on {target_name}: asked={asked}, expected {want}"
            if asked:
                assert registration.person.family_name not in response.content.decode()


def test_youth_page_forms_by_role_and_target(client, world):
    """A form of the youth page comes only to whom the page offers it, and, where the page asks
    for a reason, only once the reason is stated."""
    users, targets = world
    from django.urls import reverse

    for key, allowed in FORM_FRAGMENTS.items():
        for target_name, registration in targets.items():
            person = registration.person_id
            url = reverse("web:youth-form", args=[person, key.format(reg=registration.pk)])
            client.logout()
            assert outcome(client.get(url, headers=HTMX)) == "login", key
            for role in ROLES:
                client.logout()
                client.force_login(users[role])
                offered = target_name in allowed[role]
                asked = target_name in ASKED[role]
                got = outcome(client.get(url, headers=HTMX))
                want = "ok" if offered and not asked else "no"
                assert got == want, f"{role} → {key} on {target_name}: {got}, expected {want}"
                if offered and asked:
                    page = reverse("web:youth", args=[person])
                    assert client.post(page, {"reason": "Ringte oss"}).status_code == 302
                    got = outcome(client.get(url, headers=HTMX))
                    assert got == "ok", f"{role} → {key} on {target_name} after the reason"
