// A session's event stream over EventSource: resumable, without duplicates, and never stalled by an expired
// access token. Used by the console (token in an HttpOnly cookie) and the extension's side panel (?token=).
//
// - After a network error EventSource reconnects by itself and sends Last-Event-ID, so the server replays
//   exactly what was missed; ids already applied are dropped, so an overlapping replay never shows twice.
// - When the server ends the stream because its token expired (`token_expired`), the stream gets a token
//   newer than the one it used FIRST (normally already renewed ahead of expiry, see auth.js), then reopens
//   at once with ?last_event_id=: no round trip with the expired token, no pause longer than a reconnect.
// - A refusal (EventSource gives up on an HTTP error, e.g. 401) refreshes the same way and reopens.
import { CONTROL_EVENTS, DURABLE_EVENTS } from "./vocabulary.js";

const CONNECTING = 0;
const MAX_BACKOFF_MS = 15_000;

export class EventStream {
  /**
   * @param {{
   *   url(lastId: number, token: string | null): string,
   *   token(): string | null,
   *   refresh(stale: string | null): Promise<unknown>,
   *   onEvent(type: string, data: any, id: number): void,
   *   onReset(): void,
   *   onStatus(state: "connecting"|"live"|"reconnecting"|"offline"|"ended", detail?: string): void,
   * }} sink  url: where to connect; token: the access token to connect with now (null when a cookie carries
   *   it); refresh(stale): resolves once a token newer than `stale` is in hand (it renews only if needed),
   *   rejects with `status` 401 when signed out.
   */
  constructor(sink, { EventSource = globalThis.EventSource, setTimer = (fn, ms) => setTimeout(fn, ms),
                      clearTimer = (id) => clearTimeout(id), isOnline = () => globalThis.navigator?.onLine ?? true,
                      target = globalThis.window } = {}) {
    this.sink = sink;
    this.EventSource = EventSource;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.isOnline = isOnline;
    this.lastId = 0;
    this.es = null;
    this.usedToken = null;
    this.closed = false;
    this.ended = false;
    this.failures = 0;
    this.timer = null;
    this.stats = { opens: 0, refused: 0, expired: 0 }; // for tests and debugging
    this.target = target;
    this.onOnline = () => { if (!this.es && !this.closed && !this.ended) this.open(); };
    this.target?.addEventListener?.("online", this.onOnline);
  }

  open() {
    this._cancelTimer();
    if (this.closed) return;
    if (this.es) this.es.close();
    const token = this.sink.token();
    this.usedToken = token;
    const es = new this.EventSource(this.sink.url(this.lastId, token));
    this.es = es;
    this.stats.opens += 1;
    this.sink.onStatus(this.lastId ? "reconnecting" : "connecting");
    es.onopen = () => { if (es === this.es) { this.failures = 0; this.sink.onStatus("live"); } };
    es.onerror = () => this._error(es);
    for (const type of DURABLE_EVENTS) es.addEventListener(type, (e) => this._durable(es, type, e));
    const control = {
      reset: () => { this.lastId = 0; this.sink.onReset(); },
      heartbeat: () => this.sink.onStatus("live"),
      shutdown: () => this.sink.onStatus("reconnecting", "server restarting"), // EventSource retries by itself
      lagged: () => { this.sink.onStatus("reconnecting", "catching up"); this.open(); },
      session_deleted: () => { this.close(); this.sink.onStatus("ended", "session deleted"); },
      token_expired: () => this._renew(es),
      // who else watches (only on streams opened with ?presence=true)
      presence: (e) => this.sink.onPresence?.(JSON.parse(e.data)),
      // the device or share link this stream runs on was revoked: stop for good, never reconnect
      access_revoked: () => { this.close(); this.sink.onStatus("ended", "access revoked"); },
    };
    for (const type of CONTROL_EVENTS) es.addEventListener(type, (e) => { if (es === this.es) control[type](e); });
  }

  _durable(es, type, e) {
    if (es !== this.es) return;
    const id = Number(e.lastEventId);
    if (!Number.isInteger(id) || id <= this.lastId) return; // already applied: a replay overlap
    this.lastId = id;
    if (type === "session_ended") this.ended = true;
    this.sink.onEvent(type, JSON.parse(e.data), id);
  }

  /** The server ended the stream because its token expired: renew first, then reopen at once. */
  async _renew(es) {
    es.close();
    this.es = null;
    this.stats.expired += 1;
    this.sink.onStatus("reconnecting", "renewing sign-in");
    if (await this._refresh()) this.open();
  }

  async _error(es) {
    if (es !== this.es || this.closed) return;
    if (es.readyState === CONNECTING) {
      // EventSource retries by itself, with Last-Event-ID; but never with a token older than the one in hand
      if (this.sink.token() !== this.usedToken) { this.open(); return; }
      this.sink.onStatus(this.isOnline() ? "reconnecting" : "offline");
      return;
    }
    // EventSource gave up: an HTTP error (401 with an expired or revoked token, 204 for an ended session)
    es.close();
    this.es = null;
    if (this.ended) { this.sink.onStatus("ended"); return; }
    this.stats.refused += 1;
    this.failures += 1;
    this.sink.onStatus(this.isOnline() ? "reconnecting" : "offline");
    if (!(await this._refresh())) return;
    const delay = this.failures === 1 ? 0 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 5));
    this.timer = this.setTimer(() => { this.timer = null; this.open(); }, delay);
  }

  /** True to go on (a newer token, or a failure that retrying may cure), false when signed out. */
  async _refresh() {
    try {
      await this.sink.refresh(this.usedToken);
    } catch (err) {
      if (err?.status === 401) { this.sink.onStatus("offline", "signed out"); return false; }
    }
    return !this.closed;
  }

  _cancelTimer() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  close() {
    this.closed = true;
    this._cancelTimer();
    this.target?.removeEventListener?.("online", this.onOnline);
    if (this.es) this.es.close();
    this.es = null;
  }
}
