"""Voice packs: one WAV clip per catalog word, assembled into call announcements.

A pack is a folder built at install time from espeak-ng (build_pack). An office may replace
any file with its own recording of the same word, under the same name. Recordings should be
16-bit mono PCM WAV at 22050 Hz with little silence around the word; other PCM formats are
converted simply (top 16 bits, channel average, linear resampling) and leading/trailing
silence is trimmed when a clip is used. Compressed or float WAV files are refused with
VoicePackError.

File names are ASCII: "word-<word without accents>.wav", with the tone named where two words
would collide (một word-mot-nang, mốt word-mot-sac, mười word-muoi-huyen, mươi
word-muoi-ngang); "letter-<letter>.wav" with Telex spelling for Vietnamese letters (Ă aw,
Â aa, Đ dd, Ê ee, Ô oo, Ơ ow, Ư uw); "phrase-<words>.wav"; and "chime.wav". MANIFEST maps
each word to its file; build_pack also writes MANIFEST.txt into the folder for people who
replace recordings.
"""

from __future__ import annotations

import os
import unicodedata
import wave
from array import array
from collections.abc import Iterable
from pathlib import Path

from queue_server.voice import audio, numbers, speech
from queue_server.voice.numbers import Region, Style

CHIME_FILE = "chime.wav"
INDEX_FILE = "MANIFEST.txt"
AFTER_CHIME_MS = 400
WORD_GAP_MS = 80
PAUSE_GAP_MS = 250

_WORD_FILES = {
    "không": "word-khong.wav", "một": "word-mot-nang.wav", "hai": "word-hai.wav",
    "ba": "word-ba.wav", "bốn": "word-bon.wav", "năm": "word-nam.wav", "sáu": "word-sau.wav",
    "bảy": "word-bay.wav", "tám": "word-tam.wav", "chín": "word-chin.wav",
    "mười": "word-muoi-huyen.wav", "mươi": "word-muoi-ngang.wav", "mốt": "word-mot-sac.wav",
    "lăm": "word-lam.wav", "tư": "word-tu.wav", "trăm": "word-tram.wav",
    "nghìn": "word-nghin.wav", "linh": "word-linh.wav", "lẻ": "word-le.wav",
    "mời công dân có số": "phrase-moi-cong-dan-co-so.wav",
    "đến quầy số": "phrase-den-quay-so.wav", "quầy": "word-quay.wav",
}  # fmt: skip
_TELEX_LETTERS = {"Ă": "aw", "Â": "aa", "Đ": "dd", "Ê": "ee", "Ô": "oo", "Ơ": "ow", "Ư": "uw"}
_LETTER_FILES = {
    name: f"letter-{_TELEX_LETTERS.get(letter, letter.lower())}.wav"
    for letter, name in numbers.LETTER_NAMES.items()
}

MANIFEST: dict[str, str] = {**_WORD_FILES, **_LETTER_FILES}
_LONGEST_ENTRY = max(len(word.split()) for word in MANIFEST)


class VoicePackError(Exception):
    """A clip in the voice pack cannot be used."""

    code = "voice_pack_invalid"


class MissingClipError(VoicePackError):
    """Some words of an announcement have no clip in the pack."""

    code = "voice_clip_missing"

    def __init__(self, words: list[str]) -> None:
        super().__init__(f"no clip for: {', '.join(words)}")
        self.words = words


def build_pack(directory: str | Path, force: bool = False) -> list[Path]:
    """Write the chime and every MANIFEST clip missing from directory (all if force); list them."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if force or not (folder / CHIME_FILE).exists():
        written.append(_write_atomically(folder / CHIME_FILE, audio.encode_wav(audio.chime())))
    for word, file_name in MANIFEST.items():
        if force or not (folder / file_name).exists():
            written.append(_write_atomically(folder / file_name, _synthesized_clip(word)))
    return written + _write_index(folder)


def missing_clips(pack_dir: str | Path, words: str | Iterable[str]) -> list[str]:
    """The words (catalog entries or a sentence) that have no clip file in the pack."""
    folder = Path(pack_dir)
    spoken = split_words(words) if isinstance(words, str) else list(words)
    missing = [
        word
        for word in spoken
        if word != numbers.PAUSE and not (word in MANIFEST and (folder / MANIFEST[word]).is_file())
    ]
    return list(dict.fromkeys(missing))


def assemble_announcement(
    pack_dir: str | Path,
    number: str | int,
    counter: str | int,
    style: Style = "numeral",
    region: Region = "north",
    with_chime: bool = True,
    *,
    is_brief: bool = False,
) -> bytes:
    """One WAV of chime, pause and the sentence's clips; MissingClipError when a clip is absent."""
    words = numbers.announcement_words(number, counter, style, region, is_brief=is_brief)
    missing = missing_clips(pack_dir, words)
    if missing:
        raise MissingClipError(missing)
    intro = _chime_intro(pack_dir) if with_chime else []
    return audio.encode_wav(audio.concatenate(intro + _spoken_pieces(Path(pack_dir), words)))


