"""Voice packs: building the clips and assembling announcements from them."""

import pytest

from queue_server.voice import audio, pack
from queue_server.voice.numbers import PAUSE, announcement_text, announcement_words

from ..support.wavs import duration_seconds, make_tone, read_wav
from .conftest import CLIP_MS


def frames_of(path):
    """The PCM frames of a WAV file on disk."""
    return read_wav(path.read_bytes())[3]


def test_build_pack_writes_every_clip_named_in_the_manifest(built_pack):
    for file_name in [pack.CHIME_FILE, *pack.MANIFEST.values()]:
        channels, width, rate, frames = read_wav((built_pack / file_name).read_bytes())
        assert (channels, width, rate) == (1, 2, 22050)
        assert len(frames) > 0.1 * rate * width, file_name
    index = (built_pack / pack.INDEX_FILE).read_text(encoding="utf-8")
    assert "word-mot-sac.wav\tmốt" in index
    assert "letter-y.wav\ti dài" in index


def test_building_again_keeps_existing_clips_unless_forced(engine, tmp_path):
    first = pack.build_pack(tmp_path)
    own_recording = make_tone(500, 440)
    (tmp_path / "word-nam.wav").write_bytes(own_recording)
    assert pack.build_pack(tmp_path) == []
    assert (tmp_path / "word-nam.wav").read_bytes() == own_recording
    clips = [path for path in first if path.name != pack.INDEX_FILE]
    assert sorted(pack.build_pack(tmp_path, force=True)) == sorted(clips)


def test_every_word_the_reader_can_produce_has_a_clip():
    numbers = [*range(2100), *range(2100, 1_000_000, 997), 999_999]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZĂÂĐÊÔƠƯ"
    words = set()
    for index, number in enumerate(numbers):
        ticket = f"{letters[index % len(letters)]}{number:03d}"
        for style in ("numeral", "digits"):
            for region in ("north", "south"):
                for is_brief in (False, True):
                    words.update(announcement_words(ticket, number % 100, style, region,
                                                    is_brief=is_brief))
    assert words - {PAUSE} == set(pack.MANIFEST)


def test_clip_file_names_are_ascii_and_distinct():
    names = [pack.CHIME_FILE, *pack.MANIFEST.values()]
    assert all(name.isascii() and name.endswith(".wav") for name in names)
    assert len(set(names)) == len(names)


def test_an_announcement_is_one_16_bit_mono_wav(fake_pack):
    channels, width, rate, _ = read_wav(pack.assemble_announcement(fake_pack, "A005", 3))
    assert (channels, width, rate) == (1, 2, 22050)


def test_an_announcement_starts_with_the_chime(fake_pack):
    data = pack.assemble_announcement(fake_pack, "A005", 3)
    assert read_wav(data)[3].startswith(frames_of(fake_pack / pack.CHIME_FILE))


def test_an_announcement_without_chime_starts_with_the_call_phrase(fake_pack):
    data = pack.assemble_announcement(fake_pack, "A005", 3, with_chime=False)
    assert read_wav(data)[3].startswith(frames_of(fake_pack / "phrase-moi-cong-dan-co-so.wav"))


def test_an_announcement_lasts_longer_when_it_has_more_words(fake_pack):
    short = pack.assemble_announcement(fake_pack, "A005", 3)  # a năm ... ba
    longer = pack.assemble_announcement(fake_pack, "A1024", 3)  # a một nghìn ... tư ... ba
    longest = pack.assemble_announcement(fake_pack, "A1024", 3, style="digits")
    assert duration_seconds(short) < duration_seconds(longer) < duration_seconds(longest)


def test_digits_are_separated_by_longer_pauses_than_words(fake_pack):
    data = pack.assemble_announcement(fake_pack, "A005", 3, style="digits")
    # chime 300 ms, pause; 7 clips (phrase, a, không, không, năm, phrase, ba); 3 word gaps and
    # 3 comma pauses.
    expected_ms = 300 + pack.AFTER_CHIME_MS + 7 * CLIP_MS
    expected_ms += 3 * pack.WORD_GAP_MS + 3 * pack.PAUSE_GAP_MS
    assert duration_seconds(data) == pytest.approx(expected_ms / 1000, abs=0.002)


