"""The agent's journal: keys of the jobs it printed, on disk, so a crash never prints twice.

A job is written here right after the printer took its bytes and before the server hears
of it; a job found here on a later delivery is acknowledged without printing it again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import deque
from pathlib import Path

# Keys are kept far longer than a job lives on the server (minutes), and the file stays small.
KEEP_KEYS = 2000


def journal_path(state_dir: Path, token: str) -> Path:
    """One journal per device token, so agents may share a state folder."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    return state_dir / f"printed-{digest}.txt"


class Journal:
    """An append-only file of printed job keys, compacted to the newest KEEP_KEYS."""

    def __init__(self, path: Path, *, keep: int = KEEP_KEYS) -> None:
        self.path = path
        self._keep = keep
        self._lock = threading.Lock()
        text = self._read()
        self._keys: deque[str] = deque(_complete_lines(text)[-keep:], maxlen=keep)
        self._known = set(self._keys)
        self._lines = len(self._keys)
        if text and not text.endswith("\n"):
            self._rewrite()  # a crash mid-append left half a key; drop it before appending

    def _read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._known

    def add(self, key: str) -> None:
        """Record a printed job durably (flushed and synced) before it is acknowledged."""
        if not key or any(character.isspace() for character in key):
            raise ValueError(f"journal key {key!r} must be a non-empty word")
        with self._lock:
            if key in self._known:
                return
            if len(self._keys) == self._keep:
                self._known.discard(self._keys[0])
            self._keys.append(key)
            self._known.add(key)
            self._append(key)

    def _append(self, key: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lines >= 2 * self._keep:
            self._rewrite()
            return
        with open(self.path, "a", encoding="utf-8") as file:
            file.write(f"{key}\n")
            file.flush()
            os.fsync(file.fileno())
        self._lines += 1

    def _rewrite(self) -> None:
        """Replace the file with the kept keys, synced before the rename."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "w", encoding="utf-8") as file:
            file.writelines(f"{key}\n" for key in self._keys)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)
        self._lines = len(self._keys)


def _complete_lines(text: str) -> list[str]:
    """The non-empty lines that end with a newline."""
    lines = text.split("\n")[:-1]
    return [line for line in lines if line]
