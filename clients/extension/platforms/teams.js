// Microsoft Teams on the web (teams.microsoft.com, teams.live.com, teams.cloud.microsoft) with live captions
// on. Teams keeps a scrolling list of caption entries: one entry per utterance, each with the speaker's name
// ([data-tid="author"]) and the text ([data-tid="closed-caption-text"]) that grows and is re-worded while
// the person speaks; a pause or another speaker starts a new entry, and old entries leave the top of the
// list. The data-tid attributes are Teams' own test ids, steadier than its class names (the open-source
// "MS Teams Live Captions Saver" reads the same ones; see docs/clients.md).
(globalThis.MENTOR_PLATFORMS ||= []).push({
  id: "teams",
  label: "Microsoft Teams",
  matches: (url) => /(^|\.)teams\.(microsoft\.com|live\.com|cloud\.microsoft)$/.test(url.hostname),
  meetingCode: (url) => {
    const m = decodeURIComponent(url.href).match(/meetup-join\/([^/?#]+)/);
    return m ? `teams-${m[1].replace(/[^A-Za-z0-9]/g, "").slice(-24)}` : `teams-${url.pathname.replace(/\W/g, "") || "meeting"}`;
  },
  selectors: {
    region: '[data-tid="closed-caption-v2-window-wrapper"], [data-tid="closed-captions-renderer"], [data-tid="closed-caption-renderer-wrapper"]',
    block: '.fui-ChatMessageCompact, [data-tid="closed-caption-message"]',
    speaker: '[data-tid="author"]',
    text: '[data-tid="closed-caption-text"]',
    // Teams shows your own name; a "(You)" suffix, where it appears, is recognised by the server
    selfNames: [],
  },
  documents: (doc) => [doc],
  seen: new WeakMap(), // entry -> its speaker, as first read: it stays right when the entries above it go
  snapshot(region, sel, dom) {
    const out = [];
    let previous = "";
    for (const el of dom.all(region, sel.block)) {
      const textEl = dom.first(el, sel.text);
      if (!textEl) continue;
      // an entry without its own author line continues the previous speaker (grouped messages)
      const speaker = this.seen.get(el) || (dom.first(el, sel.speaker)?.textContent || "").trim() || previous;
      if (speaker) this.seen.set(el, speaker);
      previous = speaker;
      const text = textEl.textContent || "";
      if (text.trim()) out.push({ key: el, speaker, text });
    }
    return out;
  },
});
