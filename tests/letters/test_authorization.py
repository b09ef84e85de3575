"""The letters' URLs in the authorization matrix (tests/test_authorization_matrix.py): every
role × a youth in the own caseload, the own unit, another unit, another county."""

import pytest
from django.urls import reverse

from tests.test_authorization_matrix import CHANGE, ROLES, VIEW, outcome, world  # noqa: F401
from veiviser.letters import services
from veiviser.letters.models import LetterTemplate

pytestmark = pytest.mark.django_db

# The rows to add to tests/test_authorization_matrix.py's OBJECT_URLS.
LETTER_URLS = {
    "web:letter-create": ("post", "registration", CHANGE),
    "web:letter-block": ("post", "person", CHANGE),
}


def test_letter_urls_by_role_and_target(client, world):  # noqa: F811
    users, targets = world
    for name, (method, kind, allowed) in LETTER_URLS.items():
        for target_name, registration in targets.items():
            pk = registration.person_id if kind == "person" else registration.pk
            url = reverse(name, args=[pk])
            client.logout()
            assert outcome(getattr(client, method)(url)) == "login", name
            for role in ROLES:
                client.force_login(users[role])
                got = outcome(getattr(client, method)(url))
                want = "ok" if target_name in allowed[role] else "no"
                assert got == want, f"{role} → {name} on {target_name}: {got}, expected {want}"


def test_letter_download_by_role_and_target(client, world):  # noqa: F811
    users, targets = world
    template = LetterTemplate.objects.get(key="informasjon-ungdom", active=True)
    for target_name, registration in targets.items():
        letter = services.letter_create(actor=None, registration=registration, template=template)
        url = reverse("web:letter-download", args=[letter.pk])
        client.logout()
        assert outcome(client.get(url)) == "login"
        for role in ROLES:
            client.force_login(users[role])
            got = outcome(client.get(url))
            want = "ok" if target_name in VIEW[role] else "no"
            assert got == want, f"{role} → download on {target_name}: {got}, expected {want}"
