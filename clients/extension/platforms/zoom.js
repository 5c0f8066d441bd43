// Zoom's web client (app.zoom.us/wc/…, <vanity>.zoom.us/wc/…) with captions on. Its caption overlay
// (#live-transcription-subtitle, text in .live-transcription-subtitle__item) shows the current words
// without the speaker's name, so this adapter reads the "full transcript" side panel when it is open: a list
// (.lt-full-transcript__list) of messages (.lt-full-transcript__message), each under the speaker's display
// name (.lt-full-transcript__display-name, left out for consecutive messages of one speaker); the newest
// message grows and is re-worded, old ones leave the top. Without the panel, the overlay is read and the
// speaker is the avatar's alt text or initials. The meeting UI may sit in a same-origin iframe #webclient.
// Selectors as open-source caption tools use them; see docs/clients.md.
(globalThis.MENTOR_PLATFORMS ||= []).push({
  id: "zoom",
  label: "Zoom",
  matches: (url) => /(^|\.)zoom\.us$/.test(url.hostname) && /^\/wc\//.test(url.pathname),
  meetingCode: (url) => `zoom-${(url.pathname.match(/^\/wc\/(?:join\/)?(\d+)/) || [])[1] || "meeting"}`,
  selectors: {
    region: ".lt-full-transcript__list, #live-transcription-subtitle",
    panel: ".lt-full-transcript__list",
    overlay: "#live-transcription-subtitle",
    block: ":scope > *",
    speaker: ".lt-full-transcript__display-name",
    text: ".lt-full-transcript__message",
    overlayText: ".live-transcription-subtitle__item",
    selfNames: ["Me", "You"],
  },
  documents: (doc) => {
    const docs = [doc];
    try {
      const inner = doc.querySelector("iframe#webclient")?.contentDocument;
      if (inner) docs.push(inner);
    } catch { /* a cross-origin frame: not ours to read */ }
    return docs;
  },
  // the panel (it names speakers) wins over the overlay wherever each sits in the page
  findRegion: (doc, sel, dom) => dom.first(doc, sel.panel) || dom.first(doc, sel.overlay) || dom.first(doc, sel.region),
  seen: new WeakMap(), // message -> its speaker, as first read: it stays right when the header above it goes
  snapshot(region, sel, dom) {
    if (region.matches(sel.panel)) {
      const out = [];
      let previous = "";
      for (const el of dom.all(region, sel.block)) {
        const textEl = dom.first(el, sel.text);
        if (!textEl) continue;
        const speaker = this.seen.get(el)
          || (dom.first(el, sel.speaker)?.textContent || "").replace(/:\s*$/, "").trim() || previous;
        if (speaker) this.seen.set(el, speaker);
        previous = speaker;
        const text = textEl.textContent || "";
        if (text.trim()) out.push({ key: el, speaker, text });
      }
      return out;
    }
    // The overlay: one node whose text rolls; a change of avatar means another speaker.
    const textEl = dom.first(region, sel.overlayText);
    const text = textEl?.textContent || "";
    if (!text.trim()) return [];
    let speaker = "";
    for (const child of region.children) {
      if (child === textEl) break;
      speaker = (child.getAttribute("alt") || child.getAttribute("aria-label") || child.textContent || "").trim() || speaker;
    }
    return [{ key: region, speaker, text }];
  },
});
