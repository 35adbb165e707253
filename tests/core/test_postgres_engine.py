"""The server's PostgreSQL connections run without JIT compilation."""

import pytest
from sqlalchemy import text

from ..support.migrations import postgres_engine


@pytest.mark.services
def test_connections_turn_jit_off():
    # JIT compiled a year's report for 1.8 s and then ran it in 0.9 s (bench/reports.py).
    with postgres_engine("test_engine") as engine, engine.connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar() == "off"
