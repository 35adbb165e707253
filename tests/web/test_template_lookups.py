"""Templates never name a dict method as a value: `t.copy` on a dict is dict.copy, not t["copy"].

Jinja looks `x.name` up as an attribute first and as a key second, so a text catalogue's key
that is also a dict method (copy, items, keys, values, get, update, pop …) shows the browser
`<built-in method copy of dict object at 0x…>`. Calling the method (`x.items()`) is fine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, nodes

ROOT = Path(__file__).parents[2]
TEMPLATE_FOLDERS = ("queue_server", "kiosk", "display")
DICT_METHODS = frozenset(name for name in dir(dict) if not name.startswith("_"))


def every_template() -> list[Path]:
    """Every HTML template of the server and the front-ends."""
    return sorted(path for folder in TEMPLATE_FOLDERS
                  for path in (ROOT / folder).glob("**/templates/**/*.html"))


def method_lookups(source: str) -> list[str]:
    """`name` (line N) for each `x.name` that names a dict method without calling it."""
    tree = Environment(extensions=["jinja2.ext.do"]).parse(source)
    called = {id(call.node) for call in tree.find_all(nodes.Call)}
    return [f"{lookup.attr} (line {lookup.lineno})" for lookup in tree.find_all(nodes.Getattr)
            if lookup.attr in DICT_METHODS and id(lookup) not in called]


def test_the_scan_covers_every_screen_s_templates():
    names = {path.name for path in every_template()}
    assert {"admin.device_token.html", "kiosk.page.html", "display.page.html",
            "ticket.page.html", "dashboard.html", "counter.html", "login.html"} <= names


def test_the_scan_finds_a_dict_method_used_as_a_text():
    assert method_lookups('<button>{{ t.copy }}</button>{{ t.items }}') == [
        "copy (line 1)", "items (line 1)"]
    assert method_lookups('{% for k, v in t.items() %}{{ t.get("x") }}{{ t["copy"] }}'
                          '{% endfor %}{{ loop.index }}') == []


@pytest.mark.parametrize("path", every_template(), ids=lambda path: path.name)
def test_no_template_shows_a_dict_method_instead_of_a_text(path):
    assert method_lookups(path.read_text(encoding="utf-8")) == [], (
        f"{path.relative_to(ROOT)}: write t[\"name\"] or rename the key")
