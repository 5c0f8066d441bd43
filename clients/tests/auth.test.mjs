// Token upkeep shared by the console and the extension (mentor/http/static/js/shared/auth.js).
import assert from "node:assert/strict";
import { test } from "node:test";
import { refreshDelayMs, RenewTimer, singleFlight } from "../../mentor/http/static/js/shared/auth.js";

test("concurrent refreshes share one call; the next one starts a new call", async () => {
  let calls = 0;
  const refresh = singleFlight(async () => { calls += 1; await new Promise((r) => setImmediate(r)); return calls; });
  assert.deepEqual(await Promise.all([refresh(), refresh(), refresh()]), [1, 1, 1]);
  assert.equal(await refresh(), 2);
  const failing = singleFlight(async () => { throw new Error("401"); });
  await assert.rejects(Promise.all([failing(), failing()]), /401/);
});

test("a token is renewed after two thirds of its life, never in less than a second", () => {
  assert.equal(refreshDelayMs(900), 600_000);
  assert.equal(refreshDelayMs(6), 4000);
  assert.equal(refreshDelayMs(1), 1000);
  assert.equal(refreshDelayMs(undefined), 1000);
});

test("the renew timer keeps only the latest plan", () => {
  const timers = [];
  const cleared = [];
  let renewed = 0;
  const t = new RenewTimer(() => { renewed += 1; }, {
    setTimer: (fn, ms) => { timers.push({ fn, ms }); return timers.length; }, clearTimer: (id) => cleared.push(id) });
  t.schedule(5000, 1000);
  t.schedule(9000, 1000);
  assert.deepEqual(timers.map((x) => x.ms), [4000, 8000]);
  assert.deepEqual(cleared, [1]);
  t.cancel();
  assert.deepEqual(cleared, [1, 2]);
  return Promise.resolve().then(() => timers[1].fn()).then(() => new Promise((r) => setImmediate(r))).then(() => assert.equal(renewed, 1));
});
