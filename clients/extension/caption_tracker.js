// Pure caption logic, no browser APIs: turns successive snapshots of a meeting's caption blocks (Meet, Zoom
// or Teams: platforms/*.js read them off the page) into caption revisions for the server, and keeps the
// not-yet-acknowledged ones. content.js is the I/O shell.
//
// Rules (the server's contract): a block has a stable block_id; each change is sent as a higher revision
// with the whole text of the block; the last revision is final. Re-sending a revision the server already
// has is a no-op there, so anything not acknowledged can simply be sent again.

/* exported MentorCaptionTracker, MentorCaptionOutbox */

// How much shorter a block's text must get, without its start still matching, to count as Meet trimming
// old words off the front (TranscripTonic uses the same 250-character rule).
const TRIM_MIN_SHRINK = 40;
const ANCHOR_CHARS = 24;

class MentorCaptionTracker {
  /**
   * roleOf(speaker) is the client's guess of a speaker's role, or null to let the session decide from the
   * name (it remembers a role per name, which the user can change).
   * @param {{prefix?: string, roleOf?: (speaker: string) => string | null, now?: () => number}} opts
   */
  constructor({ prefix, roleOf, now }) {
    this.prefix = prefix || Math.random().toString(36).slice(2, 8);
    this.roleOf = roleOf || (() => null);
    this.now = now || (() => Date.now() / 1000);
    this.count = 0;
    this.blocks = new Map(); // DOM element (or any key) -> block state
    this.lateEdits = 0;      // changes Meet made to a block after it was final (ignored)
  }

  /**
   * One look at the caption region: blocks in display order as {key, speaker, text}.
   * Returns the caption revisions to send, in order.
   */
  update(snapshot) {
    const out = [];
    const present = new Set(snapshot.map((b) => b.key));
    // a block that left the region has ended
    for (const [key, block] of this.blocks) {
      if (!present.has(key) && !block.final) out.push(this._finish(block));
      if (!present.has(key)) this.blocks.delete(key);
    }
    snapshot.forEach((seen) => {
      let block = this.blocks.get(seen.key);
      if (block && block.speaker !== seen.speaker && !block.final) {
        out.push(this._finish(block)); // the element was reused for someone else
        block = null;
      }
      if (block && block.final) {
        if (block.dom !== seen.text) this.lateEdits += 1;
        return;
      }
      if (!block) {
        // a new block means the previous speaker stopped: everything still open before it is final
        for (const other of this.blocks.values()) if (!other.final) out.push(this._finish(other));
        block = { id: `${this.prefix}-${++this.count}`, speaker: seen.speaker, role: this.roleOf(seen.speaker),
                  base: "", dom: "", revision: -1, final: false, startedAt: this.now() };
        this.blocks.set(seen.key, block);
      }
      const text = this._merge(block, seen.text);
      if (text && text !== this._text(block)) {
        block.dom = seen.text;
        block.full = text;
        block.revision += 1;
        out.push(this._caption(block));
      } else {
        block.dom = seen.text;
      }
    });
    return out;
  }

  /** Everything still open becomes final (the meeting ended, the page is going away). */
  finishAll() {
    const out = [];
    for (const block of this.blocks.values()) if (!block.final) out.push(this._finish(block));
    return out.filter(Boolean);
  }

  _text(block) { return block.full || ""; }

  // Meet trims the front of a long block and keeps growing its end: keep what was trimmed as `base`.
  _merge(block, text) {
    const old = block.dom;
    const clean = text.replace(/\s+/g, " ").trim();
    if (!old || !clean) return clean ? (block.base ? `${block.base} ${clean}`.trim() : clean) : this._text(block);
    const oldClean = old.replace(/\s+/g, " ").trim();
    const head = oldClean.slice(0, ANCHOR_CHARS);
    if (clean.startsWith(head) || oldClean.length - clean.length < TRIM_MIN_SHRINK) {
      return block.base ? `${block.base} ${clean}` : clean; // growth or an in-place rewrite
    }
    const anchor = clean.slice(0, ANCHOR_CHARS);
    const at = oldClean.lastIndexOf(anchor);
    if (at > 0) block.base = `${block.base} ${oldClean.slice(0, at)}`.trim(); // trimmed at `at`
    return block.base ? `${block.base} ${clean}` : clean;
  }

  _finish(block) {
    block.final = true;
    if (block.revision < 0) return null; // never had text
    block.revision += 1;
    return this._caption(block);
  }

  _caption(block) {
    const caption = { block_id: block.id, revision: block.revision, final: block.final, text: this._text(block),
                      speaker_name: block.speaker || null, client_ts: block.startedAt };
    // without a name the server cannot tell who spoke: the caption must say it
    const role = block.role || (block.speaker ? null : "interviewer");
    if (role) caption.speaker_role = role;
    return caption;
  }
}

/**
 * Captions waiting for the server's acknowledgement, at most one (the newest revision) per block.
 * take() gives a batch to send; ack() removes what the server confirmed; a failed send changes nothing,
 * so the same (or a newer) revision goes next time.
 */
class MentorCaptionOutbox {
  constructor(maxBatch = 100) {
    this.maxBatch = maxBatch;
    this.pending = new Map(); // block_id -> caption, in first-queued order
  }

  put(caption) {
    if (!caption) return;
    const known = this.pending.get(caption.block_id);
    if (!known || caption.revision > known.revision) this.pending.set(caption.block_id, caption);
  }

  get size() { return this.pending.size; }

  take() { return [...this.pending.values()].slice(0, this.maxBatch).map((c) => ({ ...c })); }

  /** The server has (at least) these revisions. */
  ack(sent) {
    for (const c of sent) {
      const known = this.pending.get(c.block_id);
      if (known && known.revision <= c.revision) this.pending.delete(c.block_id);
    }
  }

  /** The server refuses this caption for good (e.g. the block is already final there): stop sending it. */
  drop(caption) {
    const known = this.pending.get(caption.block_id);
    if (known && known.revision <= caption.revision) this.pending.delete(caption.block_id);
  }
}

globalThis.MentorCaptionTracker = MentorCaptionTracker;
globalThis.MentorCaptionOutbox = MentorCaptionOutbox;
