// Side panel: the current session's questions and streaming answers, over SSE (EventSource, ?token=).
// EventSource resumes by itself with Last-Event-ID after a network error; after a 401 (expired token) we
// get a fresh token from the service worker and reopen with ?last_event_id=. Ids already applied are
// skipped, so nothing shows twice.
const $ = (id) => document.getElementById(id);
const TYPES = ["question_detected", "answer_started", "answer_delta", "new_answer", "answer_failed",
  "answer_cancelled", "session_ended"];

let es = null;
let sessionId = null;
let lastId = 0;
let ended = false;
let retryTimer = null;
let state = null;

function freshState() { return { questions: new Map(), answers: new Map(), latest: new Map(), current: null }; }

function setConn(s, text) { $("conn").dataset.state = s; $("conn").textContent = text; }

function hint(text) { $("hint").textContent = text || ""; $("hint").hidden = !text; }

function rich(target, text) {
  target.replaceChildren();
  let list = null;
  for (const block of text.split("\n")) {
    const line = block.trim();
    const item = /^(?:[-*•]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      if (!list) { list = document.createElement("ul"); target.append(list); }
      const li = document.createElement("li");
      li.textContent = item[1].replace(/\*\*/g, "");
      list.append(li);
    } else if (line) {
      list = null;
      const p = document.createElement("p");
      p.textContent = line.replace(/\*\*/g, "");
      target.append(p);
    } else list = null;
  }
}

function latency(value) { // a number of ms, or {first_token, complete}
  const ms = value && typeof value === "object" ? value.complete : value;
  return typeof ms === "number" && Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : "";
}

function render() {
  const q = state.current && state.questions.get(state.current);
  $("focus").hidden = !q;
  $("ask").hidden = !sessionId || ended;
  if (!q) { if (sessionId) hint("Listening. Detected questions and their answers appear here."); return; }
  hint("");
  $("question").textContent = q.text;
  const a = state.answers.get(state.latest.get(q.question_id));
  const box = $("answer");
  box.setAttribute("aria-busy", String(a?.status === "streaming"));
  if (!a) { box.replaceChildren(); $("answer-meta").textContent = ""; }
  else {
    if (a.status === "failed" && !a.text) box.textContent = `No answer: ${a.reason || "the engine failed"}`;
    else rich(box, a.text);
    $("answer-meta").textContent = a.status === "streaming" ? "Answering…" : [a.model, latency(a.latency_ms)].filter(Boolean).join(" · ");
  }
  const older = [...state.questions.values()].filter((x) => x.question_id !== state.current).slice(-8);
  $("earlier-wrap").hidden = !older.length;
  $("earlier").replaceChildren(...older.reverse().map((x) => { const li = document.createElement("li"); li.textContent = x.text; return li; }));
}

function answer(d) {
  let a = state.answers.get(d.answer_id);
  if (!a) { a = { answer_id: d.answer_id, deltas: new Map(), text: "", status: "streaming" }; state.answers.set(d.answer_id, a); state.latest.set(d.question_id, d.answer_id); }
  return a;
}

function apply(type, d) {
  if (type === "question_detected") {
    const known = state.questions.get(d.question_id);
    if (known && (d.revision ?? 0) < (known.revision ?? 0)) return;
    state.questions.delete(d.question_id); // re-insert: newest last
    state.questions.set(d.question_id, d);
    state.current = d.question_id;
  } else if (type === "answer_started") {
    state.answers.set(d.answer_id, { ...d, deltas: new Map(), text: "", status: "streaming" });
    state.latest.set(d.question_id, d.answer_id);
  } else if (type === "answer_delta") {
    const a = answer(d);
    a.deltas.set(d.seq, d.text);
    a.text = [...a.deltas.entries()].sort((x, y) => x[0] - y[0]).map((x) => x[1]).join("");
  } else if (type === "new_answer") Object.assign(answer(d), d, { status: "done" });
  else if (type === "answer_failed") Object.assign(answer(d), { status: "failed", reason: d.reason });
  else if (type === "answer_cancelled") Object.assign(answer(d), { status: "cancelled" });
  else if (type === "session_ended") ended = true;
  render();
}

async function open(token) {
  clearTimeout(retryTimer);
  if (es) es.close();
  const { server, tokens } = await chrome.storage.local.get(["server", "tokens"]);
  token = token || tokens?.access_token;
  if (!server || !token) { setConn("idle", "Signed out"); hint("Sign in from the extension's options page."); return; }
  const params = new URLSearchParams({ token });
  if (lastId) params.set("last_event_id", String(lastId));
  const source = new EventSource(`${server}/sessions/${encodeURIComponent(sessionId)}/events?${params}`);
  es = source;
  setConn("reconnecting", lastId ? "Reconnecting…" : "Connecting…");
  source.onopen = () => setConn("live", "Live");
  for (const type of TYPES) {
    source.addEventListener(type, (e) => {
      const id = Number(e.lastEventId);
      if (!Number.isInteger(id) || id <= lastId) return;
      lastId = id;
      apply(type, JSON.parse(e.data));
    });
  }
  source.addEventListener("reset", () => { lastId = 0; state = freshState(); render(); });
  source.addEventListener("session_deleted", () => { source.close(); setConn("idle", "Deleted"); });
  source.onerror = async () => {
    if (source !== es) return;
    if (source.readyState === EventSource.CONNECTING) { setConn("reconnecting", "Reconnecting…"); return; }
    source.close();
    if (ended) { setConn("idle", "Ended"); return; }
    const reply = await chrome.runtime.sendMessage({ type: "token" }).catch(() => null);
    retryTimer = setTimeout(() => open(reply?.ok ? reply.token : null), 1000);
  };
}

async function follow() {
  const { currentSession } = await chrome.storage.local.get("currentSession");
  if (currentSession === sessionId) return;
  sessionId = currentSession || null;
  lastId = 0;
  ended = false;
  state = freshState();
  if (es) es.close();
  render();
  if (!sessionId) { setConn("idle", "Not connected"); hint("Join a Google Meet call with captions on: the session starts by itself."); return; }
  open();
}

$("ask").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("ask-text").value.trim();
  if (!text || !sessionId) return;
  const reply = await chrome.runtime.sendMessage({ type: "ask", sessionId, text });
  if (reply?.ok) $("ask-text").value = ""; else hint(reply?.error || "Could not ask");
});

chrome.storage.onChanged.addListener((changes) => { if (changes.currentSession) follow(); });
state = freshState();
follow();
