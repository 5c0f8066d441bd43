// The live session view: state rebuilt purely from the session's events, rendered into the page.
// All server text goes through textContent: nothing from the wire is ever parsed as HTML.

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k in node) node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

/** Plain text with light structure: blank-line paragraphs, "- " / "1. " lists, **bold**. */
export function renderRichText(target, text) {
  const frag = document.createDocumentFragment();
  let list = null;
  const inline = (line) => {
    const out = document.createDocumentFragment();
    line.split(/(\*\*[^*]+\*\*)/).forEach((part) => {
      if (/^\*\*[^*]+\*\*$/.test(part)) out.append(el("strong", { textContent: part.slice(2, -2) }));
      else if (part) out.append(part);
    });
    return out;
  };
  let para = [];
  const flushPara = () => {
    if (para.length) frag.append(el("p", {}, inline(para.join(" "))));
    para = [];
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const bullet = /^[-*•]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      flushPara();
      const tag = bullet ? "ul" : "ol";
      if (!list || list.tagName.toLowerCase() !== tag) { list = el(tag); frag.append(list); }
      list.append(el("li", {}, inline((bullet || numbered)[1])));
    } else if (!line) {
      flushPara();
      list = null;
    } else {
      list = null;
      para.push(line);
    }
  }
  flushPara();
  target.replaceChildren(frag);
}

const KIND_LABEL = { behavioral: "Behavioural", technical: "Technical", coding: "Coding", system_design: "System design",
  situational: "Situational", other: "Question" };

export class LiveView {
  constructor({ onSelect } = {}) {
    this.onSelect = onSelect || (() => {});
    this.q = $("question"); this.qMeta = $("question-meta");
    this.a = $("answer"); this.aMeta = $("answer-meta");
    this.list = $("questions"); this.transcript = $("transcript");
    this.follow = $("follow-live"); this.label = $("q-label");
    this.follow.onclick = () => { this.pinned = null; this.render(); };
    this.frame = 0;
    this.reset();
  }

  reset() {
    this.captions = new Map();   // caption id -> <li>
    this.questions = new Map();  // question_id -> {data, order, button}
    this.answers = new Map();    // answer_id -> answer state
    this.latestAnswer = new Map(); // question_id -> answer_id
    this.order = 0;
    this.current = null;         // the newest question
    this.pinned = null;          // a question the user picked from the list
    this.session = null;
    this.transcript.replaceChildren();
    this.list.replaceChildren();
    this.render();
  }

  apply(type, data) {
    switch (type) {
      case "session_created": this.session = data; break;
      case "new_caption": case "caption_updated": this._caption(data); return;
      case "question_detected": this._question(data); break;
      case "answer_started":
        this.answers.set(data.answer_id, { ...data, deltas: [], text: "", status: "streaming" });
        this.latestAnswer.set(data.question_id, data.answer_id);
        break;
      case "answer_delta": {
        const ans = this._answer(data);
        if (!ans.deltas.some((d) => d.seq === data.seq)) {
          ans.deltas.push({ seq: data.seq, text: data.text });
          ans.deltas.sort((x, y) => x.seq - y.seq);
          ans.text = ans.deltas.map((d) => d.text).join("");
        }
        break;
      }
      case "new_answer": Object.assign(this._answer(data), data, { status: "done" }); break;
      case "answer_failed": Object.assign(this._answer(data), { status: "failed", reason: data.reason }); break;
      case "answer_cancelled": Object.assign(this._answer(data), { status: "cancelled", reason: data.reason }); break;
      default: return;
    }
    this._schedule();
  }

  _answer(data) {
    let ans = this.answers.get(data.answer_id);
    if (!ans) {
      ans = { answer_id: data.answer_id, question_id: data.question_id, deltas: [], text: "", status: "streaming" };
      this.answers.set(data.answer_id, ans);
      this.latestAnswer.set(data.question_id, data.answer_id);
    }
    return ans;
  }

