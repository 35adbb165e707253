"""16-bit mono PCM helpers for announcements: WAV in and out, silence, trimming, the chime.

Everything is kept as array("h") at SAMPLE_RATE (espeak-ng's own rate). Clips in another PCM
format (8/24/32-bit, stereo, another rate) are converted simply: top 16 bits, channel
average, linear resampling. Compressed or float WAV files are refused with wave.Error.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Iterable
from pathlib import Path

SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2
FULL_SCALE = 32767

# (frequency in Hz, start in seconds): an ascending C5-E5-G5 "attention" chime.
CHIME_NOTES = ((523.25, 0.0), (659.25, 0.28), (783.99, 0.56))
CHIME_NOTE_SECONDS = 0.9
CHIME_LEVEL = 0.55

# Trimming keeps what is louder than this share of the clip's peak, plus a margin.
TRIM_RELATIVE_THRESHOLD = 0.03
TRIM_MIN_THRESHOLD = 200
TRIM_MARGIN_MS = 20
FADE_MS = 5  # a cut through low noise clicks unless faded


def decode_wav(source: bytes | Path) -> array:
    """Read a PCM WAV (bytes or a path) as 16-bit mono samples at SAMPLE_RATE."""
    with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source)) as reader:
        frames = reader.readframes(reader.getnframes())
        samples = _to_int16(frames, reader.getsampwidth())
        samples = _to_mono(samples, reader.getnchannels())
        return resample(samples, reader.getframerate(), SAMPLE_RATE)


def encode_wav(samples: array, rate: int = SAMPLE_RATE) -> bytes:
    """A complete 16-bit mono WAV file holding samples."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(SAMPLE_WIDTH)
        writer.setframerate(rate)
        writer.writeframes(_little_endian(samples))
    return buffer.getvalue()


def samples_from_pcm(pcm: bytes) -> array:
    """16-bit little-endian PCM bytes as samples."""
    samples = array("h", pcm[: len(pcm) - len(pcm) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def silence(milliseconds: int) -> array:
    """That many milliseconds of silence."""
    return array("h", bytes(2 * (SAMPLE_RATE * milliseconds // 1000)))


def concatenate(pieces: Iterable[array]) -> array:
    """All pieces one after the other."""
    joined = array("h")
    for piece in pieces:
        joined.extend(piece)
    return joined


def duration_seconds(samples: array) -> float:
    """How long samples last at SAMPLE_RATE."""
    return len(samples) / SAMPLE_RATE


def trim_silence(samples: array) -> array:
    """Drop leading and trailing near-silence, keeping a short margin; quiet clips stay whole."""
    if not samples:
        return samples
    threshold = max(TRIM_MIN_THRESHOLD, TRIM_RELATIVE_THRESHOLD * max(map(abs, samples)))
    first = _first_loud(samples, threshold)
    if first is None:
        return samples
    margin = SAMPLE_RATE * TRIM_MARGIN_MS // 1000
    start = max(0, first - margin)
    end = min(len(samples), _last_loud(samples, threshold) + 1 + margin)
    return _fade_cut_edges(samples[start:end], start > 0, end < len(samples))


def resample(samples: array, rate_from: int, rate_to: int) -> array:
    """Linear-interpolation resampling; good enough for speech clips."""
    if rate_from == rate_to or len(samples) < 2:
        return samples
    count = max(1, round(len(samples) * rate_to / rate_from))
    step = (len(samples) - 1) / max(1, count - 1)
    return array("h", (_interpolate(samples, index * step) for index in range(count)))


def chime() -> array:
    """The three-tone chime played before each announcement."""
    total = CHIME_NOTES[-1][1] + CHIME_NOTE_SECONDS
    mix = [0.0] * int(total * SAMPLE_RATE)
    for frequency, start in CHIME_NOTES:
        _add_bell_note(mix, frequency, int(start * SAMPLE_RATE))
    peak = max(map(abs, mix))
    scale = CHIME_LEVEL * FULL_SCALE / peak
    return array("h", (round(value * scale) for value in mix))


def _add_bell_note(mix: list[float], frequency: float, offset: int) -> None:
    """Add one decaying bell-like note (fundamental plus two soft harmonics) at offset."""
    length = min(int(CHIME_NOTE_SECONDS * SAMPLE_RATE), len(mix) - offset)
    attack = SAMPLE_RATE // 200  # 5 ms fade-in avoids a click
    omega = 2 * math.pi * frequency / SAMPLE_RATE
    for index in range(length):
        envelope = min(1.0, index / attack) * math.exp(-4.5 * index / length)
        phase = omega * index
        tone = math.sin(phase) + 0.35 * math.sin(2 * phase) + 0.12 * math.sin(3 * phase)
        mix[offset + index] += envelope * tone


def _fade_cut_edges(samples: array, fade_in: bool, fade_out: bool) -> array:
    """Ramp the edges that trimming cut, so they start and end at zero."""
    length = min(len(samples) // 2, SAMPLE_RATE * FADE_MS // 1000)
    for index in range(length):
        gain = index / length
        if fade_in:
            samples[index] = round(samples[index] * gain)
        if fade_out:
            samples[-1 - index] = round(samples[-1 - index] * gain)
    return samples


def _interpolate(samples: array, position: float) -> int:
    """The value between two samples at a fractional position."""
    index = int(position)
    following = samples[min(index + 1, len(samples) - 1)]
    return round(float(samples[index] + (following - samples[index]) * (position - index)))


def _first_loud(samples: array, threshold: float) -> int | None:
    """Index of the first sample above threshold, or None when there is none."""
    return next((i for i, value in enumerate(samples) if abs(value) > threshold), None)


def _last_loud(samples: array, threshold: float) -> int:
    """Index of the last sample above threshold (there is one)."""
    return next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)


def _to_int16(frames: bytes, width: int) -> array:
    """Keep the top 16 bits of 8, 16, 24 or 32-bit little-endian PCM."""
    if width == 1:  # 8-bit WAV is unsigned
        return array("h", ((byte - 128) << 8 for byte in frames))
    top = bytearray(2 * (len(frames) // width))
    top[0::2] = frames[width - 2 :: width]
    top[1::2] = frames[width - 1 :: width]
    return samples_from_pcm(bytes(top))


def _to_mono(samples: array, channels: int) -> array:
    """Average interleaved channels into one."""
    if channels == 1:
        return samples
    frames = range(0, len(samples) - channels + 1, channels)
    return array("h", (sum(samples[i : i + channels]) // channels for i in frames))


def _little_endian(samples: array) -> bytes:
    """Samples as little-endian bytes, whatever the machine's byte order."""
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()
