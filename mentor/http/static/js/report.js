// Report pages: #/s/<id> (one interview's debrief, live until it ends) and #/trends (across interviews).
// The charts are SVG drawn by the server; they are parsed as SVG documents (never as HTML or script) and
// everything else is set as text. No framework, no build step.
import { Api } from "./api.js";

const $ = (id) => document.getElementById(id);
const api = new Api();
const LIVE_REFRESH_MS = 10000;
let timer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function notice(message) {
  $("notice").textContent = message || "";
  $("notice").hidden = !message;
}

function show(view) {
  for (const v of ["view-signin", "view-report", "view-trends"]) $(v).hidden = v !== view;
}

function clock(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return `${h ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

const num = (v, unit = "", digits = 0) => (v === null || v === undefined ? "–" : `${Number(v).toFixed(digits)}${unit}`);
const pct = (v) => (v === null || v === undefined ? "–" : `${Math.round(v * 100)}%`);

function tiles(list, items) {
  list.replaceChildren(...items.map(([value, label]) => el("li", {}, el("b", {}, value), el("span", {}, label))));
}

function drawCharts(charts, prefix) {
  const parser = new DOMParser();
  for (const [name, svg] of Object.entries(charts || {})) {
    const box = $(`${prefix}${name}`);
    if (!box) continue;
    const doc = parser.parseFromString(svg, "image/svg+xml");
    const root = doc.documentElement;
    if (root.nodeName !== "svg") continue; // a parser error document: leave the box empty
    box.replaceChildren(document.importNode(root, true));
  }
}

async function download(path, filename) {
  if (!api.access) await api.refresh();
  const res = await fetch(path, { headers: { Authorization: `Bearer ${api.access}` } });
  if (!res.ok) { notice(`Export failed (${res.status})`); return; }
  const url = URL.createObjectURL(await res.blob());
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- one session

function renderReport(r) {
  const s = r.session;
  $("page-title").textContent = "Interview report";
  $("r-title").textContent = s.title;
  const started = new Date(s.created_at * 1000).toLocaleString();
  $("r-meta").textContent = [s.company, s.role, started, `${clock(r.duration_s)} long`].filter(Boolean).join(" · ");
  const badge = $("r-status");
  badge.dataset.final = String(r.final);
  badge.textContent = r.final ? "Final" : "Live — updating";
  const talk = Object.fromEntries(r.talk.speakers.map((sp) => [sp.role, sp]));
  tiles($("r-tiles"), [
    [String(r.summary.questions), "questions"],
    [`${r.summary.answered} / ${r.summary.questions}`, "answered by you"],
    [pct(talk.candidate?.share ?? null), "your talk time"],
    [num(talk.candidate?.wpm, " wpm"), "your pace"],
    [num(r.fillers.per_minute, "", 1), "filler words / min"],
    [num(r.summary.first_token_ms.median, " ms"), "suggestion first token (median)"],
    [pct(r.jd.skills_covered), "JD skills that came up"],
  ]);
  drawCharts(r.charts, "chart-");
  const people = r.talk.by_name.map((p) => `${p.name} (${p.role}) ${pct(p.share)}`).join(" · ");
  const cross = `${r.talk.overlaps.count} overlaps, ${r.talk.interruptions.count} interruptions`;
  $("r-people").textContent = people ? `Talk time by person: ${people} — ${cross}` : cross;

  const qs = $("r-questions");
  if (!r.questions.length) qs.replaceChildren(el("li", { class: "empty" }, "No questions yet."));
  else qs.replaceChildren(...r.questions.map((q) => {
    const res = q.response, sug = q.suggestion;
    const answered = res.answered
      ? `you answered ${num(res.seconds, " s")}, ${res.words} words, ${num(res.wpm, " wpm")}`
      : null;
    return el("li", { "data-question-id": q.question_id },
      el("div", { class: "q" }, el("span", { class: "kind" }, q.kind.replace("_", " ")), q.text),
      el("div", { class: "facts" },
        el("span", {}, `at ${clock(q.at_s)}`),
        el("span", {}, `detected after ${num(q.detection_delay_s, " s", 2)}`),
        answered ? el("span", {}, answered) : el("span", { class: "no" }, "no answer from you"),
        el("span", {}, sug ? `suggestion (${sug.engine}): first token ${num(sug.first_token_ms, " ms")}, `
          + `complete ${num(sug.complete_ms, " ms")}` + (sug.sources.length ? `, ${sug.sources.length} sources` : "")
          : "no suggestion")));
  }));

  const reqs = r.jd.requirements;
  $("r-requirements").replaceChildren(...(reqs.length ? reqs.map((req) => {
    const how = [req.asked && "asked", req.mentioned && "you mentioned it"].filter(Boolean).join(", ");
    return el("li", { class: req.asked || req.mentioned ? "hit" : "" }, req.text + (how ? ` — ${how}` : ""));
  }) : [el("li", { class: "empty" }, "No job description, or no requirements found in it.")]));
  const items = r.resume.items;
  $("r-resume").replaceChildren(...(items.length ? items.map((i) => el("li", {}, `${i.title || i.ref} — ${i.uses}×`))
    : [el("li", { class: "empty" }, "None yet.")]));
}

async function loadReport(id) {
  clearTimeout(timer);
  try {
    const r = await api.get(`/sessions/${encodeURIComponent(id)}/report?include=charts`);
    renderReport(r);
    show("view-report");
    document.body.dataset.loaded = "report";
    if (!r.final) timer = setTimeout(() => loadReport(id), LIVE_REFRESH_MS);
  } catch (err) {
    if (err.status === 401) { show("view-signin"); return; }
    notice(err.status === 404 ? "No such interview (or it is not yours)." : err.message);
  }
  $("r-md").onclick = () => download(`/sessions/${encodeURIComponent(id)}/report.md`, `report-${id}.md`);
  $("r-pdf").onclick = () => download(`/sessions/${encodeURIComponent(id)}/report.pdf`, `report-${id}.pdf`);
}

// ---- trends

function renderTrends(d) {
  $("page-title").textContent = "Trends";
  const a = d.averages;
  tiles($("t-tiles"), [
    [String(d.totals.sessions), "interviews"],
    [String(d.totals.questions), "questions"],
    [pct(a.candidate_talk_share), "your talk time (avg)"],
    [num(a.candidate_wpm, " wpm"), "your pace (avg)"],
    [num(a.fillers_per_minute, "", 1), "filler words / min (avg)"],
    [num(a.first_token_ms, " ms"), "suggestion first token (avg)"],
    [pct(a.jd_skills_covered), "JD skills covered (avg)"],
  ]);
  drawCharts(d.charts, "tchart-");
  $("t-themes").replaceChildren(...(d.themes.length ? d.themes.map((t) => el("li", {},
    el("b", {}, t.theme), ` — ${t.questions} questions in ${t.sessions} interviews, e.g. “${t.example}”`))
    : [el("li", { class: "empty" }, "Nothing asked twice yet.")]));
  $("t-sessions").replaceChildren(...(d.sessions.length ? d.sessions.slice().reverse().map((s) => el("li", {},
    el("a", { href: `#/s/${s.session_id}` }, s.title),
    ` · ${new Date(s.created_at * 1000).toLocaleDateString()} · ${s.questions} questions`))
    : [el("li", { class: "empty" }, "No interviews match.")]));
}

