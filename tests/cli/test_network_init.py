"""`init` with a province's office file: the network is stored, disagreements are warned."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from .test_cli import run

FILE = '''
[province]
slug = "khanh-hoa"
name = "Tỉnh Khánh Hòa"
{offices}
'''
OFFICE = '''
[[office]]
slug = "{slug}"
name = "Trung tâm {slug}"
kind = "{kind}"
address = "1 Lê Lợi"
location = [12.2, 109.1]
opening_hours = "Mo-Fr 07:30-11:30"
  [[office.service]]
  code = "dat-dai"
  name = "{service}"
  prefix = "1"
  [[office.counter]]
  number = 1
  services = ["dat-dai"]
'''


@pytest.fixture
def environment(tmp_path):
    return {**{k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")},
            "QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db", "QUEUE_VAR_DIR": str(tmp_path)}


def test_init_stores_the_province_and_warns_when_offices_name_a_code_differently(
        environment, tmp_path):
    path = tmp_path / "tinh.toml"
    path.write_text(FILE.format(offices=OFFICE.format(slug="trung-tam", kind="centre",
                                                      service="Đất đai")
                                + OFFICE.format(slug="xa-a", kind="commune",
                                                service="Đất Đai")))
    result = run(environment, "init", "--config", str(path))
    assert result.returncode == 0, result.stderr
    assert ("warning: service code 'dat-dai' has different names: "
            "trung-tam: 'Đất đai'; xa-a: 'Đất Đai'") in result.stderr
    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT slug, name FROM provinces")).all() == [
            ("khanh-hoa", "Tỉnh Khánh Hòa")]
        assert connection.execute(text(
            "SELECT slug, kind, latitude FROM offices ORDER BY slug")).all() == [
            ("trung-tam", "centre", 12.2), ("xa-a", "commune", 12.2)]
    engine.dispose()


def test_init_refuses_a_bad_kind_with_its_place(environment, tmp_path):
    path = tmp_path / "tinh.toml"
    path.write_text(FILE.format(offices=OFFICE.format(slug="xa-a", kind="huyen",
                                                      service="Đất đai")))
    result = run(environment, "init", "--config", str(path))
    assert result.returncode == 1
    assert (f"{path}: office[1] (xa-a).kind: 'huyen' is not allowed: centre, branch, commune"
            in result.stderr)
