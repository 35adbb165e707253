"""Fixtures for the voice tests: a fake voice pack of tones and the real engine."""

import pytest

from queue_server.voice import pack, speech

from ..support.wavs import make_tone

CLIP_MS = 100


@pytest.fixture
def fake_pack(tmp_path):
    """A pack of 100 ms tones, one pitch per word, and a 300 ms chime; no engine needed."""
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / pack.CHIME_FILE).write_bytes(make_tone(300, 1500))
    for index, file_name in enumerate(pack.MANIFEST.values()):
        (folder / file_name).write_bytes(make_tone(CLIP_MS, 200 + 10 * index))
    return folder


@pytest.fixture(scope="session")
def engine():
    """Skip the test when espeak-ng cannot be loaded here."""
    if not speech.is_available():
        pytest.skip(f"espeak-ng is not available: {speech.unavailable_reason()}")


@pytest.fixture(scope="session")
def built_pack(engine, tmp_path_factory):
    """A pack built once from the real engine."""
    folder = tmp_path_factory.mktemp("built-pack")
    pack.build_pack(folder)
    return folder
