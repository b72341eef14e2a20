// class_load.mjs: a load harness for `backprop serve --class`, hubtraf-style.
//
// It trains a starting model into a temporary artifact directory, starts one real class server
// on loopback (`serve --class --port 0`), reads the printed student link and lets S simulated
// students in, their joins spread uniformly at random over --spread seconds. Each student, like
// a person at a keyboard (requests >= 100 ms apart, well within the 20/s rate limit), opens the
// link, takes the session cookie, sets a name, draws and predicts 5 digits, walks the backward
// pass on 3 test images, starts a short run, follows its events to the end (the time from the
// 202 to `started` is the queue wait), then downloads the run's metrics.csv and lists its runs.
// It reports requests, errors by status, predict/backward latency overall and while at least
// one run trains, queue waits, runs started/finished/lost, the server's memory, the wall time
// and the machine; with --json FILE the same report as JSON. The exit code is 1 on any 5xx, any
// network error, any run lost, stuck or not finished (the reasons are printed).
//
// Run (after `cargo build --release`), from the repository root:
//   node benches/class_load.mjs --students 30
// Options: --students S (30)  --spread SECONDS (60)  --binary PATH (target/release/backprop)
//          --workers W  --epochs E (2)  --train-limit N (60000)  --hidden H (132: the lab's)
//          --seed N (1)  --json FILE
// Node 18+, no npm packages.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RUN_TIMEOUT_MS = 300_000; // a run that has not ended this long after its 202 is lost
const GAP_MS = 100; // least time between two requests of one student
const OVERLAP_MS = 50; // runs seen training at once overlap by more than this

// ---- options ---------------------------------------------------------------------------
const opts = { students: 30, spread: 60, binary: join(REPO, "target/release/backprop"),
  workers: null, json: null, epochs: 2, "train-limit": 60000, hidden: 132, seed: 1 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i].replace(/^--/, "");
  if (!(key in opts) || argv[i + 1] === undefined) usage(`unknown or incomplete option ${argv[i]}`);
  const value = argv[++i];
  opts[key] = ["binary", "json"].includes(key) ? value : Number(value);
  if (!["binary", "json"].includes(key) && !(Number.isInteger(opts[key]) && opts[key] >= 0)) usage(`${argv[i - 1]}: not a whole number`);
}
if (opts.students < 1) usage("--students must be at least 1");
opts.binary = resolve(opts.binary);
function usage(why) {
  console.error(`${why}\nusage: node benches/class_load.mjs [--students S] [--spread SECONDS] [--binary PATH] [--workers W] [--epochs E] [--train-limit N] [--hidden H] [--seed N] [--json FILE]`);
  process.exit(2);
}

// ---- small tools -----------------------------------------------------------------------
function mulberry32(seed) { // a seeded PRNG, for reproducible joins and drawings
  return () => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const rand = mulberry32(opts.seed);
const now = () => performance.now();
const pct = (xs, p) => { if (!xs.length) return null; const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]; };
const fmt = (x, digits = 0) => (x === null || x === undefined ? "-" : x.toFixed(digits));

/** A 28×28 drawing: 2-3 strokes of a soft round brush, light on dark, values in [0, 1]. */
function drawing(r) {
  const px = new Array(784).fill(0);
  for (let s = 0, strokes = 2 + Math.floor(r() * 2); s < strokes; s++) {
    let [x, y] = [6 + r() * 16, 4 + r() * 20];
    const [dx, dy] = [(r() - 0.5) * 1.6, (r() - 0.5) * 1.6];
    for (let step = 0; step < 14; step++, x += dx, y += dy) {
      for (let py = 0; py < 28; py++) for (let qx = 0; qx < 28; qx++) {
        const d2 = (qx - x) ** 2 + (py - y) ** 2;
        if (d2 < 4) px[py * 28 + qx] = Math.max(px[py * 28 + qx], Math.min(1, 1.2 - d2 / 4));
      }
    }
  }
  return px.map((v) => Math.round(v * 1000) / 1000);
}

