// The session vocabulary every client uses, defined once. The server's definitions are EventType in
// mentor/events.py and QuestionKind in mentor/ai/types.py; tests/browser/test_client_modules.py keeps these
// lists equal to them.

/** Stored in the session's log, carry an id, replayed after a reconnect. */
export const DURABLE_EVENTS = Object.freeze([
  "session_created", "session_ended", "new_caption", "caption_updated", "speaker_updated", "question_detected",
  "answers_paused", "answers_resumed", "answer_started", "answer_delta", "new_answer", "answer_failed", "answer_cancelled",
  "question_marked", "hint",
]);

/** Per connection, no id, never stored. */
export const CONTROL_EVENTS = Object.freeze([
  "heartbeat", "reset", "lagged", "shutdown", "session_deleted", "token_expired", "presence", "access_revoked",
]);

/** How each question kind is labelled on screen. */
export const KIND_LABELS = Object.freeze({
  behavioral: "Behavioural", technical: "Technical", system_design: "System design", situational: "Situational",
  background: "Background", follow_up: "Follow-up", clarifying: "Clarifying", logistics: "Logistics",
  small_talk: "Small talk", other: "Question",
});

export const kindLabel = (kind) => KIND_LABELS[kind] || KIND_LABELS.other;
