// The console's views and routing (#/login, #/sessions, #/s/<id>). No framework, no build step.
// Another view is a <section class="view"> in index.html plus an addRoute call (routes.js).
import { Api } from "./api.js";
import { LiveView } from "./live.js";
import { addRoute, ROUTES } from "./routes.js";
import { EventStream } from "./shared/stream.js";

const $ = (id) => document.getElementById(id);
const api = new Api();
const views = () => [...document.querySelectorAll("main > section.view")].map((v) => v.id);
let stream = null;
let live = null;
let liveSession = null;
let nextCursor = null;

function show(view) {
  for (const v of views()) $(v).hidden = v !== view;
  $("account").hidden = view === "view-login";
  $("conn").hidden = view !== "view-live";
  if (view !== "view-live") $("session-title").textContent = "";
  $("who").textContent = api.user?.email || "";
}

function notice(message) {
  const n = $("notice");
  n.textContent = message || "";
  n.hidden = !message;
}

function formError(form, err) {
  const box = form.querySelector(".form-error");
  if (!box) return;
  if (!err) { box.textContent = ""; return; }
  const details = (err.problem?.errors || []).map((e) => `${(e.loc || []).join(".")}: ${e.msg}`).join("; ");
  box.textContent = details ? `${err.message} (${details})` : err.message;
}

async function busy(form, work) {
  const buttons = form.querySelectorAll("button");
  buttons.forEach((b) => { b.disabled = true; });
  formError(form, null);
  try { return await work(); } catch (err) { formError(form, err); return undefined; }
  finally { buttons.forEach((b) => { b.disabled = false; }); }
}

function fields(form) {
  const out = {};
  for (const [k, v] of new FormData(form)) if (typeof v === "string" && v.trim() !== "") out[k] = v.trim();
  return out;
}

// ---- routing

async function route() {
  notice("");
  if (stream) { stream.close(); stream = null; }
  const hash = location.hash || "#/sessions";
  const link = /^#(pair|share)=(.+)$/.exec(hash);
  if (link) {
    try {
      if (link[1] === "pair") { await api.pair(decodeURIComponent(link[2]), devName()); location.hash = "#/sessions"; }
      else { await api.openShare(decodeURIComponent(link[2])); location.hash = `#/s/${api.share.session_id}`; }
    } catch (err) { show("view-login"); notice(err.message); }
    return; // the hash change routes again
  }
  if (!api.access) {
    try { await api.refresh(); } catch { /* not signed in */ }
  }
  if (!api.access) { show("view-login"); $("login-form").email.focus(); return; }
  for (const [pattern, open] of ROUTES) {
    const m = pattern.exec(hash);
    if (m) return open(...m.slice(1));
  }
  return openSessions();
}


function devName() {
  const ua = navigator.userAgent;
  return /iPhone|Android|Mobile/.test(ua) ? "phone" : /iPad|Tablet/.test(ua) ? "tablet" : "browser";
}

// ---- sign in

$("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const register = e.submitter?.value === "register";
  busy(form, async () => {
    const { email = "", password = "" } = fields(form);
    // said on the page, not in the browser's bubble (the form is novalidate)
    if (!email.includes("@")) throw new Error("Enter the email address of your Mentor account.");
    if (password.length < 8) throw new Error("The password must be at least 8 characters long.");
    await api.signIn(email, password, register);
    form.reset();
    location.hash = "#/sessions";
    await route();
  });
});

$("sign-out").addEventListener("click", async () => {
  await api.signOut();
  location.hash = "#/login";
  route();
});

// ---- sessions

function sessionItem(s) {
  const when = new Date(s.created_at * 1000).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  const a = document.createElement("a");
  a.href = `#/s/${s.id}`;
  a.dataset.sessionId = s.id;
  const t = document.createElement("span");
  t.className = "t";
  t.textContent = s.title;
  const badge = document.createElement("span");
  badge.className = `badge ${s.status}`;
  badge.textContent = s.status === "active" ? "Live" : "Ended";
  t.append(badge);
  const m = document.createElement("span");
  m.className = "m";
  m.textContent = [s.company, s.role, when].filter(Boolean).join(" · ");
  a.append(t, m);
  const li = document.createElement("li");
  li.append(a);
  return li;
}

