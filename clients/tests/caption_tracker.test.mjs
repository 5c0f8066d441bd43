// The extension's clock-free caption tracker and outbox (clients/extension/caption_tracker.js), loaded as the
// classic content script it is.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";

vm.runInThisContext(readFileSync(new URL("../extension/caption_tracker.js", import.meta.url), "utf8"));
const { MentorCaptionTracker, MentorCaptionOutbox } = globalThis;

const tracker = () => new MentorCaptionTracker({ prefix: "t", roleOf: (s) => (s === "You" ? "candidate" : "interviewer"), now: () => 100 });
const block = (key, speaker, text) => ({ key, speaker, text });

test("a growing block is sent as higher revisions of its whole text, final when the next speaker starts", () => {
  const t = tracker();
  assert.deepEqual(t.update([block("A", "Dana", "Tell me")]).map((c) => [c.block_id, c.revision, c.final, c.text]),
    [["t-1", 0, false, "Tell me"]]);
  assert.deepEqual(t.update([block("A", "Dana", "Tell me about Kafka")]).map((c) => [c.revision, c.text]), [[1, "Tell me about Kafka"]]);
  assert.deepEqual(t.update([block("A", "Dana", "Tell me about Kafka")]), []); // nothing changed
  const out = t.update([block("A", "Dana", "Tell me about Kafka"), block("B", "You", "Sure")]);
  assert.deepEqual(out.map((c) => [c.block_id, c.revision, c.final, c.speaker_role]),
    [["t-1", 2, true, "interviewer"], ["t-2", 0, false, "candidate"]]);
  assert.equal(out[0].client_ts, 100);
});

test("when Meet trims the front of a long block, the trimmed words are kept", () => {
  const t = tracker();
  const long = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
  t.update([block("A", "Dana", long)]);
  const [c] = t.update([block("A", "Dana", "eleven twelve thirteen fourteen fifteen sixteen")]);
  assert.equal(c.text, `${long} sixteen`);
});

test("a block that leaves the region ends; edits after the end are ignored; finishAll ends the rest", () => {
  const t = tracker();
  t.update([block("A", "Dana", "Hello"), block("B", "You", "Hi")]); // B's arrival ends A
  const gone = t.update([block("B", "You", "Hi there")]);
  assert.deepEqual(gone.map((c) => [c.block_id, c.revision, c.final]), [["t-2", 1, false]]);
  assert.deepEqual(t.finishAll().map((c) => [c.block_id, c.revision, c.final, c.text]), [["t-2", 2, true, "Hi there"]]);
  const u = tracker();
  u.update([block("A", "Dana", "Hello"), block("B", "You", "Hi")]);
  assert.deepEqual(u.update([block("A", "Dana", "Hello, corrected"), block("B", "You", "Hi")]), []);
  assert.equal(u.lateEdits, 1);
});

test("an element reused for another speaker ends the old block and starts a new one", () => {
  const t = tracker();
  t.update([block("A", "Dana", "Question?")]);
  const out = t.update([block("A", "You", "Answer.")]);
  assert.deepEqual(out.map((c) => [c.block_id, c.final, c.speaker_name]), [["t-1", true, "Dana"], ["t-2", false, "You"]]);
});

test("the outbox keeps the newest revision per block until the server has it", () => {
  const box = new MentorCaptionOutbox(2);
  box.put({ block_id: "b1", revision: 0, text: "a" });
  box.put({ block_id: "b1", revision: 2, text: "abc" });
  box.put({ block_id: "b1", revision: 1, text: "ab" }); // older: ignored
  box.put({ block_id: "b2", revision: 0, text: "x" });
  box.put({ block_id: "b3", revision: 0, text: "y" });
  box.put(null);
  assert.deepEqual(box.take().map((c) => [c.block_id, c.revision]), [["b1", 2], ["b2", 0]]); // at most maxBatch
  box.ack([{ block_id: "b1", revision: 1 }]); // the server has an older one only: keep it
  assert.equal(box.size, 3);
  box.ack([{ block_id: "b1", revision: 2 }, { block_id: "b2", revision: 0 }]);
  assert.deepEqual(box.take().map((c) => c.block_id), ["b3"]);
  box.drop({ block_id: "b3", revision: 0 });
  assert.equal(box.size, 0);
});

test("the role is left to the session for a named speaker the client has no guess for; a nameless block says interviewer", () => {
  const t = new MentorCaptionTracker({ prefix: "r", roleOf: (s) => (s === "You" ? "candidate" : null), now: () => 1 });
  const out = t.update([block("A", "Dana", "Hello"), block("B", "You", "Hi"), block("C", "", "Who is this")]);
  const seen = out.map((c) => [c.block_id, c.final, c.speaker_name, "speaker_role" in c ? c.speaker_role : "-"]);
  assert.deepEqual(seen, [["r-1", false, "Dana", "-"], ["r-1", true, "Dana", "-"], ["r-2", false, "You", "candidate"],
    ["r-2", true, "You", "candidate"], ["r-3", false, null, "interviewer"]]);
});
