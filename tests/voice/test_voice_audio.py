"""PCM helpers: conversion of other WAV formats, trimming and the WAV written."""

import io
import wave
from array import array

import pytest

from queue_server.voice import audio

from ..support.wavs import make_tone, read_wav


def wav_bytes(frames, width, rate=22050, channels=1):
    """A WAV file with raw frames of the given sample width."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return buffer.getvalue()


def test_8_bit_and_24_bit_clips_become_16_bit_samples():
    assert list(audio.decode_wav(wav_bytes(bytes([128, 255, 0]), 1))) == [0, 127 << 8, -32768]
    frames = (0x123456).to_bytes(3, "little") + (-0x123456).to_bytes(3, "little", signed=True)
    assert list(audio.decode_wav(wav_bytes(frames, 3))) == [0x1234, -0x1235]


def test_stereo_clips_are_averaged_to_mono():
    frames = array("h", [1000, 3000, -2000, -4000]).tobytes()
    assert list(audio.decode_wav(wav_bytes(frames, 2, channels=2))) == [2000, -3000]


def test_clips_at_another_rate_keep_their_duration():
    samples = audio.decode_wav(make_tone(1000, 440, rate=44100))
    assert len(samples) == pytest.approx(audio.SAMPLE_RATE, abs=1)


def test_trimming_drops_silence_around_the_sound_and_fades_the_cuts():
    sound = audio.decode_wav(make_tone(200, 440))
    hiss = array("h", [30, -30] * (audio.SAMPLE_RATE * 3 // 20))  # 300 ms of faint noise
    trimmed = audio.trim_silence(hiss + sound + hiss)
    margins = 2 * audio.TRIM_MARGIN_MS / 1000
    assert audio.duration_seconds(trimmed) == pytest.approx(0.2 + margins, abs=0.002)
    assert trimmed[0] == 0 and trimmed[-1] == 0


def test_silent_clips_are_not_trimmed_away():
    quiet = array("h", [50, -50] * 1000)
    assert audio.trim_silence(quiet) == quiet


def test_written_wavs_are_16_bit_mono_at_the_pack_rate():
    data = audio.encode_wav(audio.silence(250))
    channels, width, rate, frames = read_wav(data)
    assert (channels, width, rate, len(frames)) == (1, 2, 22050, 2 * (22050 // 4))
