"""Every user-facing message, from one gettext catalogue per language, Vietnamese first.

The catalogues are `translations/<language>/LC_MESSAGES/messages.po`: the msgid is the stable
key (the same as an API error code), the msgstr the text, and page texts sit under a msgctxt
naming the page ("admin", "counter", …). They are read once, on first use or at app creation.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from pathlib import Path

from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "translations"

_WEEKDAYS = {
    "vi": ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
_NEXT_WORKING_DAY = {"vi": "vào ngày làm việc tiếp theo", "en": "on the next working day"}


class MissingMessage(LookupError):
    """A key that one catalogue lacks: a defect, never shown to a person as the key."""


def catalogue_path(language: str) -> Path:
    """Where the catalogue of a language lives."""
    return CATALOGUE_DIR / language / "LC_MESSAGES" / "messages.po"


@functools.cache
def catalogue(language: str) -> dict[tuple[str | None, str], str]:
    """{(context, key): text} of one language, read once."""
    with catalogue_path(language).open("rb") as po_file:
        entries = read_po(po_file, locale=language)
    return {(entry.context, entry.id): entry.string for entry in entries
            if entry.id and isinstance(entry.id, str) and isinstance(entry.string, str)}


def load_catalogues() -> None:
    """Read every catalogue now, so a broken file stops the start, not a request."""
    for language in LANGUAGES:
        catalogue(language)


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else "vi"


def lookup(key: str, language: str = "vi", context: str | None = None) -> str:
    """The raw text of a key; a missing or empty entry raises MissingMessage."""
    text = catalogue(_language(language)).get((context, key))
    if not text:
        log.error("missing message %r (context %r) in the %s catalogue", key, context, language)
        raise MissingMessage(f"{context + ':' if context else ''}{key} [{language}]")
    return text


def page_texts(context: str, language: str) -> dict[str, str]:
    """Every text of one page (one msgctxt) in a language, for a template or a script."""
    return dict(_page_texts(context, _language(language)))  # a copy: callers may add to it


@functools.cache
def _page_texts(context: str, language: str) -> dict[str, str]:
    return {key: text for (entry_context, key), text in catalogue(language).items()
            if entry_context == context}


def text(context: str, key: str, language: str = "vi", **params: object) -> str:
    """One page text, formatted with its parameters."""
    return lookup(key, language, context).format(**params)


def catalogue_json(language: str) -> dict[str, dict[str, str]]:
    """The whole catalogue for the screens: {"messages": {...}, "<context>": {...}}."""
    exported: dict[str, dict[str, str]] = {}
    for (context, key), value in catalogue(_language(language)).items():
        exported.setdefault(context or "messages", {})[key] = value
    return exported


def pick_language(accept_language: str | None) -> str:
    """Vietnamese unless the client prefers English."""
    if accept_language and accept_language.strip().lower().startswith("en"):
        return "en"
    return "vi"


def message(key: str, language: str = "vi", **params: object) -> str:
    """The message for a key, formatted; a key missing from the catalogue raises."""
    language = _language(language)
    text = lookup(key, language)
    rendered = {name: _render(value, language) for name, value in params.items()}
    if "{reopens}" in text:
        rendered["reopens"] = rendered.pop("reopens_at", "") or _NEXT_WORKING_DAY[language]
    try:
        return text.format(**rendered)
    except (KeyError, IndexError):
        return text


def _render(value: object, language: str) -> str:
    if isinstance(value, datetime):
        return when_text(value, language)
    if value is None:
        return _NEXT_WORKING_DAY.get(language, _NEXT_WORKING_DAY["vi"])
    return str(value)


def when_text(moment: datetime, language: str = "vi") -> str:
    """'lúc 07:30 thứ Hai, 30/11/2026' in the moment's own (office) zone."""
    weekday = _WEEKDAYS[language if language in _WEEKDAYS else "vi"][moment.weekday()]
    if language == "en":
        return f"at {moment:%H:%M} on {weekday}, {moment:%d/%m/%Y}"
    return f"lúc {moment:%H:%M} {weekday}, {moment:%d/%m/%Y}"