async function loadSessions(more = false) {
  const list = $("session-list");
  const q = more && nextCursor ? `?limit=20&cursor=${encodeURIComponent(nextCursor)}` : "?limit=20";
  const page = await api.get(`/sessions${q}`);
  if (!more) list.replaceChildren();
  page.sessions.forEach((s) => list.append(sessionItem(s)));
  if (!list.children.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "No sessions yet. Start one, or join a Google Meet call with the extension.";
    list.append(li);
  }
  nextCursor = page.next_cursor;
  $("more-sessions").hidden = !nextCursor;
}

async function loadLibrary(path, listId, key, label) {
  const list = $(listId);
  try {
    const data = await api.get(path);
    const items = Array.isArray(data) ? data : data?.[key] || [];
    list.replaceChildren(...items.map((it) => {
      const li = document.createElement("li");
      li.textContent = label(it);
      return li;
    }));
  } catch (err) {
    const li = document.createElement("li");
    li.textContent = err.status === 404 ? "Not available on this server yet." : err.message;
    list.replaceChildren(li);
  }
}

async function openSessions() {
  show("view-sessions");
  try { await loadSessions(); } catch (err) { notice(err.message); }
  loadDevices();
  loadLibrary("/resumes", "resume-list", "resumes", (r) => `${r.name}${r.active ? " (active)" : ""}`);
  loadLibrary("/knowledge", "knowledge-list", "documents", (d) => [d.company, d.title || d.name].filter(Boolean).join(" — "));
}

// ---- devices: pair with a QR code or a short code; list; revoke

async function loadDevices() {
  try {
    const { devices } = await api.get("/users/me/devices");
    $("device-list").replaceChildren(...devices.map((d) => {
      const seen = new Date(d.last_seen_at * 1000).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "ghost small";
      revoke.textContent = "Revoke";
      revoke.onclick = async () => {
        try { await api.del(`/users/me/devices/${encodeURIComponent(d.id)}`); loadDevices(); } catch (err) { notice(err.message); }
      };
      const li = document.createElement("li");
      li.dataset.deviceId = d.id;
      li.append(`${d.name} · last seen ${seen} `, revoke);
      return li;
    }));
  } catch (err) { notice(err.message); }
}

$("pair-device").addEventListener("click", async () => {
  try {
    const p = await api.post("/users/me/devices/pairing");
    $("pair-qr").src = p.qr;
    $("pair-code").textContent = p.code;
    $("pairing").hidden = false;
  } catch (err) { notice(err.message); }
});

$("more-sessions").addEventListener("click", () => loadSessions(true).catch((err) => notice(err.message)));

$("new-session").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  busy(form, async () => {
    const s = await api.post("/sessions", fields(form));
    form.reset();
    location.hash = `#/s/${s.id}`;
  });
});

function uploadForm(formId, path, extra, reload) {
  $(formId).addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    busy(form, async () => {
      const file = form.file.files[0];
      if (!file) throw new Error("choose a file first");
      const body = new FormData();
      body.append("file", file);
      for (const name of extra) body.append(name, form[name].value.trim());
      await api.post(path, body);
      form.reset();
      reload();
    });
  });
}
uploadForm("resume-form", "/resumes", [], () => loadLibrary("/resumes", "resume-list", "resumes", (r) => `${r.name}${r.active ? " (active)" : ""}`));
uploadForm("knowledge-form", "/knowledge", ["company"], () => loadLibrary("/knowledge", "knowledge-list", "documents", (d) => [d.company, d.title || d.name].filter(Boolean).join(" — ")));

// ---- live session

const STATUS_TEXT = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline", ended: "Ended" };

function setStatus(state, detail) {
  const c = $("conn");
  c.dataset.state = state;
  c.textContent = STATUS_TEXT[state] + (detail ? ` — ${detail}` : "");
}

function applySession(s) {
  liveSession = { ...liveSession, ...s };
  $("session-title").textContent = liveSession.title || "";
  $("auto-answer").checked = Boolean(liveSession.auto_answer);
  const ended = liveSession.status === "ended";
  $("auto-answer").disabled = ended;
  const role = api.share?.role || "owner";
  $("end-session").hidden = ended || role !== "owner";
  $("auto-answer").disabled = ended || role !== "owner";
  $("ask-form").hidden = ended || role === "viewer";
  $("share-form").hidden = role !== "owner";
  $("mark-bar").hidden = role !== "owner";
  $("hint-form").hidden = ended || role !== "coach";
}

