"""`queue-server procedures import` as a real process, and the demo's example catalogue."""

from __future__ import annotations

import os

import pytest

from ..support.procedure_files import national_rows, write_csv, write_xlsx
from .test_cli import ROOT, count, run

DEMO_SERVICES = ("dat-dai", "tu-phap-ho-tich")


@pytest.fixture
def environment(tmp_path):
    return {**{k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")},
            "QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
            "QUEUE_VAR_DIR": str(tmp_path), "QUEUE_OFFICE_FILE": str(ROOT / "config/demo.toml")}


def test_two_thousand_procedures_import_then_a_broken_file_changes_nothing(environment,
                                                                         tmp_path):
    assert run(environment, "init").returncode == 0
    good = write_xlsx(tmp_path / "tthc.xlsx", national_rows(2000, DEMO_SERVICES))
    result = run(environment, "procedures", "import", str(good), "--office", "cam-lam")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2000 added, 0 updated, 0 hidden"

    rows = national_rows(3, DEMO_SERVICES)
    rows[1][2] = ""
    rows[3][10] = "khong-co"
    broken = write_csv(tmp_path / "broken.csv", rows)
    result = run(environment, "procedures", "import", str(broken), "--office", "cam-lam")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "queue-server: nothing imported; the file has 2 problem(s):",
        f"{broken}: row 2: no name",
        f"{broken}: row 4: unknown service 'khong-co'",
    ]
    assert count(environment, "procedures") == 2000
    assert count(environment, "procedures WHERE is_hidden") == 0


def test_an_unknown_office_is_one_line(environment, tmp_path):
    assert run(environment, "init").returncode == 0
    path = write_csv(tmp_path / "p.csv", national_rows(1, DEMO_SERVICES))
    result = run(environment, "procedures", "import", str(path), "--office", "khong-co")
    assert (result.returncode, result.stderr) == (1, "queue-server: unknown office 'khong-co'\n")


def test_the_demo_loads_the_example_catalogue_once(environment):
    first = run(environment, "demo")
    assert first.returncode == 0, first.stderr
    assert "example procedures for cam-lam" in first.stdout
    assert "13 added, 0 updated, 0 hidden" in first.stdout
    again = run(environment, "demo")
    assert "example procedures" not in again.stdout  # an existing catalogue is left alone
    assert count(environment, "procedures") == 13
