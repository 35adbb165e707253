"""Announcement audio as the server serves it: a lazily built voice pack, fallbacks, a WAV cache.

The pack folder is filled from espeak-ng once per process, on first use, under a lock; files
already there (an office's own recordings) are kept. An announcement is assembled from the
pack's clips, else synthesized as a whole sentence, else VoiceUnavailableError. Assembled
WAVs are kept in a small LRU bounded by bytes; the key includes the pack folder's file
list with sizes and times, so a replaced recording is used at once.

Synthesis and assembly are CPU-bound (about 10 to 20 ms, C code and array work): under
gevent they block the hub for that long, once per distinct announcement thanks to the cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from queue_server.voice import (
    SpeechUnavailableError,
    VoicePackError,
    assemble_announcement,
    build_pack,
    chime_wav,
    synthesize_announcement,
)
from queue_server.voice.numbers import Region, Style
from queue_server.voice.speech import SpeechError

log = logging.getLogger(__name__)

CACHE_BYTES = 24 * 1024 * 1024  # about 70 announcements of 4 s
CACHE_ENTRIES = 256


class VoiceUnavailableError(RuntimeError):
    """Neither the pack's clips nor the speech engine can say this announcement."""

    code = "voice_unavailable"


@dataclass(frozen=True)
class Audio:
    """WAV bytes with a strong validator for HTTP caching."""

    wav: bytes
    etag: str


class WavCache:
    """A least-recently-used map of WAVs, bounded by entry count and total bytes."""

    def __init__(self, max_bytes: int = CACHE_BYTES, max_entries: int = CACHE_ENTRIES) -> None:
        self._entries: OrderedDict[tuple, Audio] = OrderedDict()
        self._bytes = 0
        self._max_bytes, self._max_entries = max_bytes, max_entries
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Audio | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple, audio: Audio) -> None:
        with self._lock:
            if key in self._entries:
                self._bytes -= len(self._entries.pop(key).wav)
            self._entries[key] = audio
            self._bytes += len(audio.wav)
            while self._entries and (self._bytes > self._max_bytes
                                     or len(self._entries) > self._max_entries):
                self._bytes -= len(self._entries.popitem(last=False)[1].wav)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)


class AnnouncementLibrary:
    """Builds the pack folder once and serves cached announcement and chime WAVs."""

    def __init__(self, pack_dir: str | Path, cache: WavCache | None = None) -> None:
        self.pack_dir = Path(pack_dir)
        self.cache = cache or WavCache()
        self._build_lock = threading.Lock()
        self._is_built = False

    def announcement(self, number: str, counter: int, style: Style, region: Region,
                     is_brief: bool = False) -> Audio:
        """The chime and the call sentence (brief: the short sentence, no chime);
        VoiceUnavailableError when nothing can say it."""
        self.ensure_pack()
        key = ("call", self._signature(), number, counter, style, region, is_brief)
        found = self.cache.get(key)
        if found is None:
            found = _audio(self._say(number, counter, style, region, is_brief))
            self.cache.put(key, found)
        return found

    def chime(self) -> Audio:
        """The chime alone: the pack's chime.wav when present, else the built-in one."""
        key = ("chime", self._signature())
        found = self.cache.get(key)
        if found is None:
            found = _audio(chime_wav(self.pack_dir))
            self.cache.put(key, found)
        return found

    def ensure_pack(self) -> None:
        """Write the missing clips of the pack, once per process (failures are logged)."""
        if self._is_built:
            return
        with self._build_lock:
            if self._is_built:
                return
            try:
                written = build_pack(self.pack_dir)
                log.info("voice pack ready in %s (%d files written)", self.pack_dir,
                         len(written))
            except (SpeechUnavailableError, SpeechError, OSError) as error:
                log.warning("voice pack in %s is incomplete: %s", self.pack_dir, error)
            self._is_built = True

    def _say(self, number: str, counter: int, style: Style, region: Region,
             is_brief: bool = False) -> bytes:
        """Clips first, then whole-sentence synthesis."""
        # A brief call follows another at once: the chime would only lengthen the queue.
        try:
            return assemble_announcement(self.pack_dir, number, counter, style, region,
                                         with_chime=not is_brief, is_brief=is_brief)
        except VoicePackError as error:
            log.warning("voice pack cannot say %s at counter %s: %s", number, counter, error)
        try:
            return synthesize_announcement(number, counter, style, region,
                                           with_chime=not is_brief, pack_dir=self.pack_dir,
                                           is_brief=is_brief)
        except (SpeechUnavailableError, SpeechError, VoicePackError) as error:
            raise VoiceUnavailableError(str(error)) from error

    def _signature(self) -> str:
        """A digest of what the pack folder holds now: names, sizes and modification times."""
        try:
            with os.scandir(self.pack_dir) as entries:
                files = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                               for e in entries if e.name.endswith(".wav"))
        except FileNotFoundError:
            files = []
        return hashlib.sha256(repr(files).encode()).hexdigest()[:16]


def _audio(wav: bytes) -> Audio:
    return Audio(wav, hashlib.sha256(wav).hexdigest()[:32])
