"""Time the voice pieces: building a pack, assembling and synthesizing one announcement.

Run with: .venv/bin/python -m bench.voice  (or .venv/bin/python bench/voice.py from the repo root)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queue_server.voice import audio, pack, speech

REPEATS = 50
CALLS = [("A1024", 12, "numeral", "north"), ("B005", 3, "digits", "south")]


def timed(action, repeats: int = 1) -> float:
    """Mean wall-clock milliseconds of action over repeats."""
    started = time.perf_counter()
    for _ in range(repeats):
        action()
    return 1000 * (time.perf_counter() - started) / repeats


def main() -> None:
    """Print the figures."""
    print(f"engine load + first word: {timed(lambda: speech.synthesize('một')):8.1f} ms")
    print(f"built-in chime:           {timed(audio.chime, 10):8.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        print(f"build_pack (fresh):       {timed(lambda: pack.build_pack(folder)):8.1f} ms")
        print(f"build_pack (nothing new): {timed(lambda: pack.build_pack(folder)):8.1f} ms")
        for call in CALLS:
            wav = pack.assemble_announcement(folder, *call)
            took = timed(lambda c=call: pack.assemble_announcement(folder, *c), REPEATS)
            print(f"assemble {call}: {took:6.1f} ms, {len(wav) / 1024:.0f} KiB")
            took = timed(lambda c=call: pack.synthesize_announcement(*c, pack_dir=folder), REPEATS)
            print(f"synthesize {call}: {took:6.1f} ms")


if __name__ == "__main__":
    main()
