// The HTTP API: JSON in and out, Bearer tokens, renewed ahead of expiry and once more on a 401.
// The refresh token is kept in localStorage so a reload stays signed in; the access token only in memory.
// (The server also sets an HttpOnly cookie on login/refresh, which the event stream uses.)

import { RenewTimer, renewAt, singleFlight } from "./shared/auth.js";

const REFRESH_KEY = "mentor.refresh_token";
const SHARE_KEY = "mentor.share_link";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `request failed (${status})`);
    this.status = status;
    this.code = problem?.code || "error";
    this.problem = problem;
  }
}

export class Api {
  constructor(base = "") {
    this.base = base;
    this.access = null;
    this.user = null;
    this.share = null; // {id, session_id, role, ...} while this tab views a share link
    this.onSignedOut = () => {};
    // one refresh at a time (refresh tokens are single use), and one ahead of every expiry
    this.refresh = singleFlight(() => this._refresh());
    this.renewer = new RenewTimer(() => this.refresh());
  }

  get refreshToken() { return localStorage.getItem(REFRESH_KEY); }

  /** A share link's token (viewer or coach of one session); kept for this tab only. */
  get shareLink() { return sessionStorage.getItem(SHARE_KEY); }

  /** Open a share link: a share access token for its one session (renewed by opening the link again). */
  async openShare(link) {
    sessionStorage.setItem(SHARE_KEY, link);
    localStorage.removeItem(REFRESH_KEY); // this tab is the share's, not an account's
    return this.refresh();
  }

  /** Redeem a device pairing code: this browser becomes a paired device with its own refresh token. */
  async pair(code, name) {
    sessionStorage.removeItem(SHARE_KEY);
    const pair = await this._send("POST", "/auth/pair", { code, name }, false);
    this._store(pair);
    return pair;
  }

  _store(pair) {
    this.access = pair.access_token;
    this.user = pair.user ?? this.user;
    localStorage.setItem(REFRESH_KEY, pair.refresh_token);
    this.renewer.schedule(renewAt(pair.expires_in, Date.now()));
  }

  async signIn(email, password, register = false) {
    const pair = await this._send("POST", register ? "/auth/register" : "/auth/login", { email, password }, false);
    this._store(pair);
    return pair.user;
  }

  /** Trade the stored refresh token for new tokens (and a fresh stream cookie); see `this.refresh`. */
  async _refresh() {
    const link = this.shareLink;
    if (link) {
      try {
        const opened = await this._send("POST", "/auth/share", { token: link }, false);
        this.access = opened.access_token;
        this.share = opened.share;
        this.renewer.schedule(renewAt(opened.expires_in, Date.now()));
        return;
      } catch (err) {
        if (err.status === 401 || err.status === 422) { sessionStorage.removeItem(SHARE_KEY); this.forget(); }
        throw err;
      }
    }
    const token = this.refreshToken;
    if (!token) throw new ApiError(401, { code: "signed_out", detail: "please sign in" });
    try {
      const pair = await this._send("POST", "/auth/refresh", { refresh_token: token }, false);
      this._store(pair);
      if (!this.user) this.user = await this._send("GET", "/users/me");
    } catch (err) {
      if (err.status === 401 || err.status === 422) this.forget();
      throw err;
    }
  }

  /** For a stream whose token `stale` has expired: resolves once a newer access token is in hand. */
  async renewed(stale) {
    if (!this.access || this.access === stale) await this.refresh();
    return this.access;
  }

  async signOut() {
    const token = this.refreshToken;
    this.forget();
    if (token) await this._send("POST", "/auth/logout", { refresh_token: token }, false).catch(() => {});
  }

  forget() {
    this.renewer.cancel();
    this.access = null;
    this.user = null;
    this.share = null;
    localStorage.removeItem(REFRESH_KEY);
  }

  get(path) { return this.request("GET", path); }
  post(path, body) { return this.request("POST", path, body); }
  put(path, body) { return this.request("PUT", path, body); }
  del(path) { return this.request("DELETE", path); }

  async request(method, path, body) {
    if (!this.access) await this.refresh();
    try {
      return await this._send(method, path, body);
    } catch (err) {
      if (err.status !== 401) throw err;
      await this.refresh();
      return this._send(method, path, body);
    }
  }

  async _send(method, path, body, auth = true) {
    const headers = { Accept: "application/json" };
    if (auth && this.access) headers.Authorization = `Bearer ${this.access}`;
    let payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
    let res;
    try {
      res = await fetch(this.base + path, { method, headers, body: payload, credentials: "same-origin" });
    } catch {
      throw new ApiError(0, { code: "network", detail: "the server cannot be reached; check your connection" });
    }
    if (res.status === 204) return null;
    const type = res.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await res.json().catch(() => null) : null;
    if (!res.ok) {
      if (res.status === 401 && auth) this.access = null;
      throw new ApiError(res.status, data || { detail: `${res.status} ${res.statusText}` });
    }
    return data;
  }
}
