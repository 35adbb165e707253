"""The message catalogues: complete in both languages, and every key the code uses is in them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from queue_server.core import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "queue_server"

# Callables whose literal arguments are message keys: name -> positions tried, last given wins.
KEY_ARGUMENTS = {
    "message": (0,), "DomainError": (0,), "NotFound": (0,), "Unauthorized": (0,),
    "Forbidden": (0,), "InvalidInput": (0, 1), "Conflict": (0, 1), "RateLimited": (1,),
    "_Refusal": (0,), "Problem": (1, 3), "error_response": (1, 2),
}
# Page helpers: name -> (msgctxt, positions); admin's error page falls back to the messages.
PAGE_ARGUMENTS = {"_error_page": ("counter", (0, 1)), "error_page": ("admin", (0, 1))}
# The slip's helpers: its own texts and the kiosk's (labelled() takes a kiosk label).
SLIP_HELPERS = {"text": "slip", "kiosk_text": "kiosk", "labelled": "kiosk"}
TEMPLATE_CONTEXTS = {"admin": "admin", "counter": "counter", "login": "login",
                     "dashboard": "dashboard", "procedures": "procedures"}
SCRIPT_CONTEXTS = {"web/static/counter.js": "counter", "web/static/paper-form.js": "counter",
                   "web/dashboard/static/dashboard.js":
                   "dashboard", "web/dashboard/static/province.js": "dashboard",
                   "web/dashboard/static/report.js": "dashboard",
                   "web/dashboard/static/procedures-report.js": "dashboard"}
KIOSK_PAGE_USE = re.compile(r'data-text="(\w+)"')
KIOSK_SCRIPT_USE = re.compile(r"(?<![./])\b(?:strings|texts\(\))\.(\w+)\b")
# Formatting that strings.js does itself, with no text of its own.
KIOSK_SCRIPT_ONLY = {"counterList"}
KIOSK_STRINGS_USE = re.compile(r"""\btext\("(\w+)"|\btexts\.(\w+)\b""")
# The citizen's pages and the TV embed their texts like the kiosk: texts.vi.key in the templates,
# text("key") in strings.js, strings.key in the scripts, boardText("key") in the TV's script.
EMBEDDED_PAGE_USE = re.compile(r'data-text="(\w+)"|\btexts\.(?:vi|en)\.(\w+)\b')
# The rating form's choices, built in strings.js from their own keys.
CITIZEN_SCRIPT_ONLY = {"levels", "reasons", "visits"}
CITIZEN_SCRIPTS = ("ticket.js", "tablet.js", "rating-form.js", "reply.js", "notify.js")
DISPLAY_SCRIPT_USE = re.compile(r'\bboardText\("(\w+)"')
TEXT_USE = re.compile(r"""\bt(?:\.(\w+)\b(?!\s*\()|\[["'](\w+)["']\]|\.get\(["'](\w+)["'])""")


def _entries(language: str) -> dict:
    with i18n.catalogue_path(language).open("rb") as po_file:
        return {(entry.context, entry.id): entry.string
                for entry in read_po(po_file, locale=language) if entry.id}


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", "")


def _uses_in_python() -> set[tuple[str | None, str, str]]:
    """(context, key, where) for every literal key passed to a message-taking call."""
    uses = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and _is_error_class(node):
                uses |= {(None, key, where) for key in _class_codes(node)}
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_HTTP_CODES":
                uses |= {(None, key, where) for value in node.value.values
                         if (key := _literal(value))}
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            if name in KEY_ARGUMENTS:
                given = [node.args[i] for i in KEY_ARGUMENTS[name] if i < len(node.args)]
                given += [kw.value for kw in node.keywords if kw.arg == "message_key"]
                key = _literal(given[-1]) if given else None
                if key:
                    uses.add((None, key, where))
            if name in PAGE_ARGUMENTS:
                context, positions = PAGE_ARGUMENTS[name]
                uses |= {(context, key, where) for i in positions if i < len(node.args)
                         if (key := _literal(node.args[i]))}
            if name == "_refusal" and where.endswith("web/ticket_page.py"):
                uses |= {("ticket_page", f"{reason}_{part}", where) for part in ("title", "text")
                         if (reason := _literal(node.args[1]))}
            if (name == "text" and "/web/" in where and len(node.args) >= 2
                    and (context := _literal(node.args[0])) and (key := _literal(node.args[1]))):
                uses.add((context, key, where))
            if (name in SLIP_HELPERS and node.args and where.endswith("printing/slips.py")
                    and (key := _literal(node.args[0]))):
                uses.add((SLIP_HELPERS[name], key, where))
    return uses


def _is_error_class(node: ast.ClassDef) -> bool:
    return any(getattr(base, "id", "") in KEY_ARGUMENTS or getattr(base, "id", "") in
               {"RateLimited", "Unavailable"} for base in node.bases)


def _class_codes(node: ast.ClassDef) -> list[str]:
    return [value for statement in node.body if isinstance(statement, ast.Assign)
            for target in statement.targets if getattr(target, "id", "") == "code"
            if (value := _literal(statement.value))]


def _uses_in_pages() -> set[tuple[str | None, str, str]]:
    """(context, key, where) for every t.key / t["key"] in the templates and page scripts."""
    uses = set()
    for path in PACKAGE.rglob("*.html"):
        context = TEMPLATE_CONTEXTS.get(path.name.split(".")[0])
        if context:
            uses |= _text_uses(path, context)
    for relative, context in SCRIPT_CONTEXTS.items():
        uses |= _text_uses(PACKAGE / relative, context)
    return uses


def _text_uses(path: Path, context: str,
               pattern: re.Pattern = TEXT_USE) -> set[tuple[str | None, str, str]]:
    where = str(path.relative_to(ROOT))
    return {(context, next(group for group in match.groups() if group), where)
            for match in pattern.finditer(path.read_text(encoding="utf-8"))}


def _uses_in_kiosk() -> set[tuple[str | None, str, str]]:
    """The kiosk's keys: data-text="key" in its page, strings.key and texts().key in its
    script, text("key") in strings.js."""
    kiosk = ROOT / "kiosk"
    return (_text_uses(kiosk / "templates" / "kiosk.page.html", "kiosk", KIOSK_PAGE_USE)
            | _text_uses(kiosk / "templates" / "kiosk.procedures.html", "kiosk", KIOSK_PAGE_USE)
            | {use for script in ("kiosk.js", "procedures.js")
               for use in _text_uses(kiosk / "static" / script, "kiosk", KIOSK_SCRIPT_USE)
               if use[1] not in KIOSK_SCRIPT_ONLY}
            | _text_uses(kiosk / "static" / "strings.js", "kiosk", KIOSK_STRINGS_USE))


def _uses_in_citizen_pages() -> set[tuple[str | None, str, str]]:
    """The ticket page's and the rating tablet's keys (msgctxt "citizen"), found as the kiosk's."""
    citizen = PACKAGE / "web" / "citizen"
    uses = set()
    for page in ("ticket.page.html", "rating.page.html"):
        uses |= _text_uses(citizen / "templates" / page, "citizen", EMBEDDED_PAGE_USE)
    for script in CITIZEN_SCRIPTS:
        uses |= {use for use in _text_uses(citizen / "static" / script, "citizen", KIOSK_SCRIPT_USE)
                 if use[1] not in CITIZEN_SCRIPT_ONLY}
    return uses | _text_uses(citizen / "static" / "strings.js", "citizen", KIOSK_STRINGS_USE)


def _uses_in_display() -> set[tuple[str | None, str, str]]:
    """The TV's keys (msgctxt "display"): texts.vi.key in its page, boardText("key") in its JS."""
    display = ROOT / "display"
    return (_text_uses(display / "templates" / "display.page.html", "display", EMBEDDED_PAGE_USE)
            | _text_uses(display / "static" / "display.js", "display", DISPLAY_SCRIPT_USE))


def _missing(uses: set[tuple[str | None, str, str]]) -> list[tuple[str, str | None, str]]:
    known = set(_entries("vi"))
    return sorted((where, context, key) for context, key, where in uses
                  if (context, key) not in known)


def test_both_catalogues_hold_the_same_keys():
    assert set(_entries("vi")) == set(_entries("en"))


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_no_catalogue_entry_is_empty(language):
    assert [key for key, text in _entries(language).items() if not text.strip()] == []


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_placeholders_agree_between_languages(language):
    other = _entries("en" if language == "vi" else "vi")
    fields = re.compile(r"\{(\w+)\}")
    assert [key for key, text in _entries(language).items()
            if set(fields.findall(text)) != set(fields.findall(other[key]))] == []


def test_every_message_key_used_in_code_is_in_both_catalogues():
    known = set(_entries("vi"))
    missing = sorted((where, context, key) for context, key, where in _uses_in_python()
                     if (context, key) not in known
                     and not (context == "admin" and (None, key) in known))
    assert missing == []


def test_every_text_used_in_templates_and_page_scripts_is_in_the_catalogue():
    known = set(_entries("vi"))
    missing = sorted((where, key) for context, key, where in _uses_in_pages()
                     if (context, key) not in known)
    assert missing == []


def test_every_text_the_kiosk_uses_is_in_the_catalogue():
    known = set(_entries("vi"))
    missing = sorted((where, key) for context, key, where in _uses_in_kiosk()
                     if (context, key) not in known)
    assert missing == []


def test_every_text_the_citizen_pages_use_is_in_the_catalogue():
    assert _missing(_uses_in_citizen_pages()) == []


def test_every_text_the_display_uses_is_in_the_catalogue():
    assert _missing(_uses_in_display()) == []


def test_a_key_missing_from_the_catalogue_is_reported(tmp_path):
    script = tmp_path / "script.js"
    script.write_text('strings.noSuchText; text("noSuchFormat"); boardText("noSuchBoard");\n'
                      'strings.statusDone; boardText("paused");', encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text('<p data-text="noSuchLabel">{{ texts.en.noSuchEnglish }}</p>', encoding="utf-8")
    uses = (_text_uses_anywhere(script, "citizen", KIOSK_SCRIPT_USE)
            | _text_uses_anywhere(script, "citizen", KIOSK_STRINGS_USE)
            | _text_uses_anywhere(script, "display", DISPLAY_SCRIPT_USE)
            | _text_uses_anywhere(page, "display", EMBEDDED_PAGE_USE))
    assert _missing(uses) == [("scratch", "citizen", "noSuchFormat"),
                              ("scratch", "citizen", "noSuchText"),
                              ("scratch", "display", "noSuchBoard"),
                              ("scratch", "display", "noSuchEnglish"),
                              ("scratch", "display", "noSuchLabel")]


def _text_uses_anywhere(path: Path, context: str, pattern: re.Pattern) -> set:
    return {(context, next(group for group in match.groups() if group), "scratch")
            for match in pattern.finditer(path.read_text(encoding="utf-8"))}


def test_the_scan_finds_the_keys_it_should():
    keys = {(context, key) for context, key, _ in
            _uses_in_python() | _uses_in_pages() | _uses_in_kiosk()
            | _uses_in_citizen_pages() | _uses_in_display()}
    assert {(None, "unknown_counter"), (None, "voice_unavailable"), (None, "too_many_attempts"),
            (None, "method_not_allowed"), (None, "invalid_field"),
            ("slip", "heading"), ("kiosk", "qrCaption"), ("kiosk", "smsDoneOne"),
            ("kiosk", "choose"), ("kiosk", "languageSwitch"), ("counter", "call_next"),
            ("admin", "forbidden_title"), ("ticket_page", "not_found_text"),
            ("rating_page", "unknown_counter_text"), ("citizen", "nearTextOne"),
            ("citizen", "statusWaitingOne"), ("citizen", "reason_other"),
            ("citizen", "statusNoShow"), ("citizen", "unpairedHelp"),
            ("citizen", "countdown"), ("display", "calledTo"), ("display", "nowServing"),
            ("display", "offline"), ("display", "notFoundHeading"),
            ("citizen", "replyTitle")} <= keys


def test_a_missing_key_raises_instead_of_showing_the_key():
    with pytest.raises(i18n.MissingMessage):
        i18n.message("no_such_message_key", "vi")
    with pytest.raises(i18n.MissingMessage):
        i18n.text("counter", "no_such_text", "en")


def test_messages_keep_their_texts_and_parameters():
    assert i18n.message("unknown_counter", "vi", counter=7) == "Không có quầy số 7."
    assert i18n.message("unknown_counter", "en", counter=7) == "There is no counter 7."
    assert i18n.page_texts("login", "en")["title"] == "Log in"


def test_the_screens_get_the_same_catalogue_as_json():
    exported = i18n.catalogue_json("vi")
    assert exported["messages"]["office_closed"] == i18n.lookup("office_closed", "vi")
    assert exported["counter"] == i18n.page_texts("counter", "vi")


def test_the_catalogue_is_served_as_json_for_the_screens(client):
    answer = client.get("/i18n/en.json")
    assert answer.status_code == 200
    assert answer.get_json()["messages"]["unknown_counter"] == "There is no counter {counter}."
    assert answer.get_json()["slip"]["your_turn"] == "It is your turn"
    assert client.get("/i18n/fr.json").status_code == 404
