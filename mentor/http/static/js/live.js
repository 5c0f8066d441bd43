// The live session view: the state is shared/reducer.js's, rebuilt purely from the session's events; this
// module only draws it. All server text goes through textContent: nothing from the wire is parsed as HTML.
import { answerFor, canAnswerAgain, createState, focusQuestion, marksOf, questionStatus, reduce } from "./shared/reducer.js";
import { renderAnswer, STATUS_MARKS } from "./shared/render.js";
import { kindLabel } from "./shared/vocabulary.js";

export { renderRichText } from "./shared/render.js";

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

export class LiveView {
  /** @param {{onAnswerAgain?(questionId: string, text: string): void,
   *            onMark?(questionId: string, mark: string, value: boolean): void}} hooks */
  constructor({ onAnswerAgain, onMark } = {}) {
    this.onAnswerAgain = onAnswerAgain || (() => {});
    this.onMark = onMark || (() => {});
    this.hintList = $("hints");
    for (const button of document.querySelectorAll("#mark-bar button[data-mark]")) {
      button.onclick = () => {
        const id = this.shown();
        if (id) this.onMark(id, button.dataset.mark, !marksOf(this.state, id)[button.dataset.mark]);
      };
    }
    this.q = $("question"); this.qMeta = $("question-meta");
    this.a = $("answer"); this.aMeta = $("answer-meta");
    this.list = $("questions"); this.transcript = $("transcript");
    this.follow = $("follow-live"); this.label = $("q-label"); this.again = $("answer-again");
    this.follow.onclick = () => { this.pinned = null; this.render(); };
    this.again.onclick = () => {
      const id = this.shown();
      const q = id && this.state.questions.get(id);
      if (q) this.onAnswerAgain(id, q.text);
    };
    this.frame = 0;
    this.reset();
  }

  reset() {
    this.state = createState();
    this.captions = new Map();   // caption id -> <li>
    this.items = new Map();      // question_id -> {li, button}
    this.pinned = null;          // a question the user picked from the list
    this.transcript.replaceChildren();
    this.list.replaceChildren();
    this.hintList.replaceChildren();
    this.render();
  }

  get session() { return this.state.session; }

  apply(type, data) {
    const changed = reduce(this.state, type, data);
    if (changed === "caption") this._caption(this.state.captions.get(data.id));
    else if (changed === "speaker") { // a speaker's role changed: redraw what they said
      for (const c of this.state.captions.values()) if (c.speaker_name === data.name) this._caption(c);
    } else if (changed === "hint") this._hint(data);
    else if (changed) this._schedule();
  }

  shown() { return this.pinned || focusQuestion(this.state); }

  /** Who watches this session (presence events): "You · viewer · coach (2)". */
  presence(data) {
    const counts = new Map();
    for (const w of data.watching || []) {
      const label = w.role === "owner" ? (w.device ? "device" : "owner") : w.role;
      counts.set(label, (counts.get(label) || 0) + 1);
    }
    const p = $("presence");
    p.textContent = [...counts].map(([k, n]) => (n > 1 ? `${k} (${n})` : k)).join(" · ");
    p.dataset.watching = String((data.watching || []).length);
  }

  _hint(h) {
    this.hintList.prepend(el("li", { dataset: { hintId: h.hint_id } }, el("span", { className: "who", textContent: h.from }),
      el("span", { className: "text", textContent: h.text })));
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

  _item(qid) {
    let item = this.items.get(qid);
    if (!item) {
      const button = el("button", { type: "button" });
      button.onclick = () => { this.pinned = qid === this.state.current ? null : qid; this.render(); };
      const li = el("li", { dataset: { questionId: qid } }, button);
      this.list.prepend(li);
      item = { li, button };
      this.items.set(qid, item);
    }
    return item;
  }

  _schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  render() {
    const state = this.state;
    for (const [qid, q] of state.questions) {
      const { li, button } = this._item(qid);
      const status = questionStatus(state, qid);
      li.dataset.status = status;
      const mark = STATUS_MARKS[status];
      const marks = marksOf(state, qid);
      li.dataset.pinned = String(marks.pinned);
      li.dataset.dismissed = String(marks.dismissed);
      li.dataset.answered = String(marks.answered);
      const synced = [marks.pinned && "pinned", marks.answered && "done", marks.dismissed && "dismissed"].filter(Boolean);
      button.replaceChildren(el("span", { className: "qs", textContent: [kindLabel(q.kind), mark, ...synced].filter(Boolean).join(" · ") }),
        q.text);
    }
    const id = this.shown();
    const q = id && state.questions.get(id);
    this.follow.hidden = !this.pinned;
    this.label.textContent = this.pinned ? "Earlier question" : "Current question";
    for (const [qid, item] of this.items) item.button.setAttribute("aria-current", String(qid === id));
    this.again.hidden = !q || !canAnswerAgain(state, id);
    const marks = q ? marksOf(state, id) : null;
    for (const button of document.querySelectorAll("#mark-bar button[data-mark]")) {
      button.hidden = !q;
      button.setAttribute("aria-pressed", String(Boolean(marks?.[button.dataset.mark])));
    }
    if (!q) {
      this.q.textContent = "Waiting for the interviewer’s first question…";
      this.q.classList.add("waiting");
      this.qMeta.textContent = "";
      renderAnswer(this.a, this.aMeta, null);
      return;
    }
    this.q.classList.remove("waiting");
    this.q.textContent = q.text;
    this.q.dataset.questionId = id;
    const bits = [kindLabel(q.kind)];
    if (q.source === "manual") bits.push("asked by you");
    else if (typeof q.confidence === "number") bits.push(`${Math.round(q.confidence * 100)}% sure`);
    this.qMeta.textContent = bits.join(" · ");
    renderAnswer(this.a, this.aMeta, answerFor(state, id));
  }
}
