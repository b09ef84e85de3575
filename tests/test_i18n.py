"""Veiviser speaks Norwegian bokmål: the catalogue is complete and compiled, and Django uses it."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.utils import translation

from veiviser.organisation import services as organisation
from veiviser.organisation.models import Role
from veiviser.people.models import Person
from veiviser.registry.models import Registration

TOOL = Path(__file__).resolve().parent.parent / "tools" / "i18n.py"


@pytest.fixture(scope="module")
def i18n():
    spec = importlib.util.spec_from_file_location("veiviser_i18n_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_every_catalogue_entry_is_translated_and_compiled(i18n):
    assert i18n.catalogue_problems() == []


def test_every_source_string_is_in_the_catalogue(i18n):
    # Fails when a string was added or changed without `make messages` and a translation.
    assert i18n.source_problems() == []


def test_extract_finds_gettext_calls_with_literal_texts(i18n, tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(
        "from django.utils.translation import gettext_lazy as _, pgettext, ngettext\n"
        "from django.utils import translation\n"
        "A = _('plain')\n"
        "B = translation.gettext('attribute')\n"
        "C = pgettext('month', 'May')\n"
        "D = ngettext('%(n)s youth', '%(n)s youths', 2)\n"
        "E = _(f'{A} dynamic')\n"
        "F = _('plain')\n",
        encoding="utf-8",
    )
    messages, skipped = i18n.extract_messages(package)
    assert [(m.msgctxt, m.msgid, m.msgid_plural) for m in messages] == [
        (None, "plain", None),
        (None, "attribute", None),
        ("month", "May", None),
        (None, "%(n)s youth", "%(n)s youths"),
    ]
    assert [(s.line, s.function) for s in skipped] == [(7, "_")]


def test_extract_keeps_translations_and_drops_what_left_the_source(i18n, tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    po_path = tmp_path / "django.po"
    (package / "mod.py").write_text("_('kept')\n_('gone')\n", encoding="utf-8")
    i18n.extract(po_path, package)
    po = i18n.polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = {"kept": "beholdt", "gone": "borte"}[entry.msgid]
    po.save(str(po_path))
    (package / "mod.py").write_text("_('kept')\n_('new')\n", encoding="utf-8")
    assert i18n.extract(po_path, package) == {"kept": 1, "added": 1, "dropped": 1}
    po = i18n.polib.pofile(str(po_path))
    assert {e.msgid: e.msgstr for e in po} == {"kept": "beholdt", "new": ""}


def test_check_finds_a_stale_mo_file(i18n, tmp_path):
    po_path, mo_path = tmp_path / "django.po", tmp_path / "django.mo"
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text("_('county')\n", encoding="utf-8")
    i18n.extract(po_path, package)
    po = i18n.polib.pofile(str(po_path))
    po[0].msgstr = "fylke"
    po.save(str(po_path))
    i18n.compile_catalogue(po_path, mo_path)
    assert i18n.check(po_path, mo_path, package) == []
    po[0].msgstr = "fylkeskommune"
    po.save(str(po_path))
    assert any("not compiled from" in p for p in i18n.catalogue_problems(po_path, mo_path))


def test_check_finds_placeholders_that_differ(i18n, tmp_path):
    po_path, mo_path = tmp_path / "django.po", tmp_path / "django.mo"
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text("_('%(n)s youths')\n", encoding="utf-8")
    i18n.extract(po_path, package)
    po = i18n.polib.pofile(str(po_path))
    po[0].msgstr = "%(antall)s ungdommer"
    po.save(str(po_path))
    i18n.compile_catalogue(po_path, mo_path)
    assert any("placeholders differ" in p for p in i18n.catalogue_problems(po_path, mo_path))


def test_model_names_are_in_bokmal():
    with translation.override("nb"):
        assert str(Person._meta.verbose_name) == "ungdom"
        assert str(Person._meta.verbose_name_plural) == "ungdommer"
        assert str(Registration._meta.verbose_name) == "tilmelding"
        assert str(Registration._meta.get_field("school_year").verbose_name) == "skoleår"


def test_bokmal_is_the_default_language(client, db):
    response = client.get("/admin/login/")
    assert response["Content-Language"] == "nb"


def test_admin_index_is_in_bokmal(client, vestfold):
    admin = organisation.staff_user_create(
        actor=None,
        username="admin",
        password="not-a-real-password-1",
        role=Role.ADMINISTRATOR,
        county=vestfold,
    )
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Ungdommer", "Tilmeldinger og status", "Kodeverk og regler", "Revisjonsspor"):
        assert text in page
    assert "Young people" not in page


def test_extract_finds_template_translations(i18n, tmp_path):
    package = tmp_path / "pkg"
    (package / "templates" / "app").mkdir(parents=True)
    (package / "templates" / "app" / "page.html").write_text(
        "{% load i18n %}<p>\n"
        "  {% translate 'Log in' %}</p>\n"
        '    {% translate "May" context "month" %}\n'
        "{% blocktranslate count n=3 %}{{ n }} youth{% plural %}{{ n }} youths"
        "{% endblocktranslate %}\n"
        "{% blocktranslate trimmed with name=user.name %}\n  Hello {{ name }}\n"
        "{% endblocktranslate %}\n",
        encoding="utf-8",
    )
    (package / "static").mkdir()
    (package / "static" / "not-a-template.html").write_text(
        "{% translate 'ignored' %}", encoding="utf-8"
    )
    messages, skipped = i18n.extract_messages(package)
    assert [(m.msgctxt, m.msgid, m.msgid_plural) for m in messages] == [
        (None, "Log in", None),
        ("month", "May", None),
        (None, "%(n)s youth", "%(n)s youths"),
        (None, "Hello %(name)s", None),
    ]
    assert messages[0].files == ["pkg/templates/app/page.html"]
    assert skipped == []