// ---- what is measured ------------------------------------------------------------------
const stats = { requests: 0, byStatus: {}, network: 0, samples: { predict: [], backward: [] },
  training: [], queueWaits: [], runs: { started: 0, finished: 0, lost: 0, stopped: 0, failed: 0,
  refused: 0 }, problems: [] };
const problem = (who, what) => { stats.problems.push(`${who}: ${what}`); };

// ---- the server ------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), "class-load-"));
let server = null, serverGone = null; // serverGone: how the server ended, if it did before the end
const stderrTail = [];
function cleanup() {
  if (server && server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanup);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { console.error(`\n${sig}: stopping`); process.exit(130); });

function fail(why) {
  console.error(`class_load: ${why}`);
  if (stderrTail.length) console.error(`server's stderr (last lines):\n  ${stderrTail.join("\n  ")}`);
  process.exit(1);
}

function memory(pid) { // VmHWM and VmRSS of the server, in MiB
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k) => Number((text.match(new RegExp(`^${k}:\\s+(\\d+) kB`, "m")) || [])[1]);
    return { hwm: kb("VmHWM") / 1024, rss: kb("VmRSS") / 1024 };
  } catch { return { hwm: null, rss: null }; }
}

async function startServer() {
  const trained = spawnSync(opts.binary, ["train", "--artifact-dir", dir, "--epochs", "1"], { encoding: "utf8" });
  if (trained.error || trained.status !== 0)
    fail(`the starting model did not train (${trained.error ?? `exit ${trained.status}`}):\n${trained.stderr ?? ""}`);
  const args = ["serve", "--class", "--port", "0", "--artifact-dir", dir];
  if (opts.workers !== null) args.push("--workers", String(opts.workers));
  server = spawn(opts.binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  server.on("exit", (code, sig) => { serverGone ??= `the server exited (${code ?? sig}) during the load`; });
  server.stderr.setEncoding("utf8").on("data", (text) => {
    for (const line of text.split("\n").filter(Boolean)) { stderrTail.push(line); if (stderrTail.length > 40) stderrTail.shift(); }
  });
  let out = "";
  server.stdout.setEncoding("utf8");
  return await new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`no links from the server in 60 s: ${out}`)), 60_000);
    server.on("exit", (code, sig) => reject(new Error(`the server exited (${code ?? sig}) before its links`)));
    server.stdout.on("data", (text) => {
      out += text;
      const student = out.match(/^Student link: (http:\/\/[^\s]+\/join\/[0-9a-f]{32})$/m);
      const workers = out.match(/(\d+) run\(s\) train at once/);
      if (student && workers) {
        clearTimeout(timer);
        done({ base: new URL(student[1]).origin, student: student[1], workers: Number(workers[1]) });
      }
    });
  });
}

// ---- a student -------------------------------------------------------------------------
class Student {
  constructor(n, joinAt, base, link) { Object.assign(this, { n, joinAt, base, link, cookie: null, last: 0, who: `student ${n}` }); }

  async pace() { // a person: at least GAP_MS between two requests
    const wait = this.last + GAP_MS - now();
    if (wait > 0) await sleep(wait);
    this.last = now();
  }

