"""Who is who in a session: speaker names as captions carry them, and the role each one gets.

Pure functions and one small state class, no I/O. The session actor owns a ``Roster`` per session, loaded
from the store: a caption naming someone new gets a role here (the session's candidate, the platform's
"You", else an interviewer; panels have several interviewers), a user's choice (``set``) overrides it for
good, and every later caption of that name takes the roster's role.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from mentor.ai.types import SpeakerRole

__all__ = ["MAX_NAME_CHARS", "SELF_LABELS", "Roster", "SpeakerEntry", "default_role", "name_key", "name_problem"]

MAX_NAME_CHARS = 200
# How meeting platforms label the local participant (the user, i.e. the candidate): Google Meet shows "You"
# in English, "Vous" in French, "Du"/"Sie" in German, "Tú"/"Tu" in Spanish; some show "Me"/"Ich"/"Moi"/"Yo".
SELF_LABELS = frozenset({"you", "me", "vous", "moi", "du", "sie", "ich", "tú", "tu", "yo"})
# Teams and Zoom add a marker to one's own name instead: "Sam Rivera (You)", "Sam Rivera (me)".
_SELF_SUFFIX = re.compile(r"\s*\((?:you|me|vous|moi|du|sie|ich|tú|tu|yo)\)$", re.IGNORECASE)
# C0 and C1 controls, DEL, and lone surrogates: never part of a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def name_key(name: str) -> str:
    """What two spellings of one name share: Unicode-normalised, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a speaker name (None if it can): empty, too long, or control characters."""
    if not name.strip():
        return "a speaker name must not be empty"
    if len(name) > MAX_NAME_CHARS:
        return f"a speaker name is limited to {MAX_NAME_CHARS} characters"
    if _CONTROL.search(name):
        return "a speaker name must not contain control characters"
    return None


def default_role(name: str, candidate_name: str | None) -> SpeakerRole:
    """The role of a name seen for the first time: the candidate is the session's ``candidate_name`` or the
    platform's self label; everyone else in an interview is taken for an interviewer."""
    key = name_key(name)
    if candidate_name and name_key(candidate_name) in (key, name_key(_SELF_SUFFIX.sub("", name))):
        return SpeakerRole.CANDIDATE
    if key in SELF_LABELS or _SELF_SUFFIX.search(name):
        return SpeakerRole.CANDIDATE
    return SpeakerRole.INTERVIEWER


@dataclass(frozen=True, slots=True)
class SpeakerEntry:
    name: str
    role: SpeakerRole
    source: str  # "auto" (the rule above), "caption" (the client's speaker_role), "user" (set by the user)
    created_at: float = 0.0  # UNIX seconds
    updated_at: float = 0.0

    def public(self) -> dict[str, object]:
        return {"name": self.name, "role": self.role.value, "source": self.source,
                "created_at": self.created_at, "updated_at": self.updated_at}


class Roster:
    """The speakers of one session by exact name, at most ``max_speakers`` of them (a name beyond the bound
    still gets a role, it is just not remembered)."""

    def __init__(self, candidate_name: str | None, entries: list[SpeakerEntry] | None = None,
                 max_speakers: int = 200) -> None:
        self.candidate_name = candidate_name
        self.max_speakers = max_speakers
        self._by_name: dict[str, SpeakerEntry] = {e.name: e for e in entries or ()}

    def __len__(self) -> int:
        return len(self._by_name)

    def get(self, name: str) -> SpeakerEntry | None:
        return self._by_name.get(name)

    def entries(self) -> list[SpeakerEntry]:
        return list(self._by_name.values())

    def resolve(self, name: str, hint: SpeakerRole | None, now: float = 0.0
                ) -> tuple[SpeakerRole, SpeakerEntry | None]:
        """The role of a caption by ``name``; ``hint`` is the caption's own speaker_role, if any. Returns the
        role and the entry to remember when the name is new (None when it is known or the roster is full).

        A known name keeps its roster role whatever the caption says: a user's correction must stick, even
        while a client keeps sending its own guess."""
        known = self._by_name.get(name)
        if known is not None:
            return known.role, None
        role = hint if hint is not None else default_role(name, self.candidate_name)
        entry = SpeakerEntry(name, role, "caption" if hint is not None else "auto", now, now)
        if len(self._by_name) >= self.max_speakers:
            return role, None
        return role, entry

    def remember(self, entry: SpeakerEntry) -> None:
        self._by_name[entry.name] = entry

    @property
    def full(self) -> bool:
        return len(self._by_name) >= self.max_speakers

    def set(self, name: str, role: SpeakerRole, now: float = 0.0) -> tuple[SpeakerEntry, SpeakerEntry | None]:
        """The user's choice for ``name``: the new entry and the previous one (None if the name was new)."""
        previous = self._by_name.get(name)
        entry = SpeakerEntry(name, role, "user", previous.created_at if previous else now, now)
        self._by_name[name] = entry
        return entry, previous
