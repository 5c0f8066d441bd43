// A session's event stream over EventSource, resumable without duplicates.
//
// EventSource reconnects by itself after a network error and sends Last-Event-ID, so the server replays
// exactly what was missed. It gives up for good on an HTTP error (401 when the access token, carried by
// the HttpOnly cookie, has expired); then we refresh the token and reopen with ?last_event_id=. Events
// whose id we have already applied are dropped, so a replay that overlaps can never show twice.

const DURABLE = ["session_created", "session_ended", "new_caption", "caption_updated", "question_detected",
  "answers_paused", "answers_resumed", "answer_started", "answer_delta", "new_answer", "answer_failed",
  "answer_cancelled"];

export class SessionStream {
  /**
   * @param {string} sessionId
   * @param {{onEvent(type: string, data: any, id: number): void, onReset(): void,
   *          onStatus(state: string, detail?: string): void, refresh(): Promise<void>}} sink
   */
  constructor(sessionId, sink) {
    this.sessionId = sessionId;
    this.sink = sink;
    this.lastId = 0;
    this.es = null;
    this.closed = false;
    this.ended = false;
    this.failures = 0;
    this.timer = null;
    this.onOnline = () => { if (!this.es && !this.closed && !this.ended) this.open(); };
    window.addEventListener("online", this.onOnline);
  }

  open() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    const q = this.lastId ? `?last_event_id=${this.lastId}` : "";
    const es = new EventSource(`/sessions/${encodeURIComponent(this.sessionId)}/events${q}`);
    this.es = es;
    this.sink.onStatus(this.lastId ? "reconnecting" : "connecting");
    es.onopen = () => { this.failures = 0; this.sink.onStatus("live"); };
    es.onerror = () => this._error(es);
    for (const type of DURABLE) es.addEventListener(type, (e) => this._durable(type, e));
    es.addEventListener("reset", () => { this.lastId = 0; this.sink.onReset(); });
    es.addEventListener("heartbeat", () => this.sink.onStatus("live"));
    es.addEventListener("lagged", () => this.sink.onStatus("reconnecting", "catching up"));
    es.addEventListener("shutdown", () => this.sink.onStatus("reconnecting", "server restarting"));
    es.addEventListener("session_deleted", () => { this.close(); this.sink.onStatus("ended", "session deleted"); });
  }

  _durable(type, e) {
    const id = Number(e.lastEventId);
    if (!Number.isInteger(id) || id <= this.lastId) return; // already applied: a replay overlap
    this.lastId = id;
    if (type === "session_ended") this.ended = true;
    this.sink.onEvent(type, JSON.parse(e.data), id);
  }

  async _error(es) {
    if (es !== this.es || this.closed) return;
    if (es.readyState === EventSource.CONNECTING) { // EventSource retries by itself, with Last-Event-ID
      this.sink.onStatus(navigator.onLine ? "reconnecting" : "offline");
      return;
    }
    es.close();
    this.es = null;
    if (this.ended) { this.sink.onStatus("ended"); return; }  // 204: nothing more will come
    this.failures += 1;
    this.sink.onStatus(navigator.onLine ? "reconnecting" : "offline");
    try {
      await this.sink.refresh(); // the likely cause is an expired token; a new login also renews the cookie
    } catch (err) {
      if (err.status === 401) { this.sink.onStatus("offline", "signed out"); return; }
    }
    const delay = Math.min(15000, 500 * 2 ** Math.min(this.failures, 5));
    this.timer = setTimeout(() => this.open(), delay);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    window.removeEventListener("online", this.onOnline);
    if (this.es) this.es.close();
    this.es = null;
  }
}
