// Options: server URL and sign-in (the service worker does the network call), and who the candidate is.
// The account form is `novalidate`: every problem with what was typed is said on the page, in words.
import { askWorker } from "./ask_worker.js";

const $ = (id) => document.getElementById(id);
const account = $("account");
const meeting = $("meeting");

function status(el, text, kind = "") {
  el.textContent = text;
  el.className = `status ${kind}`;
}

const typed = new Set(); // fields edited before the stored settings arrived: what was typed wins
document.addEventListener("input", (e) => typed.add(e.target));

/** Sets a field from storage unless the user has already typed in it. */
function put(field, value, prop = "value") {
  if (!typed.has(field)) field[prop] = value;
}

async function load() {
  const s = await chrome.storage.local.get(["server", "tokens", "candidateName", "selfIsCandidate", "selectors"]);
  put(account.server, s.server || "http://127.0.0.1:8080");
  put(meeting.candidateName, s.candidateName || "");
  put(meeting.selfIsCandidate, s.selfIsCandidate !== false, "checked");
  put(meeting.selectors, s.selectors ? JSON.stringify(s.selectors, null, 2) : "");
  if (s.tokens?.user) status($("account-status"), `Signed in as ${s.tokens.user.email}`, "ok");
  signedIn(Boolean(s.tokens));
  document.documentElement.dataset.ready = "true"; // for tests: the stored settings are on the page
}

function signedIn(yes) { $("sign-out").hidden = !yes; }

const MIN_PASSWORD = 8; // the server's rule (docs/protocol.md)

/** What is wrong with the typed server, email and password, or null. */
function problem(server, email, password) {
  let url = null;
  try { url = new URL(server); } catch { /* not a URL at all */ }
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
    return "Enter the server's full address, starting with http:// or https:// (e.g. https://mentor.example.com).";
  }
  if (!email || !email.includes("@")) return "Enter the email address of your Mentor account.";
  if (password.length < MIN_PASSWORD) return `The password must be at least ${MIN_PASSWORD} characters long.`;
  return null;
}

/** Non-local servers need a host permission; Chrome asks the user (this runs inside the click). */
async function allow(server) {
  const origins = [`${new URL(server).origin}/*`];
  if (await chrome.permissions.contains({ origins })) return true;
  return chrome.permissions.request({ origins });
}

account.addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("account-status");
  const server = account.server.value.trim().replace(/\/+$/, "");
  const email = account.email.value.trim();
  const wrong = problem(server, email, account.password.value);
  if (wrong) { status(out, wrong, "bad"); return; }
  if (!(await allow(server))) { status(out, "Chrome did not allow access to that server.", "bad"); return; }
  status(out, "Signing in…");
  const reply = await askWorker({ type: "signIn", server, email,
    password: account.password.value, register: e.submitter?.value === "register" });
  account.password.value = "";
  if (reply?.ok) status(out, `Signed in as ${reply.user.email}`, "ok");
  else status(out, reply?.error || "Sign-in failed", "bad");
});

$("sign-out").addEventListener("click", async () => {
  await askWorker({ type: "signOut" });
  status($("account-status"), "Signed out");
});

// Signed in or out, here or by the service worker (a revoked login): the button and the status move together.
chrome.storage.onChanged.addListener((changes) => {
  if (!changes.tokens) return;
  signedIn(Boolean(changes.tokens.newValue));
  if (!changes.tokens.newValue) status($("account-status"), "Signed out");
});

meeting.addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("meeting-status");
  let selectors = null;
  const raw = meeting.selectors.value.trim();
  if (raw) {
    try { selectors = JSON.parse(raw); } catch (err) { status(out, `Selectors are not valid JSON: ${err.message}`, "bad"); return; }
  }
  await chrome.storage.local.set({ candidateName: meeting.candidateName.value.trim(),
    selfIsCandidate: meeting.selfIsCandidate.checked, selectors });
  status(out, "Saved. Reload the meeting tab for selector changes.", "ok");
});

load();
