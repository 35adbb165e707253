"""The harness as markers: `browser` needs Chromium, `services` PostgreSQL and Redis.

A marked test is skipped when its tools are missing, or fails when REQUIRE_BROWSER=1 or
REQUIRE_SERVICES=1 says they must be there. Browser tests get Debian's Chromium.
"""

from __future__ import annotations

import os
import shutil

import pytest


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


def require_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def pytest_runtest_setup(item):
    """Skip browser and service tests when their tools are missing; fail when required."""
    checks = {"browser": ("REQUIRE_BROWSER", lambda: chromium_path() is not None,
                          "Chromium not found (apt-get install chromium)"),
              "services": ("REQUIRE_SERVICES", _services_reachable,
                           "PostgreSQL or Redis not reachable on 127.0.0.1")}
    for marker, (flag, available, reason) in checks.items():
        if item.get_closest_marker(marker) and not available():
            if require_flag(flag):
                pytest.fail(f"{flag}=1 but {reason}", pytrace=False)
            pytest.skip(reason)


def _services_reachable() -> bool:
    import socket

    for port in (5432, 6379):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
    return True


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless as root on a closed network."""
    return {**browser_type_launch_args,
            "executable_path": chromium_path() or "/usr/bin/chromium",
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--no-first-run", "--disable-sync",
                     "--autoplay-policy=no-user-gesture-required"]}
