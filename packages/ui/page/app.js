// ham ui: the page. Plain DOM, no framework; every value from the server goes in as text (never
// as HTML) except the run's SVG, which Graphviz wrote and which is parsed as SVG and stripped of
// anything active. Views: #/runs, #/run/ID, #/run/ID/node/NAME, #/diff/A/B, #/cache.
"use strict";

const POLL_MS = 1500;
let meta = { outcomeColors: {} };
let timer;

/** h("td", { class: "num" }, "12ms"): an element; strings become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat())
    if (child !== undefined && child !== null) el.append(child instanceof Node ? child : String(child));
  return el;
}

async function api(path, init) {
  const response = await fetch(path, { headers: { Accept: "application/json" }, ...init });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

const ms = (v) =>
  v === undefined
    ? "–"
    : v < 1
      ? `${v.toFixed(2)} ms`
      : v < 1000
        ? `${Math.round(v)} ms`
        : v < 60_000
          ? `${(v / 1000).toFixed(1)} s`
          : `${Math.floor(v / 60_000)}m ${Math.round((v % 60_000) / 1000)}s`;
/** Decimal units, as `ham cache stats` prints them. */
const bytes = (v) => {
  if (v === undefined || v === null) return "–";
  if (v < 1000) return `${v} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let n = v / 1000;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) (n /= 1000), u++;
  return `${n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${units[u]}`;
};
const pct = (v) => (v === undefined || v === null ? "–" : `${Math.round(v * 100)}%`);
const when = (t) =>
  new Date(t).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
const shortId = (id) => (id.length > 14 ? `${id.slice(0, 12)}…` : id);

function badge(outcome) {
  const el = h("span", { class: `badge outcome-${outcome}`, "data-outcome": outcome }, outcome ?? "–");
  if (outcome && meta.outcomeColors[outcome]) el.style.background = meta.outcomeColors[outcome];
  return el;
}
function status(run) {
  return run.status === "done"
    ? run.failed > 0
      ? badge("failed")
      : h("span", { class: "badge" }, "done")
    : h("span", { class: `badge status-${run.status}`, "data-status": run.status }, run.status);
}
function saved(run) {
  return run.hits === 0 ? "–" : `${run.savedUnknown > 0 ? "≥ " : ""}${ms(run.savedMs)}`;
}
function legend() {
  return h(
    "div",
    { class: "legend" },
    ["hit", "computed", "recomputed", "failed", "override", "input", "disabled"].map(badge),
  );
}
function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
  );
}
function table(headers, rows) {
  return h(
    "table",
    {},
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map(([text, cls]) => h("th", { class: cls }, text)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

function show(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.filter((c) => c !== undefined && c !== null));
}
function poll(fn) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (document.visibilityState === "visible") fn().catch(() => undefined);
    else poll(fn);
  }, POLL_MS);
}

// ---------------------------------------------------------------------------------------------

async function runsView() {
  const runs = await api("/api/runs");
  const rows = runs.map((r) =>
    h(
      "tr",
      {
        class: "clickable",
        "data-run": r.runId,
        onclick: () => (location.hash = `#/run/${encodeURIComponent(r.runId)}`),
      },
      h("td", { class: "mono" }, shortId(r.runId)),
      h("td", {}, status(r)),
      h("td", {}, when(r.startedAt)),
      h("td", { class: "num" }, ms(r.durationMs)),
      h("td", {}, r.outputs.join(", ")),
      h("td", { class: "num" }, r.nodes),
      h("td", { class: "num" }, r.hits),
      h("td", { class: "num" }, r.computed + r.recomputed + r.failed),
      h("td", { class: "num" }, pct(r.hitRate)),
      h("td", { class: "num" }, saved(r)),
    ),
  );
  show(
    h("h1", {}, "Runs"),
    meta.history === false ? h("p", { class: "note" }, "This repository keeps no run history.") : undefined,
    runs.length === 0
      ? h("p", { class: "muted" }, "No runs yet: run a cached dataflow, and it appears here.")
      : table(
          [
            ["run"],
            ["status"],
            ["started"],
            ["duration", "num"],
            ["outputs"],
            ["nodes", "num"],
            ["hits", "num"],
            ["misses", "num"],
            ["hit rate", "num"],
            ["time saved", "num"],
          ],
          rows,
        ),
  );
  poll(runsView);
}