  _caption(c) {
    let li = this.captions.get(c.id);
    const nearBottom = this.transcript.scrollHeight - this.transcript.scrollTop - this.transcript.clientHeight < 60;
    if (!li) {
      li = el("li", { dataset: { captionId: String(c.id) } }, el("span", { className: "who" }), el("span", { className: "text" }));
      this.captions.set(c.id, li);
      this.transcript.append(li);
    }
    li.dataset.role = c.speaker_role;
    li.dataset.final = String(Boolean(c.final));
    li.dataset.revision = String(c.revision);
    li.querySelector(".who").textContent = c.speaker_name || c.speaker_role;
    li.querySelector(".text").textContent = c.text;
    if (nearBottom) this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  _question(d) {
    let q = this.questions.get(d.question_id);
    if (q && (d.revision ?? 0) < (q.data.revision ?? 0)) return; // an older revision never wins
    if (!q) {
      const button = el("button", { type: "button" });
      button.onclick = () => { this.pinned = d.question_id === this.current ? null : d.question_id; this.render(); };
      const li = el("li", { dataset: { questionId: d.question_id } }, button);
      this.list.prepend(li);
      q = { data: d, button };
      this.questions.set(d.question_id, q);
    }
    q.data = d;
    q.order = ++this.order;
    this.current = d.question_id;
    q.button.replaceChildren(el("span", { className: "qs", textContent: KIND_LABEL[d.kind] || "Question" }), d.text);
  }

  _schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  render() {
    const id = this.pinned || this.current;
    const q = id && this.questions.get(id);
    this.follow.hidden = !this.pinned;
    this.label.textContent = this.pinned ? "Earlier question" : "Current question";
    for (const [qid, item] of this.questions) item.button.setAttribute("aria-current", String(qid === id));
    if (!q) {
      this.q.textContent = "Waiting for the interviewer’s first question…";
      this.q.classList.add("waiting");
      this.qMeta.textContent = "";
      this.a.replaceChildren();
      this.aMeta.textContent = "";
      return;
    }
    this.q.classList.remove("waiting");
    this.q.textContent = q.data.text;
    this.q.dataset.questionId = id;
    const bits = [KIND_LABEL[q.data.kind] || "Question"];
    if (q.data.source === "manual") bits.push("asked by you");
    else if (typeof q.data.confidence === "number") bits.push(`${Math.round(q.data.confidence * 100)}% sure`);
    this.qMeta.textContent = bits.join(" · ");

    const ans = this.answers.get(this.latestAnswer.get(id));
    this.a.classList.toggle("failed", ans?.status === "failed");
    if (!ans) {
      this.a.replaceChildren();
      this.a.removeAttribute("data-answer-id");
      this.a.setAttribute("aria-busy", "false");
      this.aMeta.textContent = "";
      return;
    }
    this.a.dataset.answerId = ans.answer_id;
    this.a.dataset.status = ans.status;
    this.a.setAttribute("aria-busy", String(ans.status === "streaming"));
    if (ans.status === "failed" && !ans.text) this.a.textContent = `No answer: ${ans.reason || "the engine failed"}`;
    else renderRichText(this.a, ans.text || "");
    const meta = [];
    if (ans.status === "streaming") meta.push("Answering…");
    if (ans.status === "cancelled") meta.push("Cancelled");
    if (ans.model || ans.engine) meta.push(ans.model || ans.engine);
    // latency_ms: a number, or {first_token, complete} (milliseconds)
    const ms = typeof ans.latency_ms === "object" && ans.latency_ms ? ans.latency_ms.complete : ans.latency_ms;
    if (typeof ms === "number" && Number.isFinite(ms)) meta.push(`${(ms / 1000).toFixed(1)} s`);
    if (Array.isArray(ans.sources) && ans.sources.length) {
      meta.push("from " + ans.sources.map((s) => (typeof s === "string" ? s : s.title || s.name || s.kind)).filter(Boolean).join(", "));
    }
    this.aMeta.textContent = meta.join(" · ");
  }
}
