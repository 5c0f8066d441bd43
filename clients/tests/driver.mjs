// A tiny JSON-lines driver for Debian's Chromium through playwright-core, for tests/browser/*.py.
//
// Reads one command per line on stdin: {"id": 1, "cmd": "goto", "page": "main", "url": "..."}; writes one
// reply per line on stdout: {"id": 1, "ok": true, "result": ...} or {"id": 1, "ok": false, "error": "..."}.
// Page console output and errors go to stderr, prefixed with the page name. It never downloads a browser:
// the executable is CHROMIUM_PATH or /usr/bin/chromium.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const EXECUTABLE = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

let context = null;
let userDataDir = null;
const pages = new Map();

function page(name) {
  const p = pages.get(name || "main");
  if (!p) throw new Error(`no page named ${name}`);
  return p;
}

// Playwright sends a function's source to the page and calls it there; a string would only be evaluated.
const toFunction = (src) => (0, eval)(`(${src})`);

function watch(name, p) {
  pages.set(name, p);
  p.on("console", (m) => process.stderr.write(`[${name}] ${m.type()}: ${m.text()}\n`));
  p.on("response", (r) => { if (r.status() >= 400) process.stderr.write(`[${name}] HTTP ${r.status()} ${r.url()}\n`); });
  p.on("pageerror", (e) => process.stderr.write(`[${name}] pageerror: ${e.message}\n`));
}

const commands = {
  async launch({ extensionDir, viewport }) {
    userDataDir = mkdtempSync(join(tmpdir(), "mentor-chromium-"));
    const args = [...FLAGS];
    if (extensionDir) args.push(`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`);
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: EXECUTABLE, headless: true, args, viewport: viewport || { width: 1280, height: 800 },
      ignoreDefaultArgs: extensionDir ? ["--disable-extensions"] : [],
    });
    context.setDefaultTimeout(10000);
    for (const p of context.pages()) await p.close().catch(() => {});
    return { version: context.browser()?.version() ?? null };
  },
  async extensionId() {
    let [worker] = context.serviceWorkers();
    if (!worker) worker = await context.waitForEvent("serviceworker", { timeout: 10000 });
    worker.on("console", (m) => process.stderr.write(`[worker] ${m.type()}: ${m.text()}\n`));
    return new URL(worker.url()).host;
  },
  async newPage({ name, url, viewport }) {
    const p = await context.newPage();
    watch(name || "main", p);
    if (viewport) await p.setViewportSize(viewport);
    if (url) await p.goto(url);
    return true;
  },
  async routeFile({ page: name, url, file, contentType }) {
    const body = readFileSync(file);
    await page(name).route(url, (route) => route.fulfill({ status: 200, body, contentType: contentType || "text/html" }));
    return true;
  },
  async goto({ page: name, url }) { await page(name).goto(url); return page(name).url(); },
  async fill({ page: name, selector, value }) { await page(name).fill(selector, value); return true; },
  async check({ page: name, selector, checked }) { await page(name).setChecked(selector, checked); return true; },
  async setFiles({ page: name, selector, files }) { await page(name).setInputFiles(selector, files); return true; },
  async click({ page: name, selector }) { await page(name).click(selector); return true; },
  async press({ page: name, selector, key }) { await page(name).press(selector, key); return true; },
  async viewport({ page: name, width, height }) { await page(name).setViewportSize({ width, height }); return true; },
  // fn is the source of a function (arg) => value; waitFor resolves when it returns a truthy value.
  async waitFor({ page: name, fn, arg, ms }) {
    const handle = await page(name).waitForFunction(toFunction(fn), arg ?? null, { timeout: ms || 10000, polling: 50 });
    return await handle.jsonValue();
  },
  async eval({ page: name, fn, arg }) { return await page(name).evaluate(toFunction(fn), arg ?? null); },
  async screenshot({ page: name, path, fullPage }) { await page(name).screenshot({ path, fullPage: Boolean(fullPage) }); return path; },
  async setOffline({ offline }) { await context.setOffline(Boolean(offline)); return true; },
  async close() {
    if (context) await context.close();
    context = null;
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    return true;
  },
};

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  let msg;
  try { msg = JSON.parse(line); } catch { continue; }
  let reply;
  try {
    const fn = commands[msg.cmd];
    if (!fn) throw new Error(`unknown command ${msg.cmd}`);
    reply = { id: msg.id, ok: true, result: (await fn(msg)) ?? null };
  } catch (err) {
    reply = { id: msg.id, ok: false, error: String(err?.message || err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
  if (msg.cmd === "close") break;
}
if (context) await context.close().catch(() => {});
if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
