// Where Google Meet keeps its live captions. Meet's DOM changes without notice: this is the one place to
// update. The options page can override any of these at run time (Options → Advanced), no rebuild needed.
//
// Meet (2024–2025) renders one block per speaker turn inside the caption region; each block holds the
// speaker's name and the text of the turn, re-rendered as recognition improves (TranscripTonic relies on
// the same shape). Several selectors may be listed, comma-separated; the first match wins.
// eslint-disable-next-line no-unused-vars
var MENTOR_MEET_SELECTORS = {
  // the live caption region
  region: 'div[role="region"][tabindex="0"]',
  // one speaker block, relative to the region (Meet appends two non-caption children: they hold no text)
  block: ":scope > div",
  // the speaker's name inside a block (fallback: the block's first child)
  speaker: ".NWpY1d, .KcIKyf, [data-speaker-name]",
  // the caption text inside a block (fallback: the block's last child)
  text: ".bh44bd, .ygicle, [data-caption-text]",
  // Meet's label for the local participant
  selfNames: ["You", "Vous", "Du", "Tú", "Tu"],
};
