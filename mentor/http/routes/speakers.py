"""The speakers of a session: who said what in its captions, and the role each one has."""

from __future__ import annotations

from quart import Blueprint, Response
from quart_schema import document_request, tag

from mentor.actors.messages import ListSpeakers, SetSpeakerRole
from mentor.ai.speakers import name_problem
from mentor.ai.types import SpeakerRole
from mentor.errors import Problem, ProblemCode
from mentor.http.models import SpeakerRoleBody
from mentor.http.requests import authenticate, body, json_response, runtime

bp = Blueprint("speakers", __name__)

ROLES = [role.value for role in SpeakerRole]


@bp.get("/sessions/<session_id>/speakers")
@tag(["speakers"])
async def list_speakers(session_id: str) -> Response:
    """Every name seen in the session's captions (or set by the user), with its role, in the order first seen."""
    user_id = authenticate()
    speakers = await runtime().supervisor.ask(session_id, ListSpeakers(user_id=user_id))
    return json_response({"speakers": speakers})


# "string:" spelled out: quart-schema's OpenAPI path regex would otherwise swallow "<session_id>/…/<path:" whole
@bp.put("/sessions/<string:session_id>/speakers/<path:name>")
@document_request(SpeakerRoleBody)
@tag(["speakers"])
async def set_speaker_role(session_id: str, name: str) -> Response:
    """Set a speaker's role (``name`` URL-encoded): their past captions are re-labelled, every device hears
    ``speaker_updated``, and detection follows the new role from the next caption on."""
    user_id = authenticate()
    if problem := name_problem(name):  # before stripping: str.strip() also takes some controls (U+0085)
        raise Problem(ProblemCode.INVALID_SPEAKER_NAME, problem)
    name = name.strip()  # as captions' names are stored
    data = await body(SpeakerRoleBody)
    if data.role not in ROLES:
        raise Problem(ProblemCode.INVALID_SPEAKER_ROLE, f"role must be one of {ROLES}")
    msg = SetSpeakerRole(user_id=user_id, name=name, role=SpeakerRole(data.role))
    return json_response(await runtime().supervisor.ask(session_id, msg))
