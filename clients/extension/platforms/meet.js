// Google Meet's live captions. Meet's DOM changes without notice: this adapter is the one place to update,
// and the options page can override any of its selectors at run time (Options → Advanced), no rebuild needed.
//
// Meet (2024–2025) renders one block per speaker turn inside the caption region; each block holds the
// speaker's name and the text of the turn, re-rendered as recognition improves, its front trimmed once it is
// long, removed a while after the turn ends (TranscripTonic relies on the same shape; see docs/clients.md).
(globalThis.MENTOR_PLATFORMS ||= []).push({
  id: "meet",
  label: "Google Meet",
  matches: (url) => url.hostname === "meet.google.com",
  meetingCode: (url) => url.pathname.split("/").filter(Boolean)[0] || "meet",
  selectors: {
    // the live caption region
    region: 'div[role="region"][tabindex="0"]',
    // one speaker block, relative to the region (Meet appends two non-caption children: they hold no text)
    block: ":scope > div",
    // the speaker's name inside a block (fallback: the block's first child)
    speaker: ".NWpY1d, .KcIKyf, [data-speaker-name]",
    // the caption text inside a block (fallback: none: a child without it is not a caption)
    text: ".bh44bd, .ygicle, [data-caption-text]",
    // Meet's label for the local participant, per interface language
    selfNames: ["You", "Vous", "Du", "Sie", "Tú", "Tu"],
  },
  documents: (doc) => [doc],
  /** The region's caption blocks in display order: [{key, speaker, text}]. */
  snapshot(region, sel, dom) {
    const out = [];
    for (const el of dom.all(region, sel.block)) {
      const textEl = dom.first(el, sel.text);
      if (!textEl) continue; // Meet's non-caption children
      const speakerEl = dom.first(el, sel.speaker) || el.firstElementChild;
      const text = textEl.textContent || "";
      if (text.trim()) out.push({ key: el, speaker: (speakerEl?.textContent || "").trim(), text });
    }
    return out;
  },
});
