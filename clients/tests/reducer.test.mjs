// The shared event reducer (mentor/http/static/js/shared/reducer.js) over plain event data.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  answerFor, canAnswerAgain, createState, focusQuestion, marksOf, questionStatus, questionsNewestFirst, reduce,
} from "../../mentor/http/static/js/shared/reducer.js";

const q = (id, text, revision = 0) => ({ question_id: id, text, revision, kind: "technical", source: "auto" });

function play(events, state = createState()) {
  for (const [type, data] of events) reduce(state, type, data);
  return state;
}

test("a question's older revision never replaces a newer one; the newest question is current", () => {
  const s = play([["question_detected", q("q1", "Tell me about", 0)], ["question_detected", q("q1", "Tell me about Kafka", 1)]]);
  assert.equal(reduce(s, "question_detected", q("q1", "Tell me", 0)), null);
  assert.equal(s.questions.get("q1").text, "Tell me about Kafka");
  reduce(s, "question_detected", q("q2", "Why Postgres?"));
  assert.equal(s.current, "q2");
  assert.deepEqual(questionsNewestFirst(s).map((x) => x.question_id), ["q2", "q1"]);
});

test("deltas join in seq order, whatever order they arrive in, and a repeated seq changes nothing", () => {
  const s = play([["question_detected", q("q1", "Why?")], ["answer_started", { answer_id: "a1", question_id: "q1", engine: "openai" }],
    ["answer_delta", { answer_id: "a1", question_id: "q1", seq: 1, text: "Because " }],
    ["answer_delta", { answer_id: "a1", question_id: "q1", seq: 3, text: "works." }],
    ["answer_delta", { answer_id: "a1", question_id: "q1", seq: 2, text: "it " }]]);
  assert.equal(reduce(s, "answer_delta", { answer_id: "a1", question_id: "q1", seq: 2, text: "it " }), null);
  assert.equal(answerFor(s, "q1").text, "Because it works.");
  assert.equal(questionStatus(s, "q1"), "streaming");
  assert.equal(canAnswerAgain(s, "q1"), false);
  reduce(s, "new_answer", { answer_id: "a1", question_id: "q1", text: "Because it works.", engine: "openai", model: "m" });
  assert.equal(questionStatus(s, "q1"), "answered");
  assert.equal(answerFor(s, "q1").fallback, null);
  assert.equal(canAnswerAgain(s, "q1"), true);
});

test("an answer from the offline fallback voids the model's text and is marked as a fallback", () => {
  const s = play([["question_detected", q("q1", "Why?")], ["answer_started", { answer_id: "a1", question_id: "q1", engine: "openai" }],
    ["answer_delta", { answer_id: "a1", question_id: "q1", seq: 1, text: "The model sa" }],
    ["answer_failed", { answer_id: "a1", question_id: "q1", reason: "model timed out", retryable: true, fallback: "offline" }]]);
  const a = answerFor(s, "q1");
  assert.equal(a.status, "streaming");
  assert.equal(a.text, "");
  assert.equal(a.fallback, "offline");
  assert.equal(a.fallbackReason, "model timed out");
  reduce(s, "answer_delta", { answer_id: "a1", question_id: "q1", seq: 1, text: "Offline: " }); // seq restarts at 1
  reduce(s, "answer_delta", { answer_id: "a1", question_id: "q1", seq: 2, text: "structure it." });
  assert.equal(a.text, "Offline: structure it.");
  reduce(s, "new_answer", { answer_id: "a1", question_id: "q1", text: "Offline: structure it.", engine: "offline" });
  assert.equal(a.status, "done");
  assert.equal(a.fallback, "offline");
});

