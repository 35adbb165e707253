"""Announcement audio for the waiting-room displays (public; cacheable by the TVs)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, current_app, jsonify, request
from werkzeug.wrappers import Response as BaseResponse

from queue_server.api import openapi
from queue_server.api.blueprint import api
from queue_server.api.common import office_or_404
from queue_server.core.errors import InvalidInput, Unavailable
from queue_server.core.request_context import state
from queue_server.edge.guard import public
from queue_server.models import Office
from queue_server.voice import announcement_words
from queue_server.voice.library import AnnouncementLibrary, Audio, VoiceUnavailableError
from queue_server.voice.numbers import call_announcement, reading_of

NUMBER_PATTERN = re.compile(r"[A-Z0-9-]{1,8}")
MAX_COUNTER = 9999
# An office may change its reading style or recordings: TVs revalidate hourly (ETag).
ANNOUNCEMENT_MAX_AGE_S = 3600
CHIME_MAX_AGE_S = 86400


class VoiceUnavailable(Unavailable):
    code = "voice_unavailable"


def library() -> AnnouncementLibrary:
    """This app's announcement library, created on first use."""
    extensions = current_app.extensions
    if "announcements" not in extensions:
        settings = state().settings
        pack_dir = settings.voice_dir or Path(settings.var_dir) / "voice"
        extensions.setdefault("announcements", AnnouncementLibrary(pack_dir))
    found: AnnouncementLibrary = extensions["announcements"]
    return found


@api.get("/offices/<slug>/announcement.wav")
@public
def announcement_audio(slug: str):
    """Chime then "Mời công dân có số … đến quầy số …" in the office's reading, as WAV."""
    office = office_or_404(slug)
    number, counter = _call_of(office)
    try:
        audio = library().announcement(number, counter, *reading_of(office), is_brief=_is_brief())
    except VoiceUnavailableError as error:
        raise VoiceUnavailable() from error
    return _wav_response(audio, ANNOUNCEMENT_MAX_AGE_S)


@api.get("/offices/<slug>/announcement")
@public
def announcement_sentence(slug: str):
    """The call sentence as text, for displays that use the browser's own voice."""
    office = office_or_404(slug)
    number, counter = _call_of(office)
    return jsonify({"number": number, "counter": counter, **call_announcement(
        number, counter, *reading_of(office),
        is_recall=request.args.get("recall") == "1")})


def _is_brief() -> bool:
    """The brief sentence, said when calls queue up (brief=1)."""
    value = request.args.get("brief", "0")
    if value not in ("0", "1"):
        raise InvalidInput("invalid_field", field="brief", reason="0 or 1")
    return value == "1"


@api.get("/chime.wav")
@public
def chime_audio():
    """The chime played before announcements (and alone when there is no voice)."""
    return _wav_response(library().chime(), CHIME_MAX_AGE_S)


def _call_of(office: Office) -> tuple[str, int]:
    """The number and counter query parameters, checked; 400 when unreadable."""
    number = request.args.get("number", "")
    if not NUMBER_PATTERN.fullmatch(number):
        raise InvalidInput("invalid_field", field="number",
                           reason="1 to 8 characters among A-Z, 0-9 and -")
    raw_counter = request.args.get("counter", "")
    if not (raw_counter.isascii() and raw_counter.isdigit()) or int(raw_counter) > MAX_COUNTER:
        raise InvalidInput("invalid_field", field="counter",
                           reason=f"an integer from 0 to {MAX_COUNTER}")
    counter = int(raw_counter)
    try:
        announcement_words(number, counter, *reading_of(office))
    except ValueError:
        raise InvalidInput("invalid_field", field="number",
                           reason="letters then at most 6 digits") from None
    return number, counter


def _wav_response(audio: Audio, max_age_s: int) -> BaseResponse:
    """The WAV with an ETag, public caching and byte ranges (media elements ask for them)."""
    response = Response(audio.wav, mimetype="audio/wav")
    response.set_etag(audio.etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age_s
    return response.make_conditional(request, accept_ranges=True,
                                      complete_length=len(audio.wav))


_WAV_OK = {"description": "16-bit mono PCM WAV", "content": {
    "audio/wav": {"schema": {"type": "string", "format": "binary"}}}}
_CALL_PARAMETERS = [
    openapi.path_param("office"),
    {"name": "number", "in": "query", "required": True,
     "schema": {"type": "string", "pattern": "^[A-Z0-9-]{1,8}$"}},
    {"name": "counter", "in": "query", "required": True,
     "schema": {"type": "integer", "minimum": 0, "maximum": MAX_COUNTER}},
    {"name": "brief", "in": "query", "required": False,
     "schema": {"type": "integer", "enum": [0, 1]}},
]
openapi.document_paths({
    "/api/v1/offices/{office}/announcement.wav": {"get": openapi.operation(
        "The call announcement (chime, then the sentence) in the office's reading style; "
        "503 voice_unavailable when neither clips nor speech engine can say it",
        {200: _WAV_OK, 400: openapi.ERROR, 404: openapi.ERROR, 503: openapi.ERROR},
        parameters=_CALL_PARAMETERS)},
    "/api/v1/offices/{office}/announcement": {"get": openapi.operation(
        "The call as a display shows and says it: text, brief, invite, to_counter",
        {200: "number, counter, text, brief, invite, to_counter", 400: openapi.ERROR,
         404: openapi.ERROR},
        parameters=_CALL_PARAMETERS)},
    "/api/v1/chime.wav": {"get": openapi.operation("The chime alone", {200: _WAV_OK})},
})
