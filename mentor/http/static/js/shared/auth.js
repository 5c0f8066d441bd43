// Access-token upkeep shared by the console (api.js) and the extension (background.js, sidepanel.js).
//
// Refresh tokens are single use: two refreshes racing with the same refresh token would spend it twice,
// and the server treats the second as theft and revokes the login. So every refresh goes through one
// single-flight function. And streams end when their access token expires (`token_expired`), so the token
// is renewed *before* it expires: a stream then reconnects at once with a token already in hand.

/** Wraps an async function so concurrent callers share the call in flight instead of starting another. */
export function singleFlight(fn) {
  let inFlight = null;
  return (...args) => {
    if (!inFlight) inFlight = Promise.resolve().then(() => fn(...args)).finally(() => { inFlight = null; });
    return inFlight;
  };
}

/**
 * Milliseconds from receiving a token valid for `expiresInS` seconds until it should be renewed: after two
 * thirds of its life (the server truncates expiry to whole seconds, so up to 1 s of it may already be gone),
 * and not sooner than 1 s from now.
 */
export function refreshDelayMs(expiresInS) {
  const life = Math.max(0, Number(expiresInS) || 0) * 1000;
  return Math.max(1000, (life * 2) / 3);
}

/** Absolute time (ms since the epoch, local clock) at which a token received at `nowMs` should be renewed. */
export function renewAt(expiresInS, nowMs) {
  return nowMs + refreshDelayMs(expiresInS);
}

/** One timer that renews the token ahead of its expiry; `schedule` replaces any earlier plan. */
export class RenewTimer {
  constructor(renew, { setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (id) => clearTimeout(id) } = {}) {
    this.renew = renew;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.timer = null;
  }

  /** Renew at `atMs` (local clock); a failed renewal is left to the next request or stream to notice. */
  schedule(atMs, nowMs = Date.now()) {
    this.cancel();
    this.timer = this.setTimer(() => {
      this.timer = null;
      Promise.resolve().then(this.renew).catch(() => {});
    }, Math.max(0, atMs - nowMs));
  }

  cancel() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}
