"""Automatic transcriptions as whisper and WhisperX JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.errors import InputFileError
from pipeline.readers.ingest import ingest
from pipeline.readers.whisper import whisper_to_text
from pipeline.types import INFORMANT, INTERVIEWER
from tests.conftest import write


def _segment(text: str, speaker: str | None = None, words: bool = False) -> dict[str, object]:
    seg: dict[str, object] = {"start": 0.0, "end": 1.0, "text": f" {text}"}
    if speaker:
        seg["speaker"] = speaker
    if words:
        seg["words"] = [{"word": w, "start": 0.0, "end": 0.1} for w in text.split()]
    return seg


def test_whisperx_segments_become_turns_and_backchannels_continue(tmp_path: Path) -> None:
    data = {"segments": [
        _segment("Baik, Bu, rekamannya sudah jalan. Bagaimana pemutakhiran DTKS?", "SPEAKER_00"),
        _segment("Jadi usulannya dari desa, Mas, lewat musdes.", "SPEAKER_01"),
        _segment("Operator desa input di SIKS-NG, kami verifikasi.", "SPEAKER_01"),
        _segment("Hmm, iya.", words=True),
        _segment("Apa kendalanya, Bu?", "SPEAKER_00"),
        _segment("NIK-nya sering nggak padan sama Dukcapil.", "SPEAKER_01"),
    ], "language": "id"}
    corpus = ingest([write(tmp_path / "dtks.json", json.dumps(data))])
    said = [(t.speaker, t.role, t.text) for t in corpus.turns]
    assert said == [
        ("SPEAKER_00", INTERVIEWER,
         "Baik, Bu, rekamannya sudah jalan. Bagaimana pemutakhiran DTKS?"),
        ("SPEAKER_01", INFORMANT, "Jadi usulannya dari desa, Mas, lewat musdes. Operator desa "
         "input di SIKS-NG, kami verifikasi. Hmm, iya."),
        ("SPEAKER_00", INTERVIEWER, "Apa kendalanya, Bu?"),
        ("SPEAKER_01", INFORMANT, "NIK-nya sering nggak padan sama Dukcapil.")]


def test_word_level_speakers_name_a_segment_without_one() -> None:
    seg = {"text": " Iya, betul.", "words": [{"word": "Iya,", "speaker": "SPEAKER_02"},
                                            {"word": "betul.", "speaker": "SPEAKER_02"}]}
    text, speakers = whisper_to_text(json.dumps({"segments": [seg]}), "x.json")
    assert text == "SPEAKER_02: Iya, betul.\n" and speakers == {"SPEAKER_02"}


def test_plain_whisper_is_one_narrative_and_its_text_is_read_once(tmp_path: Path) -> None:
    segments = [_segment("Saya jadi kader posyandu lansia sejak 2015, Mbak."),
                _segment("Tiap tanggal sepuluh, tempatnya di rumah Pak RT.")]
    data = {"text": " ".join(str(s["text"]) for s in segments), "segments": segments}
    corpus = ingest([write(tmp_path / "kader.json", json.dumps(data))])
    [transcript] = corpus.transcripts
    assert transcript.text.count("kader posyandu lansia") == 1
    assert [(t.speaker, t.who, t.role) for t in corpus.turns] == [("", "Informan", INFORMANT)]


@pytest.mark.parametrize(("raw", "message"), [
    ("{not json", "not valid JSON"),
    ('{"results": []}', "not a whisper or WhisperX transcription"),
    ('{"segments": [{"text": "  "}]}', "the transcription has no text"),
])
def test_other_json_is_refused_with_what_is_expected(raw: str, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        whisper_to_text(raw, "x.json")