def test_a_replaced_clip_is_used(fake_pack):
    before = duration_seconds(pack.assemble_announcement(fake_pack, "A005", 3))
    own_recording = make_tone(500, 440)
    (fake_pack / "word-nam.wav").write_bytes(own_recording)
    data = pack.assemble_announcement(fake_pack, "A005", 3)
    assert read_wav(own_recording)[3] in read_wav(data)[3]
    assert duration_seconds(data) == pytest.approx(before + 0.4, abs=0.002)


def test_a_replaced_clip_in_another_format_is_converted(fake_pack):
    before = duration_seconds(pack.assemble_announcement(fake_pack, "A005", 3))
    (fake_pack / "word-nam.wav").write_bytes(make_tone(500, 440, rate=44100, channels=2))
    data = pack.assemble_announcement(fake_pack, "A005", 3)
    assert read_wav(data)[:3] == (1, 2, 22050)
    assert duration_seconds(data) == pytest.approx(before + 0.4, abs=0.002)


def test_an_unreadable_clip_is_refused_with_its_file_name(fake_pack):
    (fake_pack / "word-nam.wav").write_bytes(b"not a wave file")
    with pytest.raises(pack.VoicePackError, match=r"word-nam\.wav"):
        pack.assemble_announcement(fake_pack, "A005", 3)


def test_missing_clips_are_listed_so_the_server_can_fall_back(fake_pack):
    (fake_pack / "word-nam.wav").unlink()
    (fake_pack / "letter-a.wav").unlink()
    words = announcement_words("A005", 5)
    assert pack.missing_clips(fake_pack, words) == ["a", "năm"]
    with pytest.raises(pack.MissingClipError) as refused:
        pack.assemble_announcement(fake_pack, "A005", 5)
    assert refused.value.words == ["a", "năm"]


def test_missing_clips_also_reads_the_sentence_text(fake_pack):
    (fake_pack / "letter-y.wav").unlink()
    text = announcement_text("Y005", 3, style="digits")
    assert pack.missing_clips(fake_pack, text) == ["i dài"]
    assert pack.missing_clips(fake_pack, "Mời công dân có số xyz đến quầy số ba") == ["xyz"]


def test_a_pack_without_a_chime_uses_the_built_in_one(fake_pack):
    (fake_pack / pack.CHIME_FILE).unlink()
    data = pack.assemble_announcement(fake_pack, "A005", 3)
    assert read_wav(data)[3].startswith(read_wav(pack.chime_wav())[3])


def test_the_chime_alone_comes_from_the_pack_when_it_has_one(fake_pack):
    assert read_wav(pack.chime_wav(fake_pack))[3] == frames_of(fake_pack / pack.CHIME_FILE)
    assert 1.0 < duration_seconds(pack.chime_wav()) < 2.0


def test_an_announcement_from_the_built_pack_lasts_a_few_seconds(built_pack):
    data = pack.assemble_announcement(built_pack, "A1024", 12, region="south")
    assert 4 < duration_seconds(data) < 12


def test_a_synthesized_announcement_starts_with_the_chime_then_speaks(engine, fake_pack):
    data = pack.synthesize_announcement("1005", 3, pack_dir=fake_pack)
    assert read_wav(data)[3].startswith(frames_of(fake_pack / pack.CHIME_FILE))
    spoken = duration_seconds(data) - 0.3 - pack.AFTER_CHIME_MS / 1000
    assert spoken > 1.0


def test_the_built_in_chime_rises_through_three_tones():
    samples = audio.chime()
    assert max(map(abs, samples)) <= audio.FULL_SCALE
    assert len(audio.CHIME_NOTES) == 3
    assert [f for f, _ in audio.CHIME_NOTES] == sorted(f for f, _ in audio.CHIME_NOTES)
