"""WAV helpers for the voice tests, written with the standard wave module only."""

import io
import math
import wave


def make_tone(milliseconds, frequency, rate=22050, channels=1, amplitude=8000):
    """A WAV file holding a steady sine tone, the same on every channel."""
    count = rate * milliseconds // 1000
    values = [round(amplitude * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count)]
    frames = b"".join(value.to_bytes(2, "little", signed=True) * channels for value in values)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return buffer.getvalue()


def read_wav(data):
    """(channels, sample width, rate, frames) of a WAV file's bytes."""
    with wave.open(io.BytesIO(data)) as reader:
        frames = reader.readframes(reader.getnframes())
        return reader.getnchannels(), reader.getsampwidth(), reader.getframerate(), frames


def duration_seconds(data):
    """How long a WAV file's bytes last."""
    channels, width, rate, frames = read_wav(data)
    return len(frames) / (channels * width * rate)
