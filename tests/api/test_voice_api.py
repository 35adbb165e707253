"""Announcement audio: WAVs from the voice pack, the office's reading, caching, fallbacks."""

import io
import wave
from pathlib import Path

import pytest

from queue_server.tickets.queue_state import find_office
from queue_server.voice import SpeechUnavailableError, assemble_announcement, audio, library

ANNOUNCEMENT = "/api/v1/offices/test-office/announcement.wav"


def duration_s(wav_bytes: bytes) -> float:
    with wave.open(io.BytesIO(wav_bytes)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        return reader.getnframes() / reader.getframerate()


def pack_dir(app) -> Path:
    return Path(app.extensions["queue"].settings.var_dir) / "voice"


def set_reading(app, reading: str, region: str = "north") -> None:
    with app.extensions["queue"].sessions() as session:
        office = find_office(session, "test-office")
        office.number_reading, office.number_region = reading, region
        session.commit()


def test_an_announcement_is_a_wav_with_chime_and_sentence(client):
    response = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF" and response.data[8:12] == b"WAVE"
    # The chime alone lasts about 1.5 s; the sentence adds a few seconds.
    assert 3.0 < duration_s(response.data) < 12.0


def test_the_voice_pack_is_built_once_into_the_var_folder_with_its_file_list(app, client):
    assert not pack_dir(app).exists()
    client.get(f"{ANNOUNCEMENT}?number=1005&counter=3")
    files = {path.name for path in pack_dir(app).iterdir()}
    assert {"chime.wav", "phrase-moi-cong-dan-co-so.wav", "word-nam.wav", "MANIFEST.txt"} <= files
    before = {path.name: path.stat().st_mtime_ns for path in pack_dir(app).iterdir()}
    client.get(f"{ANNOUNCEMENT}?number=2001&counter=4")
    assert {path.name: path.stat().st_mtime_ns for path in pack_dir(app).iterdir()} == before


@pytest.mark.parametrize("reading, region", [
    ("numeral", "north"), ("numeral", "south"), ("digits", "north")])
def test_the_audio_is_the_pack_reading_in_the_offices_style(app, client, reading, region):
    set_reading(app, reading, region)
    served = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3").data
    assert served == assemble_announcement(pack_dir(app), "1005", 3, reading, region)


def test_changing_the_offices_reading_changes_the_audio(app, client):
    north = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3").data
    set_reading(app, "numeral", "south")  # "lẻ" instead of "linh"
    assert client.get(f"{ANNOUNCEMENT}?number=1005&counter=3").data != north


def test_announcements_are_cacheable_and_revalidate_with_their_etag(client):
    first = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3")
    assert "public" in first.headers["Cache-Control"]
    assert "max-age=" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3",
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_audio_is_served_in_byte_ranges_for_media_players(client):
    response = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3",
                          headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert len(response.data) == 100 and response.data[:4] == b"RIFF"


def test_an_offices_own_recording_replaces_a_clip(app, client):
    before = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3").data
    recording = audio.encode_wav(audio.chime())  # any loud sound stands in for a recording
    (pack_dir(app) / "phrase-den-quay-so.wav").write_bytes(recording)
    after = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3").data
    assert after != before
    assert abs(duration_s(after) - duration_s(before)) > 0.2


def test_a_broken_clip_falls_back_to_whole_sentence_speech(app, client):
    client.get(f"{ANNOUNCEMENT}?number=1005&counter=3")
    (pack_dir(app) / "word-nam.wav").write_bytes(b"not a wav file at all")
    response = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3")
    assert response.status_code == 200
    assert 3.0 < duration_s(response.data) < 12.0


def test_without_clips_or_speech_engine_the_answer_is_503_voice_unavailable(client, monkeypatch):
    def no_engine(*_args, **_kwargs):
        raise SpeechUnavailableError("no espeak-ng here")

    monkeypatch.setattr(library, "build_pack", no_engine)
    monkeypatch.setattr(library, "synthesize_announcement", no_engine)
    response = client.get(f"{ANNOUNCEMENT}?number=1005&counter=3")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "voice_unavailable"
    # The display then plays the chime alone, which needs no engine.
    assert client.get("/api/v1/chime.wav").status_code == 200


def test_the_chime_is_a_short_wav(client):
    response = client.get("/api/v1/chime.wav")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF"
    assert 0.8 < duration_s(response.data) < 3.0
    assert "max-age=" in response.headers["Cache-Control"]


@pytest.mark.parametrize("query", [
    "number=1005",  # no counter
    "counter=3",  # no number
    "number=&counter=3",
    "number=123456789&counter=3",  # more than 8 characters
    "number=a005&counter=3",  # lower case is not a ticket number
    "number=10%2005&counter=3",  # a space
    "number=%3Cscript%3E&counter=3",
    "number=1-2-3&counter=3",  # not letters then digits
    "number=9999999&counter=3",  # beyond what a numeral reading covers
    "number=1005&counter=three",
    "number=1005&counter=-1",
    "number=1005&counter=10000",
])
def test_bad_numbers_and_counters_get_400_with_the_error_shape(client, query):
    response = client.get(f"{ANNOUNCEMENT}?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_field" and error["message"]


def test_an_unknown_office_gets_404(client):
    response = client.get("/api/v1/offices/nowhere/announcement.wav?number=1005&counter=3")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_office"


def test_the_sentence_is_available_as_text_for_browser_voices(app, client):
    response = client.get("/api/v1/offices/test-office/announcement?number=A005&counter=12")
    assert response.status_code == 200
    assert response.get_json() == {"number": "A005", "counter": 12,
                                   "text": "Mời công dân có số a năm đến quầy số mười hai",
                                   "brief": "A năm, quầy mười hai",
                                   "invite": "Mời công dân có số", "to_counter": "đến Quầy 12"}
    set_reading(app, "digits", "south")
    text = client.get("/api/v1/offices/test-office/announcement?number=1005&counter=3").get_json()
    assert text["text"] == "Mời công dân có số một, không, không, năm đến quầy số ba"


def test_the_wav_cache_stays_within_its_byte_budget():
    cache = library.WavCache(max_bytes=1000, max_entries=100)
    for index in range(10):
        cache.put(("call", index), library.Audio(b"x" * 300, str(index)))
    assert cache.size_bytes <= 1000 and len(cache) == 3
    assert cache.get(("call", 9)) is not None and cache.get(("call", 0)) is None


def test_the_brief_announcement_is_the_number_and_the_counter_without_the_chime(app, client):
    full = client.get(ANNOUNCEMENT + "?number=1005&counter=3")
    brief = client.get(ANNOUNCEMENT + "?number=1005&counter=3&brief=1")
    assert full.status_code == brief.status_code == 200
    assert brief.data == assemble_announcement(pack_dir(app), "1005", 3, with_chime=False,
                                               is_brief=True)
    assert len(brief.data) < len(full.data) / 2
    wrong = client.get(ANNOUNCEMENT + "?number=1005&counter=3&brief=yes")
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "invalid_field"


def test_a_call_carries_what_the_display_shows_and_says(app, client, accounts):
    from queue_server.core.extensions import socketio

    board = socketio.test_client(app, flask_test_client=client)
    board.emit("subscribe", {"office": "test-office", "channel": "board"}, callback=True)
    client.post("/api/v1/offices/test-office/tickets", json={"service": "dat-dai"},
                headers={"Authorization": f"Bearer {accounts['kiosk']}"})
    staff = {"Authorization": f"Bearer {accounts['staff1']}"}
    client.post("/api/v1/offices/test-office/counters/2/call-next", headers=staff)
    client.post("/api/v1/offices/test-office/counters/2/recall", headers=staff)
    calls = [event["args"][0] for event in board.get_received()
             if event["name"] == "ticket_called"]
    sentence = client.get("/api/v1/offices/test-office/announcement?number=1001&counter=2")
    again = client.get("/api/v1/offices/test-office/announcement?number=1001&counter=2&recall=1")
    expected = {key: value for key, value in sentence.get_json().items()
                if key not in ("number", "counter")}
    assert calls[0]["announcement"] == expected
    assert calls[0]["announcement"]["text"] == (
        "Mời công dân có số một nghìn không trăm linh một đến quầy số hai")
    assert calls[1]["announcement"]["invite"] == "Mời lại công dân có số"
    assert calls[1]["announcement"] == {key: value for key, value in again.get_json().items()
                                        if key not in ("number", "counter")}