async function loadTrends(params) {
  clearTimeout(timer);
  const form = $("t-filter");
  form.company.value = params.get("company") || "";
  form.since.value = params.get("since") || "";
  const query = new URLSearchParams({ include: "charts" });
  if (form.company.value) query.set("company", form.company.value);
  if (form.since.value) query.set("since", form.since.value);
  try {
    renderTrends(await api.get(`/users/me/insights?${query}`));
    show("view-trends");
    document.body.dataset.loaded = "trends";
  } catch (err) {
    if (err.status === 401) { show("view-signin"); return; }
    notice(err.message);
  }
}

$("t-filter").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams();
  const f = ev.target;
  if (f.company.value.trim()) q.set("company", f.company.value.trim());
  if (f.since.value) q.set("since", f.since.value);
  location.hash = `#/trends${q.toString() ? `?${q}` : ""}`;
});

async function route() {
  notice("");
  show(null); // nothing of the previous page stays on screen while the next one loads (or fails to)
  delete document.body.dataset.loaded;
  if (!api.access) {
    try { await api.refresh(); } catch { show("view-signin"); return; }
  }
  const hash = location.hash || "#/trends";
  const session = /^#\/s\/([\w-]+)$/.exec(hash);
  if (session) { await loadReport(session[1]); return; }
  const [path, query] = hash.split("?");
  if (path === "#/trends") { await loadTrends(new URLSearchParams(query || "")); return; }
  location.hash = "#/trends";
}

window.addEventListener("hashchange", route);
route();
