// Service worker: every network call to the Mentor server. It keeps nothing in memory that matters
// (Chrome stops idle service workers): the server URL, tokens and meeting → session map live in
// chrome.storage.local. Content scripts keep their own unacknowledged captions and retry.

const SESSION_TITLE = (meeting) => `Google Meet ${meeting.code} — ${new Date().toLocaleDateString()}`;

chrome.runtime.onInstalled.addListener(() => {
  chrome.sidePanel?.setPanelBehavior?.({ openPanelOnActionClick: true }).catch(() => {});
});

class HttpError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

async function config() {
  return chrome.storage.local.get(["server", "tokens", "sessions", "candidateName"]);
}

async function send(server, method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(server + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                           credentials: "omit", cache: "no-store" });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new HttpError(res.status, data);
  return data;
}

let refreshing = null;
/** New tokens from the stored refresh token; concurrent callers share one request (tokens are single use). */
function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const { server, tokens } = await config();
      if (!tokens?.refresh_token) throw new HttpError(401, { detail: "not signed in" });
      try {
        const pair = await send(server, "POST", "/auth/refresh", { refresh_token: tokens.refresh_token });
        await chrome.storage.local.set({ tokens: pair });
        return pair;
      } catch (err) {
        if (err.status === 401) await chrome.storage.local.remove("tokens");
        throw err;
      }
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

/** An authenticated call, refreshing the access token once on 401. */
async function api(method, path, body) {
  const { server, tokens } = await config();
  if (!server || !tokens) throw new HttpError(401, { detail: "sign in from the extension's options page" });
  try {
    return await send(server, method, path, body, tokens.access_token);
  } catch (err) {
    if (err.status !== 401) throw err;
    const pair = await refresh();
    return send(server, method, path, body, pair.access_token);
  }
}

const creating = new Map(); // meeting code -> promise of a session id (one creation per meeting)

async function sessionFor(meeting) {
  const { sessions = {}, candidateName } = await config();
  if (sessions[meeting.code]) return sessions[meeting.code];
  if (!creating.has(meeting.code)) {
    creating.set(meeting.code, (async () => {
      const body = { title: SESSION_TITLE(meeting) };
      if (candidateName) body.candidate_name = candidateName;
      const s = await api("POST", "/sessions", body);
      const now = (await config()).sessions || {};
      await chrome.storage.local.set({ sessions: { ...now, [meeting.code]: s.id }, currentSession: s.id });
      return s.id;
    })().finally(() => creating.delete(meeting.code)));
  }
  return creating.get(meeting.code);
}

async function forgetSession(meeting) {
  const { sessions = {} } = await config();
  delete sessions[meeting.code];
  await chrome.storage.local.set({ sessions });
}

async function postCaptions({ meeting, captions }) {
  try {
    const sid = await sessionFor(meeting);
    const { currentSession } = await chrome.storage.local.get("currentSession");
    if (currentSession !== sid) await chrome.storage.local.set({ currentSession: sid });
    const data = await api("POST", `/sessions/${sid}/captions`, { captions });
    return { ok: true, results: data.results };
  } catch (err) {
    if (!(err instanceof HttpError)) return { ok: false, retry: true, error: String(err?.message || err) };
    const code = err.problem.code;
    if (err.status === 404 || code === "session_ended") { // deleted or ended elsewhere: start a new one
      await forgetSession(meeting);
      return { ok: false, retry: true, error: err.message };
    }
    // a refusal about one caption (revision_backwards, block_final, ...): that one is dropped, not retried
    const permanent = err.status === 409 || err.status === 422;
    return { ok: false, retry: !permanent, status: err.status, code, index: err.problem.index, error: err.message };
  }
}

async function signIn({ server, email, password, register }) {
  server = server.replace(/\/+$/, "");
  try {
    const pair = await send(server, "POST", register ? "/auth/register" : "/auth/login", { email, password });
    await chrome.storage.local.set({ server, tokens: pair, sessions: {} });
    return { ok: true, user: pair.user };
  } catch (err) {
    return { ok: false, error: err instanceof HttpError ? err.message : `cannot reach ${server}: ${err.message}` };
  }
}

const handlers = {
  captions: postCaptions,
  signIn,
  async signOut() {
    const { server, tokens } = await config();
    await chrome.storage.local.remove(["tokens", "currentSession"]);
    if (tokens?.refresh_token) await send(server, "POST", "/auth/logout", { refresh_token: tokens.refresh_token }).catch(() => {});
    return { ok: true };
  },
  async token() { // for the side panel's EventSource (?token=), after its stream was refused with 401
    try { return { ok: true, token: (await refresh()).access_token }; } catch (err) { return { ok: false, error: err.message }; }
  },
  async ask({ sessionId, text }) {
    try { return { ok: true, result: await api("POST", `/sessions/${sessionId}/questions`, { text }) }; }
    catch (err) { return { ok: false, error: err.message }; }
  },
  async endSession({ sessionId }) {
    try { return { ok: true, result: await api("POST", `/sessions/${sessionId}/end`) }; }
    catch (err) { return { ok: false, error: err.message }; }
  },
};

chrome.runtime.onMessage.addListener((msg, sender, reply) => {
  const handler = handlers[msg?.type];
  if (!handler) return false;
  handler(msg, sender).then(reply, (err) => reply({ ok: false, retry: true, error: String(err?.message || err) }));
  return true; // reply asynchronously
});