function svgOf(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.nodeName !== "svg") return h("p", { class: "error" }, "the DAG could not be drawn");
  for (const el of svg.querySelectorAll("script, foreignObject, a")) el.replaceWith(...el.childNodes);
  for (const el of [svg, ...svg.querySelectorAll("*")]) {
    for (const attr of [...el.attributes])
      if (/^on/i.test(attr.name) || /href$/i.test(attr.name)) el.removeAttribute(attr.name);
  }
  return document.importNode(svg, true);
}

async function runView(runId) {
  const run = await api(`/api/runs/${encodeURIComponent(runId)}`);
  const go = (node) => (location.hash = `#/run/${encodeURIComponent(runId)}/node/${encodeURIComponent(node)}`);
  const dag = h("div", { class: "dag", id: "dag" }, svgOf(run.svg));
  for (const g of dag.querySelectorAll("g.node")) {
    const name = g.querySelector("title")?.textContent;
    if (name) {
      g.setAttribute("data-node", name);
      g.addEventListener("click", () => go(name));
    }
  }
  const runs = await api("/api/runs");
  const index = runs.findIndex((r) => r.runId === runId);
  const previous = index >= 0 ? runs[index + 1] : undefined;
  show(
    h("h1", {}, "Run ", h("span", { class: "mono" }, run.runId), " ", status(run)),
    facts([
      ["started", when(run.startedAt)],
      [run.status === "running" ? "running for" : "duration", ms(run.durationMs)],
      ["outputs", run.outputs.join(", ")],
      [
        "nodes",
        `${run.nodes.filter((n) => n.outcome !== "input" && n.outcome !== "override").length} (${run.hits} hits, ${run.computed} computed, ${run.recomputed} recomputed, ${run.failed} failed)`,
      ],
      ["hit rate", pct(run.hitRate)],
      ["time saved", saved(run)],
      [
        "compare",
        previous
          ? h(
              "a",
              {
                href: `#/diff/${encodeURIComponent(previous.runId)}/${encodeURIComponent(runId)}`,
                id: "compare-previous",
              },
              `with the run before (${shortId(previous.runId)})`,
            )
          : "no earlier run",
      ],
    ]),
    h("h2", {}, "DAG"),
    legend(),
    dag,
    h("h2", {}, "Nodes"),
    table(
      [["node"], ["outcome"], ["duration", "num"], ["result size", "num"], ["why"]],
      run.nodes.map((n) =>
        h(
          "tr",
          { class: "clickable", "data-node": n.node, onclick: () => go(n.node) },
          h("td", { class: "mono" }, n.node),
          h("td", {}, badge(n.outcome)),
          h("td", { class: "num" }, n.outcome === "input" || n.outcome === "override" ? "–" : ms(n.durationMs)),
          h("td", { class: "num" }, bytes(n.bytes)),
          h("td", { class: "muted" }, n.reason ?? ""),
        ),
      ),
    ),
  );
  if (run.status === "running") poll(() => runView(runId));
}

