"""CaptionAssembler over plain updates, including the Meet and Teams capture formats."""

from __future__ import annotations

from mentor.ai.detection.assembly import AssemblerSettings, CaptionAssembler, CaptionUpdate


def up(cid: int, block: str, rev: int, text: str, at: float, *, final: bool = False,
       role: str = "interviewer", name: str | None = "Ana") -> CaptionUpdate:
    return CaptionUpdate(cid, block, rev, final, role, name, text, at)


def test_revisions_replace_text_and_stale_ones_are_ignored() -> None:
    asm = CaptionAssembler()
    asm.feed(up(1, "b1", 0, "tell me", 0.0))
    asm.feed(up(1, "b1", 2, "tell me about your", 0.4))
    res = asm.feed(up(1, "b1", 1, "tell me a", 0.3))  # arrives late, older revision
    assert not res.changed
    assert res.turn.text == "tell me about your"


def test_final_closes_block_and_later_nonfinal_is_ignored() -> None:
    asm = CaptionAssembler()
    asm.feed(up(1, "b1", 0, "why go", 0.0))
    res = asm.feed(up(1, "b1", 1, "Why Go?", 0.5, final=True))
    assert res.changed and res.turn.final
    assert not asm.feed(up(1, "b1", 2, "why go to", 0.6)).changed
    assert asm.current is not None and asm.current.text == "Why Go?"


def test_meet_block_grows_and_is_rewritten_in_place() -> None:
    # TranscripTonic reads the WHOLE block text at every change; earlier words get rewritten.
    asm = CaptionAssembler()
    for rev, text in enumerate(["so what", "so what did you", "so what did you built", "So what did you build there"]):
        asm.feed(up(7, "meet-1", rev, text, rev * 0.3))
    turn = asm.current
    assert turn is not None
    assert turn.text == "So what did you build there"
    assert turn.caption_ids == (7,)


def test_teams_staircase_entries_fold_into_one_block() -> None:
    # Live-Captions-Saver issue #17: every partial version saved as a separate final entry.
    asm = CaptionAssembler()
    steps = ["Tell me", "Tell me about a", "Tell me about a time you failed."]
    for i, text in enumerate(steps):
        asm.feed(up(10 + i, f"t{i}", 0, text, i * 0.5, final=True))
    asm.feed(up(20, "t-old", 0, "Tell me about", 1.2, final=True))  # a stale partial after the longer one
    turn = asm.current
    assert turn is not None
    assert turn.text == "Tell me about a time you failed."
    assert len(turn.blocks) == 1
    assert turn.caption_ids == (10, 11, 12)


def test_same_speaker_blocks_join_and_speaker_change_closes_turn() -> None:
    asm = CaptionAssembler()
    asm.feed(up(1, "a", 0, "What did you build there?", 0.0, final=True))
    asm.feed(up(2, "b", 0, "And why Go?", 1.0, final=True))
    first = asm.current
    assert first is not None and first.text == "What did you build there? And why Go?"
    res = asm.feed(up(3, "c", 0, "We built a queue", 2.0, role="candidate", name="Bo"))
    assert res.closed is first and first.closed
    assert res.turn.speaker_role == "candidate"


def test_late_revision_reaches_a_closed_turn() -> None:
    asm = CaptionAssembler()
    asm.feed(up(1, "a", 0, "what did you", 0.0))
    asm.feed(up(2, "c", 0, "well", 0.5, role="candidate", name="Bo"))
    res = asm.feed(up(1, "a", 1, "what did you build", 0.6, final=True))
    assert res.changed and res.turn.closed and res.turn.text == "what did you build"


def test_memory_is_bounded() -> None:
    asm = CaptionAssembler(AssemblerSettings(max_turn_blocks=5, history_turns=2, staircase_window_s=0.0))
    for i in range(200):
        role = "interviewer" if (i // 10) % 2 == 0 else "candidate"
        asm.feed(up(i, f"b{i}", 0, f"block number {i} ends here", float(i), final=True, role=role))
    assert asm.current is not None and len(asm.current.blocks) <= 5
    assert len(asm._history) <= 2
