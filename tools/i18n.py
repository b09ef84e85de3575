"""Veiviser's bokmål message catalogue, maintained without GNU gettext.

    .venv/bin/python tools/i18n.py extract   source strings -> locale/nb/LC_MESSAGES/django.po
    .venv/bin/python tools/i18n.py compile   django.po -> django.mo
    .venv/bin/python tools/i18n.py check     non-zero exit if anything is untranslated or stale

User-visible text is written in English in the code, marked with `_()` / `gettext_lazy()` and
friends (in templates `{% translate %}` and `{% blocktranslate %}`), and shown in Norwegian bokmål (LANGUAGE_CODE "nb"). Django's `makemessages` and
`compilemessages` need GNU gettext, which the machines do not have; this script does the same
for Python sources with the standard `ast` module, for templates with Django's own `templatize`
(what `makemessages` feeds to xgettext), and polib (a dev dependency). Both the .po and
the .mo are committed, so a running Veiviser needs neither.

`extract` keeps existing translations, adds new strings untranslated and drops strings that are
no longer in the source. Occurrence comments name the file only (no line numbers), so editing a
module does not churn the catalogue; entries stay in source order.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tempfile
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PACKAGE = SRC / "veiviser"
LANGUAGE = "nb"
PO_PATH = PACKAGE / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Function name -> positions of (context, singular, plural) among the positional arguments.
GETTEXT_FUNCTIONS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}

METADATA = {
    "Project-Id-Version": "veiviser",
    "Language": LANGUAGE,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}
HEADER = (
    "Veiviser, norsk bokmål.\n"
    "Maintained with tools/i18n.py (make messages): translate each empty msgstr, then compile."
)

# %(name)s, %s, %d … as Python's %-formatting reads them (%% is a literal percent sign).
PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


@dataclass
class Message:
    msgctxt: str | None
    msgid: str
    msgid_plural: str | None
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


@dataclass(frozen=True)
class Skipped:
    """A gettext call whose text is not a literal: it cannot be translated through the catalogue."""

    file: str
    line: int
    function: str


def _function_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):  # translation.gettext_lazy(...)
        return node.func.attr
    return None


def _literal(args: list[ast.expr], index: int | None) -> str | None:
    if index is None or index >= len(args):
        return None
    arg = args[index]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    return None


def source_files(package: Path = PACKAGE) -> list[Path]:
    # Migrations freeze verbose names as plain literals and are never shown to users.
    return sorted(
        path
        for path in package.rglob("*.py")
        if "__pycache__" not in path.parts and "migrations" not in path.parts
    )


TEMPLATE_SUFFIXES = {".html", ".txt"}


def template_files(package: Path = PACKAGE) -> list[Path]:
    return sorted(
        path
        for path in package.rglob("*")
        if path.suffix in TEMPLATE_SUFFIXES and "templates" in path.relative_to(package).parts
    )


def _template_calls(source: str) -> list[ast.Call]:
    """The gettext calls of a template, as Python call nodes.

    Django's `templatize` turns a template into text that xgettext reads as Python: every
    translatable string becomes a call such as ` gettext('text') ` or
    ` npgettext('context', 'one', 'many', count) `, and everything else is blanked out with
    letters. The calls are picked out of that text token by token and parsed on their own.
    """
    from django.utils.translation.template import templatize

    # Without the indentation, which means nothing here and need not be consistent.
    text = "\n".join(line.lstrip() for line in templatize(source).splitlines())
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER}
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in skip]
    calls = []
    for index, token in enumerate(tokens[:-1]):
        if token.type != tokenize.NAME or token.string not in GETTEXT_FUNCTIONS:
            continue
        if tokens[index + 1].string != "(":
            continue
        depth, end = 0, index + 1
        for end in range(index + 1, len(tokens)):
            depth += {"(": 1, ")": -1}.get(tokens[end].string, 0)
            if depth == 0:
                break
        call_text = " ".join(t.string for t in tokens[index : end + 1])
        node = ast.parse(call_text, mode="eval").body
        assert isinstance(node, ast.Call)
        node.lineno, node.col_offset = token.start
        calls.append(node)
    return calls


def _python_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def extract_messages(package: Path = PACKAGE) -> tuple[list[Message], list[Skipped]]:
    """Every literal passed to a gettext function in the package's Python sources, then in its
    templates, in source order."""
    found: dict[tuple[str | None, str], Message] = {}
    skipped: list[Skipped] = []
    sources = [(path, _python_calls) for path in source_files(package)]
    sources += [
        (path, lambda path: _template_calls(path.read_text(encoding="utf-8")))
        for path in template_files(package)
    ]
    for path, find_calls in sources:
        relative = path.relative_to(package.parent).as_posix()
        calls = find_calls(path)
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            name = _function_name(node)
            if name not in GETTEXT_FUNCTIONS:
                continue
            ctxt_at, singular_at, plural_at = GETTEXT_FUNCTIONS[name]
            msgid = _literal(node.args, singular_at)
            msgctxt = _literal(node.args, ctxt_at)
            plural = _literal(node.args, plural_at)
            if (
                msgid is None
                or (ctxt_at is not None and msgctxt is None)
                or (plural_at is not None and plural is None)
            ):
                skipped.append(Skipped(relative, node.lineno, name))
                continue
            message = found.setdefault(
                (msgctxt, msgid), Message(msgctxt=msgctxt, msgid=msgid, msgid_plural=plural)
            )
            if message.msgid_plural is None and plural is not None:
                message.msgid_plural = plural
            if relative not in message.files:
                message.files.append(relative)
    return list(found.values()), skipped


def _is_python_format(text: str) -> bool:
    return bool(PERCENT_PLACEHOLDER.search(text.replace("%%", "")))


def _new_catalogue() -> polib.POFile:
    po = polib.POFile(wrapwidth=100)
    po.header = HEADER
    po.metadata = dict(METADATA)
    return po


def load_catalogue(po_path: Path = PO_PATH) -> polib.POFile:
    if po_path.exists():
        po = polib.pofile(str(po_path), wrapwidth=100)
        po.metadata = {**po.metadata, **METADATA}
        return po
    return _new_catalogue()


def merge(old: polib.POFile, messages: list[Message]) -> tuple[polib.POFile, dict[str, int]]:
    """A catalogue with one entry per message, translations taken over from `old`."""
    existing = {(e.msgctxt, e.msgid): e for e in old if not e.obsolete}
    po = _new_catalogue()
    po.header = old.header or HEADER
    po.metadata = {**old.metadata, **METADATA}
    counts = {"kept": 0, "added": 0, "dropped": 0}
    for message in messages:
        before = existing.pop(message.key, None)
        entry = polib.POEntry(
            msgctxt=message.msgctxt,
            msgid=message.msgid,
            msgid_plural=message.msgid_plural or "",
            occurrences=[(file, "") for file in message.files],
        )
        if message.msgid_plural:
            entry.msgstr_plural = {0: "", 1: ""}
        if before is not None and before.msgid_plural == entry.msgid_plural:
            entry.msgstr = before.msgstr
            if message.msgid_plural:
                entry.msgstr_plural = dict(before.msgstr_plural) or entry.msgstr_plural
            entry.tcomment = before.tcomment
            if before.fuzzy:
                entry.flags.append("fuzzy")
            counts["kept"] += 1
        else:
            counts["added"] += 1
        if _is_python_format(message.msgid) or _is_python_format(message.msgid_plural or ""):
            entry.flags.append("python-format")
        po.append(entry)
    counts["dropped"] = len(existing)
    return po, counts


def extract(po_path: Path = PO_PATH, package: Path = PACKAGE) -> dict[str, int]:
    messages, skipped = extract_messages(package)
    for skip in skipped:
        print(
            f"{skip.file}:{skip.line}: {skip.function}() without a literal text is not extracted",
            file=sys.stderr,
        )
    po, counts = merge(load_catalogue(po_path), messages)
    po_path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(po_path))
    return counts


def compile_catalogue(po_path: Path = PO_PATH, mo_path: Path = MO_PATH) -> int:
    po = polib.pofile(str(po_path))
    po.save_as_mofile(str(mo_path))
    return len(po.translated_entries())


def _mo_contents(mo_path: Path) -> tuple[dict[str, str], set[tuple]]:
    mo = polib.mofile(str(mo_path))
    entries = {
        (
            e.msgctxt,
            e.msgid,
            e.msgid_plural or None,
            e.msgstr,
            tuple(sorted((int(k), v) for k, v in e.msgstr_plural.items())),
        )
        for e in mo
    }
    return dict(mo.metadata), entries


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PERCENT_PLACEHOLDER.finditer(text.replace("%%", "")))


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def catalogue_problems(po_path: Path = PO_PATH, mo_path: Path = MO_PATH) -> list[str]:
    """What is wrong with the catalogue itself: untranslated or fuzzy entries, placeholders
    that differ from the English, a .mo that is missing or not compiled from this .po."""
    if not po_path.exists():
        return [f"{_shown(po_path)} is missing: run `make messages`"]
    po = polib.pofile(str(po_path))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy (check and remove the flag): {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}")
        elif "python-format" in entry.flags:
            if entry.msgid_plural:
                pairs = [
                    (entry.msgid if int(index) == 0 else entry.msgid_plural, text)
                    for index, text in sorted(entry.msgstr_plural.items())
                ]
            else:
                pairs = [(entry.msgid, entry.msgstr)]
            for english, bokmal in pairs:
                if _placeholders(english) != _placeholders(bokmal):
                    problems.append(
                        f"placeholders differ: {english!r} has {_placeholders(english)}, "
                        f"{bokmal!r} has {_placeholders(bokmal)}"
                    )
    if not mo_path.exists():
        problems.append(f"{_shown(mo_path)} is missing: run `make messages`")
        return problems
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "django.mo"
        po.save_as_mofile(str(fresh))
        if _mo_contents(fresh) != _mo_contents(mo_path):
            problems.append(
                f"{_shown(mo_path)} was not compiled from the current "
                f"{po_path.name}: run `make messages`"
            )
    return problems


def source_problems(po_path: Path = PO_PATH, package: Path = PACKAGE) -> list[str]:
    """Where the catalogue and the source disagree: strings not extracted yet, or entries whose
    string has left the source."""
    messages, _skipped = extract_messages(package)
    in_source = {m.key for m in messages}
    in_catalogue = (
        {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path)) if not e.obsolete}
        if po_path.exists()
        else set()
    )
    problems = [
        f"not in the catalogue (run `make messages` and translate): {msgid!r}"
        for (_ctxt, msgid) in sorted(in_source - in_catalogue, key=str)
    ]
    problems += [
        f"no longer in the source (run `make messages`): {msgid!r}"
        for (_ctxt, msgid) in sorted(in_catalogue - in_source, key=str)
    ]
    return problems


def check(po_path: Path = PO_PATH, mo_path: Path = MO_PATH, package: Path = PACKAGE) -> list[str]:
    return source_problems(po_path, package) + catalogue_problems(po_path, mo_path)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in {"extract", "compile", "check"}:
        print("usage: i18n.py extract|compile|check", file=sys.stderr)
        return 2
    command = argv[0]
    relative_po = PO_PATH.relative_to(ROOT)
    if command == "extract":
        counts = extract()
        print(
            f"{relative_po}: {counts['kept']} kept, {counts['added']} new (untranslated), "
            f"{counts['dropped']} dropped"
        )
    elif command == "compile":
        translated = compile_catalogue()
        print(f"{MO_PATH.relative_to(ROOT)}: {translated} translated messages")
    else:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{relative_po}: {len(problems)} problem(s)", file=sys.stderr)
            return 1
        print(f"{relative_po}: complete and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