async function nodeView(runId, node) {
  const n = await api(`/api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(node)}`);
  const e = n.explanation;
  const parts = Object.entries(n.codeParts ?? {});
  const inputs = Object.entries(n.inputFingerprints ?? {});
  show(
    h("p", {}, h("a", { href: `#/run/${encodeURIComponent(runId)}` }, `← run ${shortId(runId)}`)),
    h("h1", {}, h("span", { class: "mono" }, n.node), " ", badge(n.outcome)),
    h("h2", {}, "Why it ran"),
    h("p", { class: "note", id: "why" }, e.reason),
    facts([
      [
        "compared with",
        e.previousRunId
          ? h(
              "a",
              { href: `#/diff/${encodeURIComponent(e.previousRunId)}/${encodeURIComponent(runId)}` },
              `run ${e.previousRunId}`,
            )
          : undefined,
      ],
      ["changed inputs", e.changedInputs.length > 0 ? e.changedInputs.join(", ") : undefined],
      ["changed code", e.changedCode.length > 0 ? e.changedCode.join(", ") : undefined],
      ["duration", n.outcome === "input" || n.outcome === "override" ? undefined : ms(n.durationMs)],
      ["depends on", n.deps?.length ? n.deps.join(", ") : undefined],
    ]),
    h("h2", {}, "Identity"),
    facts([
      ["fingerprint", n.fingerprint ? h("span", { class: "mono", id: "fingerprint" }, n.fingerprint) : "–"],
      ["context key", n.contextKey ? h("span", { class: "mono", id: "context-key" }, n.contextKey) : "–"],
      ["code version", n.codeVersion ? h("span", { class: "mono" }, n.codeVersion) : "–"],
    ]),
    parts.length > 0 ? h("h2", {}, "Code version parts") : undefined,
    parts.length > 0
      ? table(
          [["part"], ["hash"]],
          parts.map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", { class: "mono" }, v))),
        )
      : undefined,
    inputs.length > 0 ? h("h2", {}, "Input fingerprints") : undefined,
    inputs.length > 0
      ? table(
          [["input"], ["fingerprint"]],
          inputs.map(([k, v]) => h("tr", {}, h("td", { class: "mono" }, k), h("td", { class: "mono" }, v))),
        )
      : undefined,
    h("h2", {}, "Result", n.preview.bytes !== undefined ? ` (${bytes(n.preview.bytes)} stored)` : ""),
    n.preview.text !== undefined
      ? h("pre", { class: "preview", id: "preview" }, n.preview.text)
      : h("p", { class: "muted", id: "preview-note" }, n.preview.note ?? "no preview"),
    n.preview.truncated ? h("p", { class: "muted" }, "preview cut short") : undefined,
  );
}

