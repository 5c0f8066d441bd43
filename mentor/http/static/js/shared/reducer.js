// A session's view state, rebuilt purely from its events: no DOM, no network, no clock. The console and the
// extension's side panel both feed every event they receive through reduce() and render what it returns.
// Unit tests: clients/tests/reducer.test.mjs.

/** An empty state: what a view shows before the first event (and after a `reset`). */
export function createState() {
  return {
    session: null,
    ended: false,
    autoAnswer: null,
    captions: new Map(),  // caption id -> caption at its latest revision, in first-arrival order
    speakers: new Map(),  // speaker name -> role, as the session last said
    questions: new Map(), // question_id -> question (latest revision), in first-detection order
    answers: new Map(),   // answer_id -> answer
    latest: new Map(),    // question_id -> answer_id of its newest answer
    current: null,        // question_id of the newest question
    marks: new Map(),     // question_id -> {pinned, dismissed, answered}: synced across devices
    hints: [],            // a coach's hints, oldest first
  };
}

/**
 * Applies one durable event. Returns what changed ("session", "caption", "speaker", "question", "answer") or null for
 * an event that changes nothing (an unknown type, an older question revision, a delta already applied).
 */
export function reduce(state, type, data) {
  switch (type) {
    case "session_created":
      state.session = { ...data };
      state.ended = data.status === "ended";
      state.autoAnswer = data.auto_answer ?? state.autoAnswer;
      return "session";
    case "session_ended":
      state.ended = true;
      if (state.session) state.session = { ...state.session, status: "ended", ended_at: data.ended_at };
      return "session";
    case "answers_paused": case "answers_resumed":
      state.autoAnswer = Boolean(data.auto_answer);
      return "session";
    case "new_caption": case "caption_updated": {
      const known = state.captions.get(data.id);
      if (known && (data.revision ?? 0) < (known.revision ?? 0)) return null;
      state.captions.set(data.id, data);
      return "caption";
    }
    case "speaker_updated": {
      // The session re-labelled everything this speaker said: follow it in what is on screen.
      state.speakers.set(data.name, data.role);
      for (const [id, c] of state.captions) {
        if (c.speaker_name === data.name && c.speaker_role !== data.role) state.captions.set(id, { ...c, speaker_role: data.role });
      }
      return "speaker";
    }
    case "question_detected": {
      const known = state.questions.get(data.question_id);
      if (known && (data.revision ?? 0) < (known.revision ?? 0)) return null; // an older revision never wins
      state.questions.set(data.question_id, { ...data });
      state.current = data.question_id;
      return "question";
    }
    case "answer_started":
      state.answers.set(data.answer_id, { ...data, deltas: new Map(), text: "", status: "streaming",
                                          fallback: null, fallbackReason: null });
      state.latest.set(data.question_id, data.answer_id);
      return "answer";
    case "answer_delta": {
      const a = answerOf(state, data);
      if (a.deltas.has(data.seq)) return null; // a replay overlap
      const last = a.deltas.size ? Math.max(...a.deltas.keys()) : -Infinity;
      a.deltas.set(data.seq, data.text);
      a.text = data.seq > last ? a.text + data.text
        : [...a.deltas.entries()].sort((x, y) => x[0] - y[0]).map((x) => x[1]).join("");
      return "answer";
    }
    case "answer_failed": {
      const a = answerOf(state, data);
      if (data.fallback) { // the model failed; the fallback's answer follows under this id, deltas from seq 1
        a.deltas.clear();
        a.text = "";
        a.fallback = data.fallback;
        a.fallbackReason = data.reason ?? null;
        return "answer";
      }
      Object.assign(a, { status: "failed", reason: data.reason ?? null, retryable: Boolean(data.retryable) });
      return "answer";
    }
    case "new_answer": {
      const a = answerOf(state, data);
      const { answer_id: _id, ...rest } = data;
      Object.assign(a, rest, { status: "done" });
      if (a.fallback === null && data.engine === "offline" && a.engine && a.engine !== "offline") a.fallback = "offline";
      return "answer";
    }
    case "answer_cancelled":
      Object.assign(answerOf(state, data), { status: "cancelled", reason: data.reason ?? null });
      return "answer";
    case "question_marked": {
      const marks = state.marks.get(data.question_id) || { pinned: false, dismissed: false, answered: false };
      state.marks.set(data.question_id, { ...marks, [data.mark]: Boolean(data.value) });
      return "question";
    }
    case "hint":
      if (state.hints.some((h) => h.hint_id === data.hint_id)) return null;
      state.hints.push({ ...data });
      return "hint";
    default:
      return null;
  }
}

function answerOf(state, data) {
  let a = state.answers.get(data.answer_id);
  if (!a) { // its answer_started is not in this replay (cannot happen with a complete log; stay robust)
    a = { answer_id: data.answer_id, question_id: data.question_id, deltas: new Map(), text: "",
          status: "streaming", fallback: null, fallbackReason: null };
    state.answers.set(data.answer_id, a);
    state.latest.set(data.question_id, data.answer_id);
  }
  return a;
}

/** The synced marks of a question: {pinned, dismissed, answered}. */
export function marksOf(state, questionId) {
  return state.marks.get(questionId) || { pinned: false, dismissed: false, answered: false };
}

/** The question every device shows: the newest pinned one, else the newest not dismissed, else null. */
export function focusQuestion(state) {
  const ids = [...state.questions.keys()].reverse();
  return ids.find((id) => marksOf(state, id).pinned)
    || (state.current && !marksOf(state, state.current).dismissed ? state.current : null)
    || ids.find((id) => !marksOf(state, id).dismissed) || null;
}

/** The newest answer to a question, or null. */
export function answerFor(state, questionId) {
  return state.answers.get(state.latest.get(questionId)) || null;
}

/**
 * Where a question stands, from its newest answer: "unanswered", "streaming", "answered", "failed",
 * "interrupted" (cut by a server restart) or "cancelled" (a newer question, the session ending, ...).
 */
export function questionStatus(state, questionId) {
  const a = answerFor(state, questionId);
  if (!a) return "unanswered";
  if (a.status === "done") return "answered";
  if (a.status === "failed") return a.reason === "interrupted" ? "interrupted" : "failed";
  return a.status; // streaming, cancelled
}

/** Whether "answer again" makes sense: the session is live and this question's answer is not streaming. */
export function canAnswerAgain(state, questionId) {
  return !state.ended && state.questions.has(questionId) && questionStatus(state, questionId) !== "streaming";
}

/** Questions newest first (by their latest detection), the current one included. */
export function questionsNewestFirst(state) {
  return [...state.questions.values()].reverse();
}
