/**
 * `npm run bench`: starts the worker under `wrangler dev` (workerd, local D1 and queues) on a
 * private state folder, seeds 111,000 invitations, measures, prints a table and writes
 * `bench/results.json`. The machine is noisy: every figure is the median of several runs, and
 * throughput is also given as a ratio to `/healthz` measured in the same run.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { BENCH_EMPTY_ORG, BENCH_ORGS, seedSql } from "./seed.ts";

const PORT = 8799;
const MOCK_PORT = 8798;
const BASE = `http://127.0.0.1:${PORT}`;
const STATE = ".wrangler/bench-state";
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = 20;
const SECRET_KEY = "sk_test_bench_0123456789abcdef0123456789";
const AUTH = { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" };
const VARS: Record<string, string> = {
  ENVIRONMENT: "test",
  PUBLIC_URL: BASE,
  SECRET_KEY,
  SESSION_JWT_SECRET: "bench-session-secret-0123456789abcdef0123",
  TICKET_SECRET: "bench-ticket-secret-0123456789abcdef01234",
  EMAIL_TRANSPORT: "resend",
  RESEND_API_KEY: "re_bench_key",
  RESEND_BASE_URL: `http://127.0.0.1:${MOCK_PORT}`,
};
const env = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  CI: "1",
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function wrangler(args: string[]) {
  const r = spawnSync("npx", ["wrangler", ...args], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The provider's batch endpoint, answered locally: counts the emails it is handed. */
function startMockProvider() {
  let emails = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      let items: unknown[] = [];
      try {
        const parsed: unknown = JSON.parse(body || "[]");
        items = Array.isArray(parsed) ? parsed : [parsed];
      } catch {}
      emails += items.length;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: items.map((_, i) => ({ id: `mock_${emails}_${i}` })) }));
    });
  });
  server.listen(MOCK_PORT, "127.0.0.1");
  return { server, count: () => emails, reset: () => (emails = 0) };
}