async function openLive(sessionId) {
  show("view-live");
  live = live || new LiveView({ onAnswerAgain: answerAgain, onMark: mark });
  $("presence").textContent = "—";
  live.reset();
  liveSession = null;
  try {
    applySession(await api.get(`/sessions/${sessionId}`));
  } catch (err) {
    notice(err.status === 404 ? "This session does not exist (or was deleted)." : err.message);
    return;
  }
  stream = new EventStream({
    // an account's stream is authenticated by the cookie the server sets with its tokens; a share's by ?token=
    url: (lastId, token) => `/sessions/${encodeURIComponent(sessionId)}/events?presence=true`
      + (lastId ? `&last_event_id=${lastId}` : "") + (api.share && token ? `&token=${encodeURIComponent(token)}` : ""),
    token: () => api.access,
    onPresence: (data) => live.presence(data),
    refresh: (stale) => api.renewed(stale),
    onEvent(type, data) {
      if (type === "session_created") applySession(data);
      if (type === "session_ended") { applySession({ status: "ended", ended_at: data.ended_at }); }
      if (type === "answers_paused" || type === "answers_resumed") applySession({ auto_answer: data.auto_answer });
      live.apply(type, data);
    },
    onReset() { live.reset(); },
    onStatus: setStatus,
  });
  stream.open();
  if (!api.share) loadShares();
}

async function mark(questionId, which, value) {
  try { await api.post(`/sessions/${liveSession.id}/marks`, { question_id: questionId, mark: which, value }); notice(""); }
  catch (err) { notice(err.message); }
}

async function loadShares() {
  try {
    const { shares } = await api.get(`/sessions/${liveSession.id}/shares`);
    $("share-list").replaceChildren(...shares.map((s) => {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "ghost small";
      revoke.textContent = "Revoke";
      revoke.onclick = async () => {
        try { await api.del(`/sessions/${liveSession.id}/shares/${s.id}`); loadShares(); } catch (err) { notice(err.message); }
      };
      const li = document.createElement("li");
      li.dataset.shareId = s.id;
      li.append(`${s.role} · until ${new Date(s.expires_at * 1000).toLocaleString([], { dateStyle: "short", timeStyle: "short" })} `, revoke);
      return li;
    }));
  } catch (err) { notice(err.message); }
}

$("share-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const s = await api.post(`/sessions/${liveSession.id}/shares`, { role: e.currentTarget.role.value });
    $("share-url").value = s.url;
    $("share-url").hidden = false;
    loadShares();
  } catch (err) { notice(err.message); }
});

$("hint-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const text = form.text.value.trim();
  if (!text) return;
  try { await api.post(`/sessions/${liveSession.id}/hints`, { text }); form.reset(); notice(""); }
  catch (err) { notice(err.message); }
});

/** "Answer again": a new answer to a question asked earlier (by its id; by its text if the server has
 * forgotten that question, e.g. after a restart). */
async function answerAgain(questionId, text) {
  const sid = liveSession.id;
  try {
    await api.post(`/sessions/${sid}/regenerate`, { question_id: questionId });
    notice("");
  } catch (err) {
    if (err.code !== "question_not_found") { notice(err.message); return; }
    try { await api.post(`/sessions/${sid}/questions`, { text }); notice(""); } catch (again) { notice(again.message); }
  }
}

$("auto-answer").addEventListener("change", async (e) => {
  const box = e.currentTarget;
  try { await api.put(`/sessions/${liveSession.id}/auto-answer`, { enabled: box.checked }); notice(""); }
  catch (err) { box.checked = !box.checked; notice(err.message); }
});

$("end-session").addEventListener("click", async () => {
  if (!confirm("End this session? Captions will no longer be accepted.")) return;
  try { applySession(await api.post(`/sessions/${liveSession.id}/end`)); } catch (err) { notice(err.message); }
});

$("ask-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const text = form.text.value.trim();
  if (!text) return;
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    await api.post(`/sessions/${liveSession.id}/questions`, { text });
    form.reset();
    notice("");
  } catch (err) {
    notice(err.message);
  } finally {
    button.disabled = false;
  }
});

addRoute(/^#\/s\/([\w-]+)$/, openLive);
window.addEventListener("hashchange", route);
window.mentorConsole = { api, get live() { return live; }, get stream() { return stream; } }; // for tests and debugging
route();
