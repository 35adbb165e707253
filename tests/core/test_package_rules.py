"""The package rules of docs/ARCHITECTURE.md hold, and breaking one fails lint-imports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True,
                          text=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                          timeout=300)


def copy_of_the_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    for package in ("queue_server", "printer"):
        shutil.copytree(ROOT / package, tree / package,
                        ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    return tree


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("tickets/lifecycle.py", "from flask import request", "no Flask"),
    ("core/clock.py", "from queue_server.tickets import lifecycle", "everything calls core"),
    ("api/tickets.py", "from queue_server.web import login", "everything calls core"),
    ("setup/offices.py", "from queue_server.core.settings import load_settings", "no settings"),
    ("printer/agent.py", "import queue_server.models", "never imports the server"),
])
def test_breaking_a_rule_fails_the_lint(tmp_path, module, line, contract):
    tree = copy_of_the_tree(tmp_path)
    target = tree / module if module.startswith("printer/") else tree / "queue_server" / module
    target.write_text(target.read_text() + f"\n{line}  # a deliberate violation\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and contract in result.stdout


def test_the_front_ends_ship_inside_the_server_package():
    from queue_server.web.frontends import DISPLAY_ROOT, KIOSK_ROOT

    assert (KIOSK_ROOT / "templates" / "kiosk.page.html").is_file()
    assert (DISPLAY_ROOT / "templates" / "display.page.html").is_file()
    assert KIOSK_ROOT.resolve() == ROOT / "kiosk" and DISPLAY_ROOT.resolve() == ROOT / "display"


def test_no_generic_top_level_packages_are_installed():
    import tomllib

    found = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert found["packages"]["find"]["include"] == ["queue_server*", "printer*"]
    assert not (ROOT / "kiosk" / "__init__.py").exists()
    assert not (ROOT / "display" / "__init__.py").exists()


@pytest.mark.parametrize("script", ["issue_and_call", "fanout"])
def test_the_benchmarks_start_gunicorn_with_the_server_s_own_settings(script, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    module = __import__(script)
    assert module.GUNICORN_DEFAULTS.is_file()
