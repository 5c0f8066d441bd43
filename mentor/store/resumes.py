"""Resumes: the uploaded text and the parsed, contact-free profile (stored as JSON) of each, one active per user.

Reads are sync functions ``fn(conn, ...)`` for ``StoreReader.read`` (they run in a worker thread); write
builders return ``WriteOp`` lists for ``StoreWriter.write``, which commits them in one transaction. The
one-active-resume invariant is written as conditional statements, so it holds whatever else is committed in
the same or a neighbouring batch: the single writer runs transactions one after another.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import sqlalchemy as sa

from mentor.ai.types import ExperienceEntry, ResumeProfile
from mentor.store.rows import Row
from mentor.store.schema import resumes
from mentor.store.writer import WriteOp

# --- serialisation of profiles ---------------------------------------------------------------------------

def profile_to_json(profile: ResumeProfile) -> str:
    """The profile as JSON (lists for tuples), as stored in ``resumes.profile``."""
    return json.dumps(asdict(profile), separators=(",", ":"), ensure_ascii=False)


def profile_from_json(raw: str) -> ResumeProfile:
    """A ``ResumeProfile`` from ``profile_to_json`` output. Unknown keys are ignored and missing ones take
    their defaults, so profiles stored by an older or newer version still load. Raises ValueError (bad JSON)
    or TypeError (JSON that is not an object)."""
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise TypeError("a stored profile must be a JSON object")
    experience = tuple(
        ExperienceEntry(
            employer=str(e.get("employer", "")), role=str(e.get("role", "")), dates=str(e.get("dates", "")),
            bullets=tuple(str(b) for b in e.get("bullets", ())),
            start_year=e.get("start_year"), end_year=e.get("end_year"),
        )
        for e in data.get("experience", ()) if isinstance(e, dict)
    )
    level = data.get("experience_level", "entry")
    return ResumeProfile(
        summary=str(data.get("summary", "")),
        headline=str(data.get("headline", "")),
        experience=experience,
        skills=tuple(str(s) for s in data.get("skills", ())),
        education=tuple(str(s) for s in data.get("education", ())),
        projects=tuple(str(s) for s in data.get("projects", ())),
        other=tuple((str(t), str(x)) for t, x in data.get("other", ())),
        experience_level=level if level in ("entry", "mid", "senior", "lead") else "entry",
        total_years=float(data.get("total_years", 0.0)),
    )


# --- resumes ---------------------------------------------------------------------------------------------

_RESUME_LIST_COLUMNS = (resumes.c.id, resumes.c.name, resumes.c.profile, resumes.c.active, resumes.c.created_at)


def list_resumes(conn: sa.Connection, user_id: str) -> list[Row]:
    """The user's resumes, newest first, without their text. Cost: one indexed query."""
    stmt = (sa.select(*_RESUME_LIST_COLUMNS).where(resumes.c.user_id == user_id)
            .order_by(resumes.c.created_at.desc(), resumes.c.id.desc()))
    return [dict(r) for r in conn.execute(stmt).mappings()]


def get_resume(conn: sa.Connection, user_id: str, resume_id: str) -> Row | None:
    """One resume of the user (with its text), or None if missing or someone else's."""
    row = conn.execute(sa.select(resumes).where(resumes.c.id == resume_id, resumes.c.user_id == user_id)
                       ).mappings().first()
    return dict(row) if row is not None else None


def active_profile(conn: sa.Connection, user_id: str) -> ResumeProfile | None:
    """The user's active resume profile, or None. Cost: one lookup on the partial unique index."""
    raw = conn.execute(sa.select(resumes.c.profile).where(resumes.c.user_id == user_id,
                                                          resumes.c.active.is_(True))).scalar()
    return profile_from_json(raw) if raw is not None else None


def insert_resume(row: Row) -> list[WriteOp]:
    """Insert a resume (``row`` has id, user_id, name, text, profile, created_at; ``active`` is ignored) and
    make it active if the user has no active resume yet, so the first upload becomes the active one."""
    r2 = resumes.alias("r2")
    return [
        WriteOp(sa.insert(resumes), {**row, "active": False}),
        WriteOp(
            sa.update(resumes)
            .where(resumes.c.id == row["id"],
                   ~sa.exists().where(r2.c.user_id == row["user_id"], r2.c.active.is_(True)))
            .values(active=True)
        ),
    ]


def activate_resume(user_id: str, resume_id: str) -> list[WriteOp]:
    """Make ``resume_id`` the user's only active resume; does nothing if it is not the user's.

    Two statements because PostgreSQL checks the one-active unique index row by row: the others are
    deactivated first. The EXISTS guard keeps a foreign or deleted id from deactivating everything.
    """
    r2 = resumes.alias("r2")
    owned = sa.exists().where(r2.c.id == resume_id, r2.c.user_id == user_id)
    return [
        WriteOp(sa.update(resumes)
                .where(resumes.c.user_id == user_id, resumes.c.id != resume_id, resumes.c.active.is_(True), owned)
                .values(active=False)),
        WriteOp(sa.update(resumes).where(resumes.c.id == resume_id, resumes.c.user_id == user_id)
                .values(active=True)),
    ]


def delete_resume(user_id: str, resume_id: str) -> list[WriteOp]:
    """Delete a resume of the user; if it was the active one, the newest remaining resume becomes active."""
    r2, r3 = resumes.alias("r2"), resumes.alias("r3")
    newest = (sa.select(r2.c.id).where(r2.c.user_id == user_id)
              .order_by(r2.c.created_at.desc(), r2.c.id.desc()).limit(1).scalar_subquery())
    return [
        WriteOp(sa.delete(resumes).where(resumes.c.id == resume_id, resumes.c.user_id == user_id)),
        WriteOp(sa.update(resumes)
                .where(resumes.c.id == newest,
                       ~sa.exists().where(r3.c.user_id == user_id, r3.c.active.is_(True)))
                .values(active=True)),
    ]
