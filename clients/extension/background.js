// Service worker: every network call to the Mentor server. It keeps nothing in memory that matters
// (Chrome stops idle service workers): the server URL, tokens and meeting → session map live in
// chrome.storage.local. Content scripts keep their own unacknowledged captions and retry.
import { renewAt, singleFlight } from "./shared/auth.js";

const SESSION_TITLE = (meeting) => `${meeting.platform || "Google Meet"} ${meeting.code} — ${new Date().toLocaleDateString()}`;

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

// Every call to the server gives up after this long (a server that accepts the connection but never answers
// would otherwise hold a sign-in, or a tab's caption queue, for ever); captions are then retried.
const REQUEST_TIMEOUT_MS = 15000;

async function config() {
  return chrome.storage.local.get(["server", "tokens", "sessions", "candidateName"]);
}

async function send(server, method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(server + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                           credentials: "omit", cache: "no-store",
                                           signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new HttpError(res.status, data);
  return data;
}

/** Stores a token pair with the local time at which to renew its access token (ahead of its expiry). */
async function keep(pair, extra = {}) {
  await chrome.storage.local.set({ ...extra, tokens: { ...pair, renew_at: renewAt(pair.expires_in, Date.now()) } });
}

/** New tokens from the stored refresh token; concurrent callers share one request (tokens are single use). */
const refresh = singleFlight(async () => {
  const { server, tokens } = await config();
  if (!tokens?.refresh_token) throw new HttpError(401, { detail: "not signed in" });
  try {
    const pair = await send(server, "POST", "/auth/refresh", { refresh_token: tokens.refresh_token });
    await keep(pair);
    return pair;
  } catch (err) {
    if (err.status === 401) await chrome.storage.local.remove("tokens");
    throw err;
  }
});

/** An access token that is newer than `stale` and not due for renewal (renewing it if needed). */
async function freshToken(stale) {
  const { tokens } = await config();
  if (tokens?.access_token && tokens.access_token !== stale && Date.now() < (tokens.renew_at ?? 0)) {
    return tokens.access_token;
  }
  return (await refresh()).access_token;
}

/** An authenticated call with a token renewed ahead of expiry, refreshing once more on 401. */
async function api(method, path, body) {
  const { server, tokens } = await config();
  if (!server || !tokens) throw new HttpError(401, { detail: "sign in from the extension's options page" });
  const token = Date.now() < (tokens.renew_at ?? 0) ? tokens.access_token : await freshToken(null);
  try {
    return await send(server, method, path, body, token);
  } catch (err) {
    if (err.status !== 401) throw err;
    return send(server, method, path, body, await freshToken(token));
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

/** Refuses a URL that does not lead to a Mentor server (its /health names the service), with a message
 * the options page shows as it is. */
async function checkServer(server) {
  let res;
  try {
    res = await fetch(`${server}/health`, { headers: { Accept: "application/json" }, credentials: "omit", cache: "no-store",
                                            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    return `Cannot reach ${server}: is the address right and the server running? (${err.message})`;
  }
  const health = await res.json().catch(() => null);
  if (health?.service !== "mentor") {
    return `${server} is not a Mentor server (its /health answered ${res.status} without naming Mentor). Check the address.`;
  }
  return null;
}

async function signIn({ server, email, password, register }) {
  server = server.replace(/\/+$/, "");
  const wrong = await checkServer(server);
  if (wrong) return { ok: false, error: wrong };
  try {
    const pair = await send(server, "POST", register ? "/auth/register" : "/auth/login", { email, password });
    await keep(pair, { server, sessions: {} });
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
  async token({ stale }) { // for the side panel's EventSource (?token=): a token newer than `stale`
    try { return { ok: true, token: await freshToken(stale ?? null) }; }
    catch (err) { return { ok: false, status: err.status, error: err.message }; }
  },
  async regenerate({ sessionId, questionId, text }) { // "answer again"; by text if the server forgot the question
    try { return { ok: true, result: await api("POST", `/sessions/${sessionId}/regenerate`, { question_id: questionId }) }; }
    catch (err) {
      if (err.problem?.code !== "question_not_found") return { ok: false, error: err.message };
      try { return { ok: true, result: await api("POST", `/sessions/${sessionId}/questions`, { text }) }; }
      catch (again) { return { ok: false, error: again.message }; }
    }
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
