"""The audit page in people's words: what each logged field is, its values, and the browser a
change came from, from the catalogue (msgctxt audit_*). The CSV export keeps the raw record."""

from __future__ import annotations

import re
from dataclasses import dataclass

from queue_server.core.formats import number
from queue_server.core.i18n import page_texts, text

_SECONDS_AS_MINUTES = {"mean_service_s", "target_wait_s"}


@dataclass(frozen=True)
class AuditWords:
    """Words for one page: its language, and the names of services, offices and priorities."""

    language: str
    services: dict[str, str]
    priorities: dict[str, str]
    offices: dict[int, str]

    def _words(self, context: str) -> dict[str, str]:
        return page_texts(context, self.language)

    def field(self, key: str) -> str:
        """A logged key's name; an office file key names its item too."""
        parts = key.split(".")
        items, fields = self._words("audit_item"), self._words("audit_field")
        if len(parts) == 3 and parts[0] in items:
            item, code, name = parts
            shown = self.services.get(code) if item == "service" else None
            return f"{items[item]} {shown or code} · {self.field(name)}"
        if len(parts) == 2 and parts[0] in items:
            return self.field(parts[1])
        return fields.get(key) or key.replace("_", " ")

    def value(self, key: str, value: object) -> str:
        """A logged value in words: yes/no, names for codes, lists joined, minutes."""
        name = key.rsplit(".", 1)[-1]
        if isinstance(value, list | tuple):
            return ", ".join(self.value(name, item) for item in value) or "—"
        values = self._words("audit_value")
        if isinstance(value, bool) or value is None:
            return values[f"={value}"]
        if name in _SECONDS_AS_MINUTES and isinstance(value, int | float):
            return text("audit", "minutes", self.language,
                        count=number(value / 60, self.language, digits=2))
        if name == "office_id" and isinstance(value, int):
            return self.offices.get(value, str(value))
        if name in ("services", "service", "to_service") and isinstance(value, str):
            return self.services.get(value, value)
        if name == "priority" and isinstance(value, str):
            return self.priorities.get(value, value)
        return values.get(f"{name}={value}") or str(value)


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("coc_coc_browser/", "Cốc Cốc"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Version/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"),
            ("Linux", "Linux"))


def browser_name(agent: str, language: str) -> str:
    """"Chrome 120 · Windows" for a browser's identification string; other text as it is."""
    if not agent.startswith("Mozilla/"):
        return agent  # a command (queue-server … @ host) or a program names itself plainly
    name = next(((label, marker) for marker, label in _BROWSERS if marker in agent), None)
    system = next((label for marker, label in _SYSTEMS if marker in agent), "")
    if name is None:
        return system or text("audit", "browser", language)
    label, marker = name
    version = re.search(re.escape(marker) + r"(\d+)", agent)
    shown = f"{label} {version.group(1)}" if version else label
    return f"{shown} · {system}" if system else shown
