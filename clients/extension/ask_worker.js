// The extension pages' one way to ask the service worker (which makes every network call, background.js).

/** The worker's reply to `message`; a worker that cannot be reached (being restarted, updated) is an
 * `{ ok: false, error }` reply said in words, like any other failure, instead of a rejection nobody shows. */
export async function askWorker(message) {
  try {
    return await chrome.runtime.sendMessage(message);
  } catch (err) {
    return { ok: false, error: `The extension's background worker did not answer (${err?.message || err}); try again.` };
  }
}