/** Runs the bundle built for the size figure, so edits to `src/` cannot reload it mid-run. */
async function startWorker(script: string): Promise<ChildProcess> {
  const args = [
    "wrangler",
    "dev",
    script,
    "--no-bundle",
    "--port",
    String(PORT),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    STATE,
  ];
  for (const [k, v] of Object.entries(VARS)) args.push("--var", `${k}:${v}`);
  // Its own process group: npx, wrangler and workerd are stopped together (see `stopWorker`).
  const child = spawn("npx", args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return child;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  stopWorker(child);
  throw new Error(`wrangler dev did not start:\n${log}`);
}

type Sample = { rps: number; p50: number; p99: number };

/** One autocannon run against `path`. */
async function once(path: string): Promise<Sample> {
  const r = await autocannon({
    url: `${BASE}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: AUTH,
  });
  if (r.non2xx > 0) throw new Error(`${path}: ${r.non2xx} non-2xx answers`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

const summary = (runs: Sample[]) => ({
  rps: round(median(runs.map((r) => r.rps))),
  p50_ms: round(median(runs.map((r) => r.p50))),
  p99_ms: round(median(runs.map((r) => r.p99))),
});

/** Stops npx and what it started: killing npx alone leaves workerd serving the port. */
function stopWorker(child: ChildProcess) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    child.kill("SIGTERM");
  }
}

/**
 * Throughput of each path as a ratio to `/healthz`, measured in alternation: every run of a path
 * sits between two baseline runs and is divided by their mean, so the machine's drift over the
 * minutes of a benchmark cancels out of the ratio. The ratio reported is the median over runs.
 */
async function throughputAgainstBaseline<K extends string>(paths: Record<K, string>) {
  const baseline: Sample[] = [];
  const samples = {} as Record<K, Sample[]>;
  const ratios = {} as Record<K, number[]>;
  for (const key of Object.keys(paths) as K[]) {
    samples[key] = [];
    ratios[key] = [];
  }
  for (let i = 0; i < RUNS; i++) {
    let before = await once("/healthz");
    baseline.push(before);
    for (const [key, path] of Object.entries(paths) as [K, string][]) {
      const run = await once(path);
      const after = await once("/healthz");
      baseline.push(after);
      samples[key].push(run);
      ratios[key].push(run.rps / ((before.rps + after.rps) / 2));
      before = after;
    }
  }
  const figures = {} as Record<K, ReturnType<typeof summary> & { rps_ratio_to_healthz: number }>;
  for (const key of Object.keys(paths) as K[]) {
    figures[key] = {
      ...summary(samples[key]),
      rps_ratio_to_healthz: round(median(ratios[key])),
    };
  }
  return { baseline: summary(baseline), figures, ratioRuns: ratios };
}

/** The worker's own time for a request, from its `Server-Timing: app;dur=…` header. */
const serverMs = (res: Response) =>
  Number(/app;dur=([0-9.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? Number.NaN);

async function post(
  path: string,
  body: unknown,
): Promise<{ ms: number; serverMs: number; json: unknown }> {
  const t = performance.now();
  const res = await fetch(`${BASE}${path}`, {
    method: "POST",
    headers: AUTH,
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  const ms = performance.now() - t;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return { ms, serverMs: serverMs(res), json };
}

async function newOrg(name: string): Promise<string> {
  const { json } = await post("/v1/organizations", { name });
  return (json as { id: string }).id;
}

const addresses = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}-${i}@bench.test`);

async function main() {
  // A worker left on the port from an earlier run would be measured instead of this one.
  const stale = await fetch(`${BASE}/healthz`).then(
    () => true,
    () => false,
  );
  if (stale) throw new Error(`port ${PORT} is already serving: stop that process first`);
  rmSync(STATE, { recursive: true, force: true });
  mkdirSync("bench", { recursive: true });
  console.log("seeding 111,000 invitations…");
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", STATE]);
  const seedFile = `${STATE}/seed.sql`;
  writeFileSync(seedFile, seedSql());
  wrangler(["d1", "execute", "DB", "--local", "--persist-to", STATE, "--file", seedFile]);

  const bundle = bundleSize();
  const mock = startMockProvider();
  const worker = await startWorker(bundle.file);
  try {
    const big = BENCH_ORGS[2].id;
    const list = (q: string) => `/v1/organizations/${big}/invitations?${q}`;
    console.log("measuring throughput…");
    const measured = await throughputAgainstBaseline({
      page1: list("initialPage=1&pageSize=20"),
      page5000: list("initialPage=5000&pageSize=20"),
      page1_pending: list("initialPage=1&pageSize=20&status=pending"),
      // 60,000 pending rows: page 3,000 is the last full one.
      page3000_pending: list("initialPage=3000&pageSize=20&status=pending"),
    });
    const baseline = measured.baseline;
    const lists = measured.figures;

    console.log("measuring writes…");
    // One request at a time: the round trip through wrangler dev's proxy with no work at all,
    // the floor under every latency below.
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await (await fetch(`${BASE}/healthz`)).text();
      idle.push(performance.now() - t);
    }
    const writesOrg = BENCH_EMPTY_ORG;
    const singles: number[] = [];
    const singlesServer: number[] = [];
    for (const email of addresses(200, "single")) {
      const r = await post(`/v1/organizations/${writesOrg}/invitations`, {
        email_address: email,
        role: "basic_member",
      });
      singles.push(r.ms);
      singlesServer.push(r.serverMs);
    }
    const bulkTimes: number[] = [];
    const bulkServer: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const org = await newOrg(`bulk-${r}`);
      const res = await post(`/v1/organizations/${org}/invitations/bulk`, {
        email_address: addresses(1000, `bulk${r}`),
        role: "basic_member",
        notify: false,
      });
      bulkTimes.push(res.ms);
      bulkServer.push(res.serverMs);
    }
    // Spread over four organizations so the per-organization creation limit is not what is measured.
    const singlesOrgs = await Promise.all([0, 1, 2, 3].map((i) => newOrg(`singles-${i}`)));
    const t0 = performance.now();
    for (const [i, email] of addresses(1000, "one-by-one").entries()) {
      await post(`/v1/organizations/${singlesOrgs[i % 4]}/invitations`, {
        email_address: email,
        role: "basic_member",
        notify: false,
      });
    }
    const thousandSinglesMs = performance.now() - t0;

    console.log("measuring email dispatch…");
    const dispatchOrg = await newOrg("dispatch");
    mock.reset();
    const sendStart = performance.now();
    await post(`/v1/organizations/${dispatchOrg}/invitations/bulk`, {
      email_address: addresses(1000, "mail"),
      role: "basic_member",
    });
    while (mock.count() < 1000 && performance.now() - sendStart < 120_000)
      await new Promise((r) => setTimeout(r, 20));
    const dispatchMs = performance.now() - sendStart;

    console.log("measuring growth…");
    // The sizes take turns, forwards then backwards, so the machine's drift over these minutes
    // does not pile onto whichever size is measured last.
    const growthRuns = new Map<string, { list: Sample[]; count: Sample[] }>(
      BENCH_ORGS.map((org) => [org.id, { list: [], count: [] }]),
    );
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? [...BENCH_ORGS] : [...BENCH_ORGS].reverse();
      for (const org of order) {
        const runs = growthRuns.get(org.id);
        runs?.list.push(
          await once(`/v1/organizations/${org.id}/invitations?initialPage=1&pageSize=20`),
        );
        runs?.count.push(await once(`/v1/organizations/${org.id}`));
      }
    }
    const growth = BENCH_ORGS.map((org) => {
      const runs = growthRuns.get(org.id) ?? { list: [], count: [] };
      const l = summary(runs.list);
      const c = summary(runs.count);
      return {
        invitations: org.size,
        list_p50_ms: l.p50_ms,
        list_rps: l.rps,
        count_p50_ms: c.p50_ms,
        count_rps: c.rps,
      };
    });

    const bulkMs = median(bulkTimes);
    const results = {
      measured_at: new Date().toISOString(),
      machine: {
        cores: (await import("node:os")).cpus().length,
        runs: RUNS,
        seconds_per_run: SECONDS,
        connections: CONNECTIONS,
      },
      baseline_healthz: baseline,
      list: lists,
      // Each run's ratio, for judging the spread behind the medians.
      list_ratio_runs: Object.fromEntries(
        Object.entries(measured.ratioRuns).map(([k, v]) => [
          k,
          (v as number[]).map((x) => round(x)),
        ]),
      ),
      page5000_p50_ratio_to_page1: round(
        lists.page5000.p50_ms / Math.max(lists.page1.p50_ms, 0.01),
      ),
      healthz_sequential: {
        p50_ms: round(percentile(idle, 50)),
        p99_ms: round(percentile(idle, 99)),
      },
      create_single: {
        p50_ms: round(percentile(singles, 50)),
        p99_ms: round(percentile(singles, 99)),
        server_p50_ms: round(percentile(singlesServer, 50)),
        server_p99_ms: round(percentile(singlesServer, 99)),
        samples: singles.length,
      },
      bulk_1000: {
        median_ms: round(bulkMs),
        server_median_ms: round(median(bulkServer)),
        runs_ms: bulkTimes.map((x) => round(x)),
      },
      singles_1000_ms: round(thousandSinglesMs),
      bulk_speedup_vs_singles: round(thousandSinglesMs / bulkMs, 1),
      email_dispatch: {
        emails: mock.count(),
        seconds: round(dispatchMs / 1000),
        emails_per_second: round((mock.count() / dispatchMs) * 1000),
      },
      bundle: { raw_kib: bundle.raw_kib, gzip_kib: bundle.gzip_kib },
      growth,
    };
    writeFileSync("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
  } finally {
    stopWorker(worker);
    mock.server.close();
  }
}

function bundleSize() {
  const out = "dist/bench-bundle";
  rmSync(out, { recursive: true, force: true });
  wrangler(["deploy", "--dry-run", "--outdir", out]);
  const file = readdirSync(out).find((f) => f.endsWith(".js"));
  if (!file) throw new Error("no bundle written");
  const bytes = statSync(`${out}/${file}`).size;
  const gzip = gzipSync(readFileSync(`${out}/${file}`)).length;
  return {
    file: `${out}/${file}`,
    raw_kib: round(bytes / 1024, 1),
    gzip_kib: round(gzip / 1024, 1),
  };
}

type Load = { rps: number; p50_ms: number; p99_ms: number };
interface Results {
  baseline_healthz: Load;
  list: Record<string, Load & { rps_ratio_to_healthz: number }>;
  page5000_p50_ratio_to_page1: number;
  healthz_sequential: { p50_ms: number; p99_ms: number };
  create_single: { p50_ms: number; p99_ms: number; server_p50_ms: number; server_p99_ms: number };
  bulk_1000: { median_ms: number; server_median_ms: number };
  singles_1000_ms: number;
  bulk_speedup_vs_singles: number;
  email_dispatch: { emails: number; seconds: number; emails_per_second: number };
  bundle: { raw_kib: number; gzip_kib: number };
  growth: { invitations: number; list_p50_ms: number; count_p50_ms: number }[];
}

function printTable(r: Results) {
  const rows: [string, string, string][] = [
    [
      "GET /healthz (baseline)",
      `${r.baseline_healthz.rps} req/s`,
      `p50 ${r.baseline_healthz.p50_ms} ms, p99 ${r.baseline_healthz.p99_ms} ms`,
    ],
  ];
  for (const [k, v] of Object.entries(r.list)) {
    rows.push([
      `list ${k} (100k org)`,
      `${v.rps} req/s (${v.rps_ratio_to_healthz}× healthz)`,
      `p50 ${v.p50_ms} ms, p99 ${v.p99_ms} ms`,
    ]);
  }
  rows.push(["page 5000 p50 / page 1 p50", `${r.page5000_p50_ratio_to_page1}×`, "target ≤ 2×"]);
  rows.push([
    "GET /healthz, one at a time",
    `p50 ${r.healthz_sequential.p50_ms} ms`,
    `p99 ${r.healthz_sequential.p99_ms} ms`,
  ]);
  rows.push([
    "create one invitation (round trip)",
    `p50 ${r.create_single.p50_ms} ms`,
    `p99 ${r.create_single.p99_ms} ms`,
  ]);
  rows.push([
    "create one invitation (server time)",
    `p50 ${r.create_single.server_p50_ms} ms`,
    `p99 ${r.create_single.server_p99_ms} ms`,
  ]);
  rows.push([
    "bulk of 1,000",
    `${r.bulk_1000.median_ms} ms (server ${r.bulk_1000.server_median_ms} ms)`,
    `1,000 singles: ${r.singles_1000_ms} ms (${r.bulk_speedup_vs_singles}× faster)`,
  ]);
  rows.push([
    "email dispatch",
    `${r.email_dispatch.emails_per_second} emails/s`,
    `${r.email_dispatch.emails} emails in ${r.email_dispatch.seconds} s`,
  ]);
  rows.push(["worker bundle", `${r.bundle.gzip_kib} KiB gzipped`, `${r.bundle.raw_kib} KiB raw`]);
  for (const g of r.growth) {
    rows.push([
      `growth: ${g.invitations} invitations`,
      `list p50 ${g.list_p50_ms} ms`,
      `count p50 ${g.count_p50_ms} ms`,
    ]);
  }
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i as 0 | 1 | 2].length)));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(w[i] ?? 0)).join("  "));
}

await main();
