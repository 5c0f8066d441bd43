// Content script on Google Meet, Zoom's web client and Teams on the web: the platform's adapter
// (platforms/*.js) finds the caption region and reads its blocks; this script watches the region and sends
// each speaker block as it grows.
// The network calls happen in the service worker (background.js); this script keeps the unacknowledged
// captions itself, because it lives as long as the meeting tab and a service worker may be stopped at any
// time. Every 250 ms, what is pending goes out as one batch; a failure keeps it for the next round (with
// back-off), and the server ignores revisions it already has, so nothing is lost or stored twice.
/* global MENTOR_PLATFORMS, MentorCaptionTracker, MentorCaptionOutbox */
(() => {
  const FLUSH_MS = 250;
  const MAX_BACKOFF_MS = 8000;
  const FIND_MS = 1000; // captions turned on later, or inside a frame the body observer does not see
  const url = new URL(location.href);
  const platform = (globalThis.MENTOR_PLATFORMS || []).find((p) => p.matches(url));
  if (!platform) return;
  const meeting = { code: platform.meetingCode(url), title: document.title, platform: platform.label };
  let selectors = { ...platform.selectors };
  let settings = { candidateName: "", selfIsCandidate: true };
  let tracker = null;
  const outbox = new MentorCaptionOutbox();
  let region = null;
  let observer = null;
  let backoff = FLUSH_MS;
  let sending = false;
  let timer = null;
  const stats = { sent: 0, acked: 0, failures: 0, dropped: 0, lastError: null };

  const norm = (s) => (s || "").replace(/\s+/g, " ").trim().toLowerCase();

  // The client's guess, sent only for the user themself: everyone else's role is the session's to decide
  // (an interviewer by default, or what the user chose for that name), so a correction made on any device
  // sticks. A caption without a name gets "interviewer" from the tracker.
  function roleOf(speaker) {
    const name = norm(speaker);
    if (settings.candidateName && name === norm(settings.candidateName)) return "candidate";
    if (settings.selfIsCandidate && (selectors.selfNames || []).some((n) => norm(n) === name)) return "candidate";
    return null;
  }

  const dom = {
    first(root, list) { try { return root.querySelector(list); } catch { return null; } },
    all(root, list) { try { return [...root.querySelectorAll(list)]; } catch { return []; } },
  };

  function snapshot() {
    try { return platform.snapshot(region, selectors, dom); } catch { return []; }
  }

  function scan() {
    if (!region || !region.isConnected) { attach(); return; }
    for (const c of tracker.update(snapshot())) outbox.put(c);
    schedule(FLUSH_MS);
  }

  function findRegion() {
    for (const doc of platform.documents(document)) {
      const found = platform.findRegion ? platform.findRegion(doc, selectors, dom) : dom.first(doc, selectors.region);
      if (found) return found;
    }
    return null;
  }

  function attach() {
    const found = findRegion();
    if (found === region) return;
    if (observer) observer.disconnect();
    if (region && !found) { // captions were turned off, or the meeting ended: what is open is final now
      for (const c of tracker.finishAll()) outbox.put(c);
      schedule(FLUSH_MS);
    }
    region = found;
    if (!region) return;
    observer = new MutationObserver(scan);
    observer.observe(region, { childList: true, subtree: true, characterData: true });
    scan();
  }

  function schedule(ms) {
    if (!timer && outbox.size) timer = setTimeout(flush, ms);
  }

  async function flush() {
    timer = null;
    if (sending || !outbox.size) return;
    sending = true;
    const batch = outbox.take();
    let reply;
    try {
      stats.sent += batch.length;
      reply = await chrome.runtime.sendMessage({ type: "captions", meeting, captions: batch });
    } catch (err) {
      reply = { ok: false, retry: true, error: String(err?.message || err) };
    }
    sending = false;
    if (reply?.ok) {
      outbox.ack(batch);
      stats.acked += batch.length;
      backoff = FLUSH_MS;
    } else if (reply && !reply.retry && Number.isInteger(reply.index) && batch[reply.index]) {
      outbox.drop(batch[reply.index]); // refused for good (e.g. block already final there): never resend it
      stats.dropped += 1;
      stats.lastError = reply.error;
    } else {
      stats.failures += 1;
      stats.lastError = reply?.error || "no reply";
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
    document.documentElement.dataset.mentorPending = String(outbox.size);
    document.documentElement.dataset.mentorFailures = String(stats.failures);
    schedule(reply?.ok ? FLUSH_MS : backoff);
  }

  async function start() {
    const stored = await chrome.storage.local.get(["candidateName", "selfIsCandidate", "selectors"]);
    settings = { candidateName: stored.candidateName || "", selfIsCandidate: stored.selfIsCandidate !== false };
    // overrides per platform ({"zoom": {...}}); a flat object (the older format) is Meet's
    const saved = stored.selectors && typeof stored.selectors === "object" ? stored.selectors : {};
    const override = saved[platform.id] || (platform.id === "meet" && !saved.zoom && !saved.teams ? saved : null);
    if (override && typeof override === "object") selectors = { ...selectors, ...override };
    tracker = new MentorCaptionTracker({ roleOf });
    attach();
    // the caption region appears only once captions are on; the page may also rebuild it
    new MutationObserver(() => { if (!region || !region.isConnected) attach(); })
      .observe(document.body, { childList: true, subtree: true });
    setInterval(() => { if (!region || !region.isConnected) attach(); }, FIND_MS);
    addEventListener("pagehide", () => {
      for (const c of tracker.finishAll()) outbox.put(c);
      if (outbox.size) chrome.runtime.sendMessage({ type: "captions", meeting, captions: outbox.take() }).catch(() => {});
    });
    chrome.storage.onChanged.addListener((changes) => {
      if (changes.candidateName || changes.selfIsCandidate) {
        settings.candidateName = changes.candidateName?.newValue ?? settings.candidateName;
        settings.selfIsCandidate = (changes.selfIsCandidate?.newValue ?? settings.selfIsCandidate) !== false;
      }
    });
    document.documentElement.dataset.mentorCaptions = platform.id; // lets tests (and curious users) see it runs
  }

  start();
})();
