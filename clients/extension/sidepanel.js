// Side panel: the current session's questions and streaming answers. The stream (reconnect with
// Last-Event-ID, de-duplication, token renewal), the event reducer and the answer renderer are the console's
// own modules (shared/, a byte-identical copy of mentor/http/static/js/shared/); this file only wires them to
// the extension: the server and tokens in chrome.storage, network calls through the service worker.
import { askWorker } from "./ask_worker.js";
import { RenewTimer } from "./shared/auth.js";
import {
  answerFor, canAnswerAgain, createState, focusQuestion, questionStatus, questionsNewestFirst, reduce,
} from "./shared/reducer.js";
import { renderAnswer, STATUS_MARKS } from "./shared/render.js";
import { EventStream } from "./shared/stream.js";

const $ = (id) => document.getElementById(id);
const EARLIER_SHOWN = 8;

let server = null;
let access = null;       // the access token in hand (chrome.storage.local, kept current by the service worker)
let sessionId = null;
let stream = null;
let state = createState();
let pinned = null;       // an earlier question the user opened
let frame = 0;

function setConn(s, text) { $("conn").dataset.state = s; $("conn").textContent = text; }

function hint(text) { $("hint").textContent = text || ""; $("hint").hidden = !text; }

const STATUS_TEXT = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline", ended: "Ended" };

// ---- tokens: renewed ahead of expiry by asking the service worker (which does every network call)

const renewer = new RenewTimer(() => renewed(access));

function takeTokens(tokens) {
  access = tokens?.access_token || null;
  if (tokens?.renew_at) renewer.schedule(tokens.renew_at); else renewer.cancel();
}

/** Resolves once a token newer than `stale` is in hand; rejects with status 401 when signed out. */
async function renewed(stale) {
  const reply = await chrome.runtime.sendMessage({ type: "token", stale }).catch(() => null);
  if (reply?.ok) { access = reply.token; return access; }
  const err = new Error(reply?.error || "no token");
  err.status = reply?.status;
  throw err;
}

// ---- rendering

// what every device shows: a question picked here, else the synced focus (pinned, else newest not dismissed)
function shown() { return pinned || focusQuestion(state); }

const HINTS_SHOWN = 3;

/** A coach's hints (``hint`` events), newest first. */
function renderHints() {
  const hints = state.hints.slice(-HINTS_SHOWN).reverse();
  $("coach-hints").hidden = !hints.length;
  $("coach-hints").replaceChildren(...hints.map((h) => {
    const li = document.createElement("li");
    li.dataset.hintId = h.hint_id;
    li.textContent = `${h.from === "coach" ? "Coach" : "Note"}: ${h.text}`;
    return li;
  }));
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); });
}

function earlierItem(q) {
  const status = questionStatus(state, q.question_id);
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = q.text;
  button.onclick = () => { pinned = q.question_id; render(); };
  const li = document.createElement("li");
  li.dataset.questionId = q.question_id;
  li.dataset.status = status;
  li.append(button);
  if (STATUS_MARKS[status] && status !== "streaming") {
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.textContent = STATUS_MARKS[status];
    li.append(mark);
  }
  return li;
}

function render() {
  renderHints();
  const id = shown();
  const q = id && state.questions.get(id);
  $("focus").hidden = !q;
  $("ask").hidden = !sessionId || state.ended;
  const older = questionsNewestFirst(state).filter((x) => x.question_id !== id).slice(0, EARLIER_SHOWN);
  $("earlier-wrap").hidden = !older.length;
  $("earlier").replaceChildren(...older.map(earlierItem));
  if (!q) { if (sessionId) hint("Listening. Detected questions and their answers appear here."); return; }
  hint("");
  $("q-label").textContent = pinned ? "Earlier question" : "Current question";
  $("follow-live").hidden = !pinned;
  $("question").textContent = q.text;
  $("question").dataset.questionId = id;
  renderAnswer($("answer"), $("answer-meta"), answerFor(state, id));
  $("answer-again").hidden = !canAnswerAgain(state, id);
}

$("follow-live").addEventListener("click", () => { pinned = null; render(); });

$("answer-again").addEventListener("click", async () => {
  const id = shown();
  const q = id && state.questions.get(id);
  if (!q) return;
  const button = $("answer-again");
  button.disabled = true;
  const reply = await askWorker({ type: "regenerate", sessionId, questionId: id, text: q.text });
  button.disabled = false;
  if (!reply?.ok) hint(reply?.error || "Could not answer again");
  else if (reply.result?.question_id !== id) pinned = null; // asked anew (the server had forgotten it): follow it
});

// ---- the stream

function follow(currentSession) {
  if (currentSession === sessionId && stream) return;
  if (stream) stream.close();
  stream = null;
  sessionId = currentSession || null;
  state = createState();
  pinned = null;
  render();
  if (!sessionId) { setConn("idle", "Not connected"); hint("Join a Google Meet, Zoom or Teams call with captions on: the session starts by itself."); return; }
  if (!server || !access) { setConn("idle", "Signed out"); hint("Sign in from the extension's options page."); return; }
  const sid = sessionId;
  stream = new EventStream({
    url: (lastId, token) => {
      const params = new URLSearchParams({ token });
      if (lastId) params.set("last_event_id", String(lastId));
      return `${server}/sessions/${encodeURIComponent(sid)}/events?${params}`;
    },
    token: () => access,
    refresh: renewed,
    onEvent(type, data) { if (reduce(state, type, data)) schedule(); },
    onReset() { state = createState(); pinned = null; render(); },
    onStatus(s, detail) {
      if (s === "offline" && detail === "signed out") hint("Sign in from the extension's options page.");
      setConn(s === "connecting" ? "reconnecting" : s, STATUS_TEXT[s] + (detail ? ` — ${detail}` : ""));
    },
  });
  stream.open();
}

$("ask").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("ask-text").value.trim();
  if (!text || !sessionId) return;
  const reply = await askWorker({ type: "ask", sessionId, text });
  if (reply?.ok) { $("ask-text").value = ""; pinned = null; } else hint(reply?.error || "Could not ask");
});

chrome.storage.onChanged.addListener((changes) => {
  if (changes.tokens) takeTokens(changes.tokens.newValue);
  if (changes.server) server = changes.server.newValue || null;
  if (changes.currentSession || (changes.tokens && !stream)) {
    chrome.storage.local.get("currentSession").then(({ currentSession }) => follow(currentSession));
  }
});

chrome.storage.local.get(["server", "tokens", "currentSession"]).then((s) => {
  server = s.server || null;
  takeTokens(s.tokens);
  follow(s.currentSession);
});

window.mentorPanel = { get state() { return state; }, get stream() { return stream; } }; // for tests and debugging
