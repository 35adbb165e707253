"""Offline speech through espeak-ng."""

import threading

import pytest

from queue_server.voice import speech
from queue_server.voice.numbers import announcement_text

from ..support.wavs import duration_seconds, read_wav


def test_speech_produces_a_16_bit_mono_wav_of_the_sentence(engine):
    data = speech.synthesize(announcement_text("1005", 3))
    channels, width, rate, _ = read_wav(data)
    assert (channels, width, rate) == (1, 2, 22050)
    assert 1.5 < duration_seconds(data) < 8


def test_a_slower_rate_gives_longer_speech(engine):
    text = announcement_text("A024", 12)
    assert duration_seconds(speech.synthesize(text, rate=120)) > duration_seconds(
        speech.synthesize(text, rate=200)
    )


def test_speech_from_many_threads_at_once_stays_whole(engine):
    text = announcement_text("B021", 4)
    expected = duration_seconds(speech.synthesize(text))
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(speech.synthesize(text))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # espeak-ng output varies by a few samples from call to call, so compare durations.
    assert len(results) == 6
    assert all(abs(duration_seconds(data) - expected) < 0.1 * expected for data in results)


def test_empty_text_is_refused(engine):
    with pytest.raises(ValueError, match="nothing to say"):
        speech.synthesize("  ")


def test_a_library_that_cannot_load_makes_speech_unavailable_without_raising(monkeypatch):
    def fail_to_load():
        raise OSError("libespeak-ng.so: cannot open shared object file")

    monkeypatch.setattr(speech, "_engine", None)
    monkeypatch.setattr(speech, "_load_failure", None)
    monkeypatch.setattr(speech, "_load_engine", fail_to_load)
    assert speech.is_available() is False
    assert "cannot open" in speech.unavailable_reason()
    with pytest.raises(speech.SpeechUnavailableError):
        speech.synthesize("một")