def synthesize_announcement(
    number: str | int,
    counter: str | int,
    style: Style = "numeral",
    region: Region = "north",
    with_chime: bool = True,
    pack_dir: str | Path | None = None,
    *,
    is_brief: bool = False,
) -> bytes:
    """One WAV: chime (the pack's if pack_dir has one), pause, espeak-ng reading the sentence."""
    text = numbers.announcement_text(number, counter, style, region, is_brief=is_brief)
    sentence = audio.trim_silence(audio.decode_wav(speech.synthesize(text)))
    intro = _chime_intro(pack_dir) if with_chime else []
    return audio.encode_wav(audio.concatenate([*intro, sentence]))


def chime_wav(pack_dir: str | Path | None = None) -> bytes:
    """The chime alone: the pack's chime.wav if present, else the built-in one."""
    return audio.encode_wav(_chime(pack_dir))


def split_words(text: str) -> list[str]:
    """Split a sentence into catalog words, longest match first; unknown words stay as they are."""
    tokens = unicodedata.normalize("NFC", text).lower().replace(",", " , ").split()
    words = []
    while tokens:
        size = next((s for s in range(_LONGEST_ENTRY, 1, -1) if _is_entry(tokens[:s])), 1)
        words.append(" ".join(tokens[:size]))
        del tokens[:size]
    return words


def _is_entry(tokens: list[str]) -> bool:
    """Whether these tokens spell one multi-word catalog entry."""
    return " ".join(tokens) in MANIFEST


def _spoken_pieces(folder: Path, words: list[str]) -> list[array]:
    """The clips of words with short gaps, and longer ones where a pause is marked."""
    pieces: list[array] = []
    gap_ms = WORD_GAP_MS
    for word in words:
        if word == numbers.PAUSE:
            gap_ms = PAUSE_GAP_MS
            continue
        if pieces:
            pieces.append(audio.silence(gap_ms))
        pieces.append(_load_clip(folder / MANIFEST[word]))
        gap_ms = WORD_GAP_MS
    return pieces


def _chime_intro(pack_dir: str | Path | None) -> list[array]:
    """The chime followed by a short pause."""
    return [_chime(pack_dir), audio.silence(AFTER_CHIME_MS)]


def _chime(pack_dir: str | Path | None) -> array:
    """The pack's chime if it has one, else the built-in chime."""
    path = Path(pack_dir, CHIME_FILE) if pack_dir is not None else None
    return _load_clip(path, trim=False) if path and path.is_file() else audio.chime()


def _load_clip(path: Path, trim: bool = True) -> array:
    """A clip as 16-bit mono samples at the pack rate, or VoicePackError naming the file."""
    try:
        samples = audio.decode_wav(path)
    except (OSError, EOFError, wave.Error) as error:
        raise VoicePackError(f"{path.name} is not a usable PCM WAV file: {error}") from error
    return audio.trim_silence(samples) if trim else samples


def _synthesized_clip(word: str) -> bytes:
    """One word spoken by the engine, with the silence around it trimmed."""
    return audio.encode_wav(audio.trim_silence(audio.decode_wav(speech.synthesize(word))))


def _write_index(folder: Path) -> list[Path]:
    """Write MANIFEST.txt (file name, tab, word) when its content changed; return it if written."""
    lines = [f"{CHIME_FILE}\t(chime)"] + [f"{name}\t{word}" for word, name in MANIFEST.items()]
    content = "\n".join(lines) + "\n"
    path = folder / INDEX_FILE
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return []
    return [_write_atomically(path, content.encode("utf-8"))]


def _write_atomically(path: Path, data: bytes) -> Path:
    """Write through a temporary file so a half-written clip never looks present."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return path