async function diffView(a, b) {
  const runs = await api("/api/runs");
  if (runs.length < 2)
    return show(h("h1", {}, "Compare runs"), h("p", { class: "muted" }, "Two runs are needed to compare."));
  a ??= runs[1].runId;
  b ??= runs[0].runId;
  const picker = (id, value) =>
    h(
      "select",
      {
        id,
        onchange: () =>
          (location.hash = `#/diff/${encodeURIComponent(document.getElementById("pick-a").value)}/${encodeURIComponent(document.getElementById("pick-b").value)}`),
      },
      runs.map((r) =>
        h(
          "option",
          { value: r.runId, selected: r.runId === value },
          `${shortId(r.runId)} · ${when(r.startedAt)} · ${pct(r.hitRate)} hits`,
        ),
      ),
    );
  const d = await api(`/api/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  const onlyChanged = h("input", { type: "checkbox", id: "only-changed", checked: true, onchange: () => render() });
  const body = h("tbody", {});
  const render = () =>
    body.replaceChildren(
      ...d.rows
        .filter((r) => !onlyChanged.checked || r.changed)
        .map((r) =>
          h(
            "tr",
            { class: r.changed ? "changed" : undefined, "data-node": r.node },
            h("td", { class: "mono" }, r.node),
            h("td", {}, badge(r.a)),
            h("td", {}, badge(r.b)),
            h("td", {}, r.why.join("; ")),
          ),
        ),
    );
  render();
  const changed = d.rows.filter((r) => r.changed).length;
  show(
    h("h1", {}, "Compare runs"),
    h(
      "div",
      { class: "pickers" },
      "A",
      picker("pick-a", a),
      "B",
      picker("pick-b", b),
      h("label", {}, onlyChanged, " only what changed"),
    ),
    h(
      "p",
      { id: "diff-summary" },
      `${changed} of ${d.rows.length} nodes changed outcome or result. A: ${pct(d.a.hitRate)} hits, ${ms(d.a.durationMs)}; B: ${pct(d.b.hitRate)} hits, ${ms(d.b.durationMs)}.`,
    ),
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "node"),
          h("th", {}, `A ${shortId(a)}`),
          h("th", {}, `B ${shortId(b)}`),
          h("th", {}, "why"),
        ),
      ),
      body,
    ),
  );
}

async function cacheView() {
  const c = await api("/api/cache");
  const max = Math.max(1, ...(c.byNode ?? []).map((r) => r.bytes));
  const bar = (v) => {
    const el = h("div", { class: "bar" });
    el.style.width = `${Math.round((v / max) * 100)}%`;
    return el;
  };
  const g = c.gc;
  const result = h("p", { id: "gc-result" });
  const gcButton = h(
    "button",
    {
      class: "danger",
      id: "gc-run",
      disabled: !c.allowGc,
      onclick: async () => {
        gcButton.disabled = true;
        try {
          const r = await api("/api/gc", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: "{}",
          });
          result.textContent = `Removed ${r.runsRemoved} runs, ${r.entriesRemoved} records, ${r.resultsRemoved} results (${bytes(r.bytesFreed)}).`;
          setTimeout(() => cacheView().catch(fail), 1500);
        } catch (error) {
          result.textContent = String(error.message ?? error);
        }
      },
    },
    "Run gc now",
  );
  const rules =
    Object.entries(meta.gc ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ") || "defaults (keep what the newest run uses, grace 10m)";
  show(
    h("h1", {}, "Cache"),
    facts([
      ["repository", meta.repository],
      ["result store", meta.resultStore],
      ["results", c.results ?? "the result store cannot list"],
      ["stored", bytes(c.bytes)],
    ]),
    h(
      "div",
      { class: "cols" },
      h(
        "div",
        {},
        h("h2", {}, "Size by node"),
        c.byNode
          ? table(
              [["node"], ["results", "num"], ["size", "num"], [""]],
              c.byNode.map((r) =>
                h(
                  "tr",
                  { "data-node": r.node },
                  h("td", { class: "mono" }, r.node),
                  h("td", { class: "num" }, r.results),
                  h("td", { class: "num" }, bytes(r.bytes)),
                  h("td", {}, bar(r.bytes)),
                ),
              ),
            )
          : h("p", { class: "muted" }, "the stores cannot list"),
      ),
      h(
        "div",
        {},
        h("h2", {}, "Size by last use"),
        c.byAge
          ? table(
              [["last used"], ["results", "num"], ["size", "num"]],
              c.byAge.map((r) =>
                h(
                  "tr",
                  {},
                  h("td", {}, r.label),
                  h("td", { class: "num" }, r.results),
                  h("td", { class: "num" }, bytes(r.bytes)),
                ),
              ),
            )
          : h("p", { class: "muted" }, "the result store cannot list"),
      ),
    ),
    h("h2", {}, "Garbage collection"),
    h("p", { class: "muted" }, `Rules: ${rules}`),
    h(
      "p",
      { class: "note", id: "gc-plan" },
      `gc would remove ${g.runsRemoved} runs, ${g.entriesRemoved} records and ${g.resultsRemoved} results (${bytes(g.bytesFreed)}), and keep ${g.runsKept} runs and ${g.resultsKept ?? "?"} results (${bytes(g.bytesKept)}).`,
    ),
    ...g.notes.map((note) => h("p", { class: "muted" }, note)),
    h(
      "p",
      {},
      gcButton,
      " ",
      c.allowGc
        ? ""
        : h(
            "span",
            { class: "muted", id: "gc-off" },
            "Removing from the page is off: start ham ui with --allow-gc to allow it.",
          ),
    ),
    result,
  );
}

// ---------------------------------------------------------------------------------------------

function fail(error) {
  show(h("h1", {}, "Something went wrong"), h("p", { class: "error" }, String(error.message ?? error)));
}

async function route() {
  clearTimeout(timer);
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const tab = parts[0] === "run" ? "runs" : parts[0] || "runs";
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.tab === tab);
  try {
    if (parts[0] === "run" && parts[2] === "node") await nodeView(parts[1], parts[3]);
    else if (parts[0] === "run") await runView(parts[1]);
    else if (parts[0] === "diff") await diffView(parts[1], parts[2]);
    else if (parts[0] === "cache") await cacheView();
    else await runsView();
  } catch (error) {
    fail(error);
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", async () => {
  try {
    meta = await api("/api/meta");
    document.getElementById("source").textContent = `${meta.source} · ${meta.repository}`;
  } catch (error) {
    return fail(error);
  }
  route();
});