test("a cancelled question is cancelled; a regenerated one takes its new answer", () => {
  const s = play([["question_detected", q("q1", "First?")], ["answer_started", { answer_id: "a1", question_id: "q1" }],
    ["question_detected", q("q2", "Second?")], ["answer_cancelled", { answer_id: "a1", question_id: "q1", reason: "newer_question" }],
    ["answer_started", { answer_id: "a2", question_id: "q2" }]]);
  assert.equal(questionStatus(s, "q1"), "cancelled");
  assert.equal(answerFor(s, "q1").reason, "newer_question");
  assert.equal(canAnswerAgain(s, "q1"), true);
  play([["answer_cancelled", { answer_id: "a2", question_id: "q2", reason: "regenerated" }],
    ["answer_started", { answer_id: "a3", question_id: "q1" }]], s);
  assert.equal(questionStatus(s, "q1"), "streaming");
  assert.equal(answerFor(s, "q1").answer_id, "a3");
  assert.equal(questionStatus(s, "q2"), "cancelled");
  assert.equal(questionStatus(s, "q3"), "unanswered");
});

test("an answer cut by a restart is interrupted and can be answered again while the session is live", () => {
  const s = play([["question_detected", q("q1", "Why?")], ["answer_started", { answer_id: "a1", question_id: "q1" }],
    ["answer_delta", { answer_id: "a1", question_id: "q1", seq: 1, text: "Part" }],
    ["answer_failed", { answer_id: "a1", question_id: "q1", reason: "interrupted", retryable: true, fallback: null }]]);
  assert.equal(questionStatus(s, "q1"), "interrupted");
  assert.equal(answerFor(s, "q1").text, "Part");
  assert.equal(canAnswerAgain(s, "q1"), true);
  reduce(s, "session_ended", { session_id: "s", ended_at: 1 });
  assert.equal(canAnswerAgain(s, "q1"), false);
});

test("captions keep their latest revision; session and pause events update the session", () => {
  const s = play([["session_created", { id: "s", status: "active", auto_answer: true }],
    ["new_caption", { id: 7, revision: 0, text: "Tell" }], ["caption_updated", { id: 7, revision: 2, text: "Tell me more" }]]);
  assert.equal(reduce(s, "caption_updated", { id: 7, revision: 1, text: "Tell me" }), null);
  assert.equal(s.captions.get(7).text, "Tell me more");
  reduce(s, "answers_paused", { auto_answer: false });
  assert.equal(s.autoAnswer, false);
  assert.equal(reduce(s, "heartbeat", {}), null);
});

test("speaker_updated re-labels every caption of that name, and only those", () => {
  const cap = (id, name, role) => ({ id, block_id: `b${id}`, revision: 0, final: true, speaker_name: name, speaker_role: role, text: "hi" });
  const s = play([["new_caption", cap(1, "Alex Kim", "interviewer")], ["new_caption", cap(2, "Dana Lee", "interviewer")],
    ["new_caption", cap(3, "Alex Kim", "interviewer")]]);
  assert.equal(reduce(s, "speaker_updated", { name: "Alex Kim", role: "other", previous_role: "interviewer", source: "user" }), "speaker");
  assert.deepEqual([...s.captions.values()].map((c) => c.speaker_role), ["other", "interviewer", "other"]);
  assert.equal(s.speakers.get("Alex Kim"), "other");
});

test("synced marks decide the question every device shows; hints are kept once each", () => {
  const s = play([["question_detected", q("q1", "Why Postgres?")], ["question_detected", q("q2", "Lunch?")]]);
  assert.equal(focusQuestion(s), "q2");
  reduce(s, "question_marked", { question_id: "q2", mark: "dismissed", value: true, by: "owner" });
  assert.equal(focusQuestion(s), "q1"); // the newest not dismissed
  reduce(s, "question_marked", { question_id: "q1", mark: "answered", value: true, by: "owner" });
  assert.deepEqual(marksOf(s, "q1"), { pinned: false, dismissed: false, answered: true });
  reduce(s, "question_detected", q("q3", "And Kafka?"));
  reduce(s, "question_marked", { question_id: "q1", mark: "pinned", value: true, by: "owner" });
  assert.equal(focusQuestion(s), "q1"); // a pin wins over newer questions
  reduce(s, "question_marked", { question_id: "q1", mark: "pinned", value: false, by: "owner" });
  assert.equal(focusQuestion(s), "q3");
  const hint = { hint_id: "h9", text: "Mention the WAL", from: "coach", at: 1 };
  assert.equal(reduce(s, "hint", hint), "hint");
  assert.equal(reduce(s, "hint", hint), null); // a replay overlap
  assert.equal(s.hints.length, 1);
});
