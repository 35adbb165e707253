"""Spoken call announcements for the waiting-room TVs, offline and without Flask.

numbers reads ticket numbers and counters in Vietnamese; speech wraps espeak-ng; pack builds
a folder of word clips and assembles announcements from it (or synthesizes whole sentences).
Nothing here caches: the server caches the WAV bytes it serves.
"""

from queue_server.voice.numbers import (
    announcement_text,
    announcement_words,
    read_digits,
    read_numeral,
    read_ticket_number,
)
from queue_server.voice.pack import (
    MANIFEST,
    MissingClipError,
    VoicePackError,
    assemble_announcement,
    build_pack,
    chime_wav,
    missing_clips,
    synthesize_announcement,
)
from queue_server.voice.speech import SpeechUnavailableError, is_available, synthesize

__all__ = [
    "MANIFEST",
    "MissingClipError",
    "SpeechUnavailableError",
    "VoicePackError",
    "announcement_text",
    "announcement_words",
    "assemble_announcement",
    "build_pack",
    "chime_wav",
    "is_available",
    "missing_clips",
    "read_digits",
    "read_numeral",
    "read_ticket_number",
    "synthesize",
    "synthesize_announcement",
]
