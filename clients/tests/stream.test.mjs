// The shared event stream (mentor/http/static/js/shared/stream.js) against a scripted EventSource: resume
// without duplicates, and a fresh token BEFORE any reconnect after `token_expired`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { EventStream } from "../../mentor/http/static/js/shared/stream.js";
import { CONTROL_EVENTS, DURABLE_EVENTS } from "../../mentor/http/static/js/shared/vocabulary.js";

class FakeEventSource {
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = new Map();
    this.closed = false;
    FakeEventSource.all.push(this);
  }
  addEventListener(type, fn) { this.listeners.set(type, [...(this.listeners.get(type) || []), fn]); }
  close() { this.closed = true; this.readyState = 2; }
  emit(type, data = {}, id = "") { for (const fn of this.listeners.get(type) || []) fn({ data: JSON.stringify(data), lastEventId: String(id) }); }
  fail(readyState) { this.readyState = readyState; this.onerror?.(); }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function harness({ refresh } = {}) {
  FakeEventSource.all = [];
  const log = [];
  const auth = { token: "t1" };
  const stream = new EventStream({
    url: (lastId, token) => `/events?token=${token}&last=${lastId}`,
    token: () => auth.token,
    refresh: refresh || (async (stale) => { log.push(`refresh ${stale}`); if (auth.token === stale) auth.token = `${stale}+`; }),
    onEvent: (type, data, id) => log.push(`${type} ${id}`),
    onReset: () => log.push("reset"),
    onStatus: (state, detail) => log.push(`status ${state}${detail ? ` ${detail}` : ""}`),
  }, { EventSource: FakeEventSource, setTimer: (fn) => { fn(); return 1; }, clearTimer: () => {}, target: null });
  return { stream, log, auth, last: () => FakeEventSource.all.at(-1) };
}

test("every event type gets a listener", () => {
  const { stream, last } = harness();
  stream.open();
  for (const type of [...DURABLE_EVENTS, ...CONTROL_EVENTS]) assert.ok(last().listeners.has(type), type);
});

test("events already applied are dropped, and a reopened stream asks for what comes after them", async () => {
  const { stream, log, last } = harness();
  stream.open();
  last().emit("new_caption", { id: 1 }, 1);
  last().emit("new_caption", { id: 2 }, 2);
  last().emit("new_caption", { id: 1 }, 1); // a replay overlap
  last().emit("heartbeat", {});
  last().emit("lagged", { last_event_id: 2 }); // cut off: reopens at once, after id 2
  assert.equal(FakeEventSource.all.length, 2);
  assert.ok(FakeEventSource.all[0].closed);
  assert.equal(last().url, "/events?token=t1&last=2");
  FakeEventSource.all[0].emit("new_caption", { id: 3 }, 3); // a late event on the old source is ignored
  last().emit("caption_updated", { id: 2 }, 2);
  last().emit("caption_updated", { id: 3 }, 3);
  assert.deepEqual(log.filter((l) => !l.startsWith("status")), ["new_caption 1", "new_caption 2", "caption_updated 3"]);
  last().emit("reset", {});
  last().emit("session_created", {}, 1);
  assert.deepEqual(log.slice(-2), ["reset", "session_created 1"]);
});

test("token_expired: a newer token first, then one reconnect with it, after the last event", async () => {
  const { stream, log, auth, last } = harness();
  stream.open();
  last().emit("answer_delta", { seq: 1 }, 5);
  last().emit("token_expired", {});
  assert.ok(FakeEventSource.all[0].closed);
  await tick();
  assert.equal(FakeEventSource.all.length, 2);
  assert.equal(last().url, "/events?token=t1+&last=5");
  assert.ok(log.indexOf("refresh t1") < log.lastIndexOf("status reconnecting"));
  assert.equal(stream.stats.expired, 1);
  // renewed ahead of time: the next expiry needs no refresh round trip, the token in hand is used at once
  auth.token = "t2";
  last().emit("token_expired", {});
  await tick();
  assert.equal(last().url, "/events?token=t2&last=5");
});

test("EventSource never retries with an older token than the one in hand", () => {
  const { stream, auth, last } = harness();
  stream.open();
  last().fail(0); // network error: EventSource would retry by itself with the same URL
  assert.equal(FakeEventSource.all.length, 1);
  auth.token = "t2";
  last().fail(0);
  assert.equal(FakeEventSource.all.length, 2);
  assert.equal(last().url, "/events?token=t2&last=0");
});

test("a refused stream refreshes and reopens; signed out, it stops", async () => {
  const { stream, log, last } = harness();
  stream.open();
  last().emit("new_caption", {}, 4);
  last().fail(2); // HTTP error: EventSource gave up
  await tick();
  assert.equal(last().url, "/events?token=t1+&last=4");
  assert.equal(stream.stats.refused, 1);
  const out = harness({ refresh: async () => { const e = new Error("no"); e.status = 401; throw e; } });
  out.stream.open();
  out.last().fail(2);
  await tick();
  assert.equal(FakeEventSource.all.length, 1);
  assert.equal(out.log.at(-1), "status offline signed out");
  assert.ok(log.length);
});

test("an ended session's stream stops for good", async () => {
  const { stream, log, last } = harness();
  stream.open();
  last().emit("session_ended", {}, 9);
  last().fail(2); // the server answers 204 to the reconnect
  await tick();
  assert.equal(FakeEventSource.all.length, 1);
  assert.equal(log.at(-1), "status ended");
  stream.close();
});
