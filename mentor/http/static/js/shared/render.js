// Rendering an answer, shared by the console and the side panel. Everything from the wire goes through
// text nodes: nothing the server (or the model) sends is ever parsed as HTML.

function el(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function inline(line) {
  const out = document.createDocumentFragment();
  for (const part of line.split(/(\*\*[^*]+\*\*)/)) {
    if (/^\*\*[^*]+\*\*$/.test(part)) out.append(el("strong", part.slice(2, -2)));
    else if (part) out.append(part);
  }
  return out;
}

/**
 * Plain text with light structure: blank-line paragraphs, "- " / "1. " lists, **bold**. With `cursor`, a
 * blinking caret goes at the very end of the last paragraph or list item, inline with the text (not on a
 * line of its own below it).
 */
export function renderRichText(target, text, { cursor = false } = {}) {
  const frag = document.createDocumentFragment();
  let list = null;
  let para = [];
  let last = null; // the element the text ends in
  const flush = () => {
    if (para.length) { last = el("p"); last.append(inline(para.join(" "))); frag.append(last); }
    para = [];
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const bullet = /^[-*•]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      flush();
      const tag = bullet ? "ul" : "ol";
      if (!list || list.tagName.toLowerCase() !== tag) { list = el(tag); frag.append(list); }
      last = el("li");
      last.append(inline((bullet || numbered)[1]));
      list.append(last);
    } else if (!line) {
      flush();
      list = null;
    } else {
      list = null;
      para.push(line);
    }
  }
  flush();
  if (cursor) {
    const caret = el("span", "▍");
    caret.className = "cursor";
    caret.setAttribute("aria-hidden", "true");
    if (!last) { last = el("p"); frag.append(last); }
    last.append(caret);
  }
  target.replaceChildren(frag);
}

const CANCELLED = {
  newer_question: "Cancelled: a newer question came",
  question_updated: "Cancelled: the question changed",
  regenerated: "Replaced by a new answer",
  session_ended: "Cancelled: the session ended",
  interrupted: "Cut off by a server restart: answered again",
};

function latency(value) { // a number of ms, or {first_token, complete}
  const ms = value && typeof value === "object" ? value.complete : value;
  return typeof ms === "number" && Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : null;
}

function sources(list) {
  if (!Array.isArray(list) || !list.length) return null;
  const names = list.map((s) => (typeof s === "string" ? s : s?.title || s?.name || s?.kind)).filter(Boolean);
  return names.length ? `from ${names.join(", ")}` : null;
}

/** The line under an answer: its state, where it came from, how long it took. */
export function answerNote(a) {
  if (!a) return "";
  const bits = [];
  if (a.status === "streaming") bits.push(a.fallback ? "The model failed: answering offline…" : "Answering…");
  else if (a.status === "cancelled") bits.push(CANCELLED[a.reason] || "Cancelled");
  else if (a.status === "failed") {
    bits.push(a.reason === "interrupted" ? "Cut off: the server restarted during this answer"
      : `No answer: ${a.reason || "the engine failed"}`);
  } else if (a.status === "done") {
    if (a.fallback) bits.push("Offline answer: the model failed");
    bits.push(a.model || a.engine, latency(a.latency_ms), sources(a.sources));
  }
  return bits.filter(Boolean).join(" · ");
}

/** Renders an answer (or its absence) into `box`, and its note into `note`. */
export function renderAnswer(box, note, a) {
  box.dataset.status = a?.status || "none";
  box.dataset.answerId = a?.answer_id || "";
  box.dataset.fallback = a?.fallback || "";
  box.setAttribute("aria-busy", String(a?.status === "streaming"));
  box.classList.toggle("failed", a?.status === "failed");
  if (!a) box.replaceChildren();
  else renderRichText(box, a.text || "", { cursor: a.status === "streaming" });
  note.textContent = answerNote(a);
}

/** "Cancelled", "Cut off", ... for a question in a list (empty for an answered or unanswered one). */
export const STATUS_MARKS = Object.freeze({
  cancelled: "Cancelled", interrupted: "Cut off", failed: "No answer", streaming: "Answering…",
});
