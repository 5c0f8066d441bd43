"""A session actor's speakers: the pure ``Roster`` plus what each change must store and tell.

The actor (or its core) calls ``role_for`` for every caption it accepts and ``set_role`` for the user's
changes; both return the write ops and the ``speaker_updated`` payloads to stage in the same group commit
as the captions and events that go with them. No I/O here.
"""

from __future__ import annotations

from typing import Any

from mentor.ai.speakers import Roster, SpeakerEntry
from mentor.ai.types import SpeakerRole
from mentor.errors import Problem, ProblemCode
from mentor.store import speakers
from mentor.store.rows import Row
from mentor.store.writer import WriteOp

Change = tuple[list[WriteOp], dict[str, Any] | None]  # ops to stage, and the speaker_updated data (None: no event)


def entry_from_row(row: Row) -> SpeakerEntry:
    return SpeakerEntry(row["name"], SpeakerRole(row["role"]), row["source"], row["created_at"], row["updated_at"])


class SpeakerBook:
    def __init__(self, session_id: str, candidate_name: str | None, rows: list[Row], max_speakers: int) -> None:
        self.session_id = session_id
        self.roster = Roster(candidate_name, [entry_from_row(r) for r in rows], max_speakers)

    def public(self) -> list[dict[str, Any]]:
        return [e.public() for e in self.roster.entries()]

    def role_for(self, name: str | None, hint: str | None, now: float) -> tuple[str, Change]:
        """The role a caption is stored and detected with. A nameless caption keeps its own (the HTTP layer
        made sure it has one); a named one takes the roster's, and a new name joins the roster."""
        if name is None:
            return str(hint or SpeakerRole.INTERVIEWER), ([], None)
        role, new = self.roster.resolve(name, SpeakerRole(hint) if hint else None, now)
        if new is None:
            return role.value, ([], None)
        self.roster.remember(new)
        row = {"session_id": self.session_id, "name": new.name, "role": new.role.value, "source": new.source,
               "created_at": now, "updated_at": now}
        return role.value, ([speakers.insert_speaker(row)],
                            {"name": name, "role": role.value, "previous_role": None, "source": new.source})

    def set_role(self, name: str, role: SpeakerRole, now: float) -> tuple[dict[str, Any], Change]:
        """The user's choice; the reply value and what to stage (nothing when the role is already so)."""
        previous = self.roster.get(name)
        if previous is not None and previous.role == role:
            return previous.public(), ([], None)
        if previous is None and self.roster.full:
            raise Problem(ProblemCode.TOO_MANY_SPEAKERS,
                          f"a session keeps at most {self.roster.max_speakers} speakers")
        entry, _ = self.roster.set(name, role, now)
        if previous is None:
            # captions of a name the full roster could not keep are re-labelled too
            ops = [speakers.insert_speaker({"session_id": self.session_id, "name": name, "role": role.value,
                                            "source": "user", "created_at": now, "updated_at": now}),
                   speakers.relabel_captions(self.session_id, name, role.value)]
        else:
            ops = speakers.set_role(self.session_id, name, role.value, "user", now)
        data = {"name": name, "role": role.value, "previous_role": previous.role.value if previous else None,
                "source": "user"}
        return entry.public(), (ops, data)
