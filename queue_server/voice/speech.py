"""Offline Vietnamese speech with espeak-ng, loaded through espeakng-loader and ctypes.

espeak-ng keeps global state and is not thread-safe: every call goes through one module lock,
and the library is initialised once, lazily, on first use. A library that cannot be loaded
makes is_available() False and synthesize() raise SpeechUnavailableError.
"""

from __future__ import annotations

import ctypes
import threading
from array import array
from dataclasses import dataclass, field
from typing import Any

from queue_server.voice import audio

VOICE = b"vi"
RATE_WORDS_PER_MINUTE = 150  # espeak's default is 175; slower carries better in a noisy hall

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POSITION_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAMETER_RATE = 1
_OK = 0
_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class SpeechUnavailableError(RuntimeError):
    """The espeak-ng library or its Vietnamese voice could not be loaded."""

    code = "speech_unavailable"


class SpeechError(RuntimeError):
    """espeak-ng refused to synthesize a text."""

    code = "speech_failed"


@dataclass
class _Engine:
    """The loaded library, its sample rate and the buffer its callback fills."""

    library: ctypes.CDLL
    sample_rate: int
    chunks: list[bytes] = field(default_factory=list)
    callback: object = None  # kept referenced: a collected ctypes callback crashes the process


_lock = threading.Lock()
_engine: _Engine | None = None
_load_failure: str | None = None


def is_available() -> bool:
    """Whether the speech engine can be used; never raises."""
    with _lock:
        return _loaded_engine() is not None


def unavailable_reason() -> str | None:
    """Why the engine could not be loaded, or None when it loaded (or was never tried)."""
    return _load_failure


def synthesize(text: str, rate: int = RATE_WORDS_PER_MINUTE) -> bytes:
    """Speak text in Vietnamese and return a complete 16-bit mono WAV file."""
    if not text.strip():
        raise ValueError("nothing to say")
    with _lock:
        engine = _loaded_engine()
        if engine is None:
            raise SpeechUnavailableError(_load_failure)
        return audio.encode_wav(_speak(engine, text, rate), engine.sample_rate)


def _speak(engine: _Engine, text: str, rate: int) -> array:
    """Run one synchronous synthesis and collect its samples (the lock is held)."""
    engine.chunks.clear()
    engine.library.espeak_SetParameter(_PARAMETER_RATE, rate, 0)
    encoded = text.encode("utf-8")
    status = engine.library.espeak_Synth(
        encoded, len(encoded) + 1, 0, _POSITION_CHARACTER, 0, _CHARS_UTF8, None, None
    )
    engine.library.espeak_Synchronize()
    if status != _OK:
        raise SpeechError(f"espeak_Synth returned {status} for {text!r}")
    return audio.samples_from_pcm(b"".join(engine.chunks))


def _loaded_engine() -> _Engine | None:
    """The engine, loading it on first use; None when loading failed (the lock is held)."""
    global _engine, _load_failure  # noqa: PLW0603 - one engine per process, loaded on first use
    if _engine is None and _load_failure is None:
        try:
            _engine = _load_engine()
        except Exception as error:  # noqa: BLE001 - any failure to load means "no voice"
            _load_failure = f"{type(error).__name__}: {error}"
    return _engine


def _load_engine() -> _Engine:
    """Load libespeak-ng, initialise it for synchronous output and select the voice."""
    import espeakng_loader  # imported here so a missing package only disables speech

    library = ctypes.CDLL(espeakng_loader.get_library_path())
    _declare_signatures(library)
    data_path = espeakng_loader.get_data_path().encode()
    sample_rate = library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
    if sample_rate <= 0:
        raise RuntimeError(f"espeak_Initialize returned {sample_rate}")
    engine = _Engine(library, sample_rate)
    engine.callback = _SynthCallback(lambda wav, count, _events: _collect(engine, wav, count))
    library.espeak_SetSynthCallback(engine.callback)
    if library.espeak_SetVoiceByName(VOICE) != _OK:
        raise RuntimeError(f"espeak-ng has no voice {VOICE.decode()!r}")
    return engine


def _collect(engine: _Engine, wav: Any, count: int) -> int:
    """The synthesis callback: keep the samples and ask espeak to continue (0)."""
    if count > 0 and wav:
        engine.chunks.append(ctypes.string_at(wav, count * audio.SAMPLE_WIDTH))
    return 0


def _declare_signatures(library: ctypes.CDLL) -> None:
    """Tell ctypes the argument and result types of the functions used."""
    library.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    library.espeak_Initialize.restype = ctypes.c_int
    library.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    library.espeak_SetSynthCallback.restype = None
    library.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    library.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    library.espeak_Synth.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
        ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    library.espeak_Synchronize.argtypes = []