  /** One request; records its status and, for predict/backward, its latency. */
  async call(method, path, body, kind) {
    if (serverGone) return { status: 0, ok: false };
    await this.pace();
    stats.requests++;
    const headers = { ...(this.cookie ? { Cookie: `backprop_class=${this.cookie}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}) };
    const t0 = now();
    let res;
    try {
      res = await fetch(this.base + path, { method, headers, redirect: "manual",
        body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(60_000) });
    } catch (e) {
      stats.network++;
      problem(this.who, `${method} ${path}: ${e.cause?.code ?? e.name}: ${e.message}`);
      return { status: 0, ok: false };
    }
    const text = await res.text();
    const t1 = now();
    if (kind) stats.samples[kind].push({ t0, t1, ms: t1 - t0 });
    if (res.status < 200 || res.status > 299 && res.status !== 303) {
      stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
      problem(this.who, `${method} ${path} → ${res.status} ${text.slice(0, 160)}`);
    }
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON (CSV, or an empty 303) */ }
    return { status: res.status, ok: res.ok, json, text, headers: res.headers };
  }

  async life() {
    await sleep(Math.max(0, this.joinAt - now()));
    const joined = await this.call("GET", new URL(this.link).pathname);
    const cookies = joined.headers?.getSetCookie?.() ?? [joined.headers?.get("set-cookie") ?? ""];
    this.cookie = cookies.join(";").match(/backprop_class=([0-9a-f]{64})/)?.[1];
    if (joined.status !== 303 || !this.cookie) return problem(this.who, `join gave ${joined.status} without a session cookie`);
    await this.call("POST", "/api/session/name", { name: `Student ${this.n}` });
    for (let i = 0; i < 5; i++) { // draw (a few seconds at most), then predict
      await sleep(300 + rand() * 1200);
      await this.call("POST", "/api/predict", { width: 28, height: 28, pixels: drawing(rand) }, "predict");
    }
    for (const index of [0, 1, 2].map((k) => k * 3000 + Math.floor(rand() * 3000))) {
      await sleep(500 + rand() * 1500); // a step of the walk read
      await this.call("POST", "/api/backward", { test_index: index }, "backward");
    }
    await sleep(200 + rand() * 800);
    await this.train();
  }

  /** Opens the run's event stream (as the page keeps it open), starts the run, follows it to
   *  its end (following again if the stream drops), then gets its files. */
  async train() {
    const deadline = now() + RUN_TIMEOUT_MS;
    let run = null, accepted = null, started = null, end = null, refused = false, posted = false, abort = null;
    const pending = []; // events that arrived, with their time; looked at once the run's name is known
    const look = () => {
      while (run !== null && pending.length) {
        const { event, at } = pending.shift();
        if (event.run && event.run !== run) continue;
        if (event.type === "started" && started === null) {
          started = at; stats.runs.started++;
          interval.start = started; stats.training.push(interval);
          stats.queueWaits.push(Math.max(0, started - accepted) / 1000);
        } else if (["saved", "stopped", "failed", "cancelled"].includes(event.type) && end === null) {
          end = event; interval.end = at;
          if (event.type !== "saved") problem(this.who, `${run} ended ${event.type}: ${event.message ?? ""}`);
        }
      }
      if (end || refused) abort?.abort(); // the stream stays open after the end: close it
    };
    const interval = { start: null, end: null };
    let posting = null;
    while (end === null && !refused && !serverGone && now() < deadline) {
      await this.pace();
      stats.requests++;
      abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - now()));
      try {
        const res = await fetch(this.base + "/api/train/events", { headers: { Cookie: `backprop_class=${this.cookie}` }, signal: abort.signal });
        if (!res.ok) {
          stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
          problem(this.who, `GET /api/train/events → ${res.status} ${(await res.text()).slice(0, 160)}`);
          if (res.status >= 500) break;
          await sleep(1000);
          continue;
        }
        if (!posted) { // the stream is open: press Train
          posted = true;
          posting = this.call("POST", "/api/train", { epochs: opts.epochs, train_limit: opts["train-limit"], hidden: [opts.hidden] })
            .then((answer) => {
              if (answer.status === 202) { accepted = now(); run = answer.json.run; } else { refused = true; stats.runs.refused++; }
              look();
            });
        }
        const decoder = new TextDecoder();
        let buffer = "";
        for await (const chunk of res.body) {
          buffer += decoder.decode(chunk, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, cut).trim();
            buffer = buffer.slice(cut + 1);
            if (line.startsWith("data:")) pending.push({ event: JSON.parse(line.slice(5)), at: now() });
          }
          look();
          if (end || refused) break;
        }
        if (!end && !refused) problem(this.who, `the event stream of ${run ?? "the run"} closed before its end: following again`);
      } catch (e) {
        if (end || refused || serverGone || now() >= deadline) break;
        stats.network++;
        problem(this.who, `events of ${run ?? "the run"}: ${e.cause?.code ?? e.name}: ${e.message}`);
        await sleep(1000);
      } finally { clearTimeout(timer); abort.abort(); }
    }
    await posting;
    if (refused || !posted) return;
    if (end === null) {
      stats.runs.lost++;
      const when = serverGone ? "before the server went" : `within ${RUN_TIMEOUT_MS / 1000} s`;
      return problem(this.who, `${run ?? "the run"} lost: no end ${when} (${started === null ? "never started" : "stuck training"})`);
    }
    if (end.type !== "saved") { stats.runs[end.type === "failed" ? "failed" : "stopped"]++; return; }
    stats.runs.finished++;
    const csv = await this.call("GET", `/api/runs/${run}/metrics.csv`);
    if (csv.ok && csv.text.trim().split("\n").length < 2) problem(this.who, `${run}'s metrics.csv has no rows`);
    const runs = await this.call("GET", "/api/runs");
    if (runs.ok && !JSON.stringify(runs.json).includes(`"${run}"`)) problem(this.who, `GET /api/runs does not list ${run}`);
  }
}

// ---- the class -------------------------------------------------------------------------
const wallStart = now();
let links;
try { links = await startServer(); } catch (e) { fail(e.message); }
const peakSampler = setInterval(() => { const m = memory(server.pid); if (m.rss) stats.maxRss = Math.max(stats.maxRss ?? 0, m.rss); }, 500);
const t0 = now();
const students = Array.from({ length: opts.students }, (_, i) =>
  new Student(i + 1, t0 + rand() * opts.spread * 1000, links.base, links.student));
await Promise.all(students.map((s) => s.life().catch((e) => problem(s.who, `crashed: ${e.stack}`))));
clearInterval(peakSampler);
const mem = memory(server.pid);
const wall = (now() - wallStart) / 1000;

// ---- the report ------------------------------------------------------------------------
// A request counts as "while training" when its time overlaps a run's, from `started` to its end.
const trainingAt = (s) => stats.training.some((r) => r.start <= s.t1 && (r.end ?? Infinity) >= s.t0);
const summary = (xs) => ({ n: xs.length, p50_ms: pct(xs, 50), p95_ms: pct(xs, 95), max_ms: xs.length ? Math.max(...xs) : null });
const latency = {};
for (const kind of ["predict", "backward"]) {
  latency[kind] = { while_training: summary(stats.samples[kind].filter(trainingAt).map((s) => s.ms)),
    overall: summary(stats.samples[kind].map((s) => s.ms)) };
}
const statuses = Object.entries(stats.byStatus).map(([k, v]) => [Number(k), v]);
const count = (f) => statuses.filter(([k]) => f(k)).reduce((a, [, v]) => a + v, 0);
const errors = { "409": count((k) => k === 409), "429": count((k) => k === 429),
  other_4xx: count((k) => k >= 400 && k < 500 && k !== 409 && k !== 429), "5xx": count((k) => k >= 500),
  other: count((k) => k < 400 || k >= 600), network: stats.network, by_status: stats.byStatus };
const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m) || [])[1] ?? cpus()[0]?.model;
const report = { students: opts.students, spread_s: opts.spread, workers: links.workers, epochs: opts.epochs,
  train_limit: opts["train-limit"], seed: opts.seed, requests: stats.requests, errors, latency,
  run_s: ((xs) => ({ n: xs.length, median: pct(xs, 50), max: xs.length ? Math.max(...xs) : null }))(
    stats.training.filter((t) => t.end).map((t) => (t.end - t.start) / 1000)),
  // Seen from the clients: one run's end and the next one's start (ms apart on the server) come
  // on two streams and may cross on the way, so overlaps shorter than OVERLAP_MS do not count.
  most_training_at_once: Math.max(0, ...stats.training.map((a) => stats.training.filter((b) => b === a || (b.start <= a.start && (b.end ?? Infinity) > a.start + OVERLAP_MS)).length)),
  queue_wait_s: { n: stats.queueWaits.length, median: pct(stats.queueWaits, 50), max: stats.queueWaits.length ? Math.max(...stats.queueWaits) : null },
  runs: { asked: opts.students, ...stats.runs }, memory_mib: { peak_vmhwm: mem.hwm, rss_at_end: mem.rss, max_rss_sampled: stats.maxRss ?? null },
  wall_s: wall, cpu: { model: cpu, cores: cpus().length } };

const line = (cells, widths) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ").trimEnd();
const out = [];
out.push(`class load: ${report.students} students joined over ${opts.spread} s; ${links.workers} worker(s); runs of ${opts.epochs} epoch(s) on ${opts["train-limit"]} images, hidden [${opts.hidden}]`);
out.push(`machine: ${cpu}, ${report.cpu.cores} cores; wall time ${fmt(wall, 1)} s`);
out.push(`requests: ${report.requests}; errors: 409 ${errors["409"]}, 429 ${errors["429"]}, other 4xx ${errors.other_4xx}, 5xx ${errors["5xx"]}, network ${errors.network}` +
  (statuses.length ? `  (by status: ${statuses.map(([k, v]) => `${k}×${v}`).join(", ")})` : ""));
out.push("");
const w = [10, 16, 6, 9, 9, 9];
out.push(line(["latency", "when", "n", "p50 ms", "p95 ms", "max ms"], w));
for (const kind of ["predict", "backward"]) for (const when of ["while_training", "overall"]) {
  const s = latency[kind][when];
  out.push(line([kind, when.replace("_", " "), s.n, fmt(s.p50_ms), fmt(s.p95_ms), fmt(s.max_ms)], w));
}
out.push("");
out.push(`queue wait (202 → started): n ${report.queue_wait_s.n}, median ${fmt(report.queue_wait_s.median, 2)} s, max ${fmt(report.queue_wait_s.max, 2)} s`);
out.push(`run time (started → end): median ${fmt(report.run_s.median, 2)} s, max ${fmt(report.run_s.max, 2)} s; most runs training at once: ${report.most_training_at_once} (workers: ${links.workers})`);
const r = report.runs;
out.push(`runs: asked ${r.asked}, refused ${r.refused}, started ${r.started}, finished ${r.finished}, stopped ${r.stopped}, failed ${r.failed}, lost ${r.lost}`);
out.push(`server memory: peak (VmHWM) ${fmt(mem.hwm, 1)} MiB, resident at the end (VmRSS) ${fmt(mem.rss, 1)} MiB`);

const why = serverGone ? [serverGone] : [];
if (errors["5xx"]) why.push(`${errors["5xx"]} server error(s) (5xx)`);
if (errors.network) why.push(`${errors.network} network error(s)`);
if (r.lost) why.push(`${r.lost} run(s) lost (no end)`);
if (r.finished < r.asked) why.push(`${r.asked - r.finished} of ${r.asked} run(s) did not finish`);
report.passed = why.length === 0;
report.failures = why;
report.problems = stats.problems;
out.push("");
if (stats.problems.length) out.push(`problems (${stats.problems.length}):`, ...stats.problems.slice(0, 30).map((p) => `  ${p}`),
  ...(stats.problems.length > 30 ? [`  … and ${stats.problems.length - 30} more (all in --json)`] : []));
out.push(report.passed ? "PASS" : `FAIL: ${why.join("; ")}`);
console.log(out.join("\n"));
if (opts.json) writeFileSync(opts.json, JSON.stringify(report, null, 2) + "\n");
server.kill("SIGTERM");
await Promise.race([new Promise((d) => server.once("exit", d)), sleep(5000)]);
if (!report.passed && stderrTail.length) console.error(`server's stderr (last lines):\n  ${stderrTail.join("\n  ")}`);
process.exit(report.passed ? 0 : 1);
