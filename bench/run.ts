// npm run bench [-- --rows 1000000 --duration 10 --rounds 3 --connections 4 --only get,create --reload]
// The service and a bare Fastify + pg floor side by side on one PostgreSQL database: server CPU µs per request (the
// figure that stays stable on a busy machine), req/s, p95 and p99 for each scenario, and the ratio to the floor.
// Not a test: CI does not run it. See "Benchmark" in the README.
import { spawn, execSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { openDatabase } from "../src/db/database.ts";
import { createApiKey } from "../src/modules/api-keys/api-keys-service.ts";
import { loadDraftApplications, loadRecords } from "./data.ts";
import { SCENARIOS, type Side } from "./scenarios.ts";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "10000" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "4" },
    only: { type: "string" },
    reload: { type: "boolean", default: false },
  },
});
const rows = Number(args.rows);
const duration = Number(args.duration);
const rounds = Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of 1 or more, not "${args.rounds}"`);
const connections = Number(args.connections);
const log = (line: string) => process.stderr.write(`${line}\n`);
const root = path.resolve(import.meta.dirname, "..");

// The bench database: BENCH_DATABASE_URL, or "bench" on the local server (created when missing).
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/bench";
if (!process.env.BENCH_DATABASE_URL) {
  const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/bench$/, "/postgres") });
  await admin.connect();
  const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'bench'");
  if (rowCount === 0) await admin.query("CREATE DATABASE bench");
  await admin.end();
}
const database = await openDatabase({ kind: "postgres", url: databaseUrl, poolSize: 2 });
await database.migrate();
const { key } = await createApiKey(database.prisma, { name: `bench ${new Date().toISOString()}`, role: "admin" });
await database.close();

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
// The rows are loaded once per size (the table's comment says which), and again with --reload.
const marker = `bench rows=${rows}`;
const { rows: comment } = await client.query<{ c: string | null }>("SELECT obj_description('coordinators'::regclass) AS c");
if (args.reload || comment[0]?.c !== marker) {
  log(`loading ${rows} rows…`);
  await loadRecords(client, rows, log);
  await client.query(`COMMENT ON TABLE coordinators IS '${marker}'`);
}

// Ids for the scenarios: a sample to read, disjoint pools to update, drafts to move on.
const { rows: sample } = await client.query<{ id: string }>("SELECT id FROM coordinators ORDER BY random() LIMIT 6000");
const ids = sample.map((row) => row.id);
const versions = async (pool: string[]) => {
  const { rows: found } = await client.query<{ id: string; version: number }>("SELECT id, version FROM coordinators WHERE id = ANY($1::uuid[])", [pool]);
  return new Map(found.map((row) => [row.id, row.version]));
};
// Enough for both sides at 5,000 moves a second through the warm-up and every round: at 2,000 a second, the floor ran
// out on a faster machine and its last rounds were 409s.
const drafts = async () => loadDraftApplications(client, (rounds * duration + 1) * 5_000 * 2);
// A page 1,000 pages deep (at 25 a page), or half-way down a smaller table.
const depth = Math.min(1_000, Math.floor(rows / 25 / 2 / 4) * 4);
const { rows: deep } = await client.query<{ name: string; id: string }>("SELECT name, id FROM coordinators ORDER BY name, id OFFSET $1 LIMIT 1", [depth * 25 - 1]);

/** A free TCP port on the loopback interface. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

async function start(script: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", ...(process.env.BENCH_NODE_OPTIONS?.split(" ").filter(Boolean) ?? []), script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), DATABASE_URL: databaseUrl },
    stdio: ["ignore", "ignore", "inherit"],
  });
  process.on("exit", () => child.kill("SIGKILL")); // never leave a server behind, whatever went wrong
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return { url, child };
    } catch {
      if (attempt > 600) throw new Error(`${script} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const ticksPerSecond = Number(execSync("getconf CLK_TCK").toString().trim()) || 100;
/** CPU time (user + system, µs) a process has used so far, from /proc/<pid>/stat. */
function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / ticksPerSecond;
}

const service = await start("src/server.ts", {
  LOG_LEVEL: "warn",
  MIGRATE_ON_START: "false",
  RATE_LIMIT_MAX: "1000000",
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: "0",
  LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: "0",
  LOAD_SHED_MAX_POOL_WAITERS: "0",
});
const floor = await start("bench/floor.ts", {});
const sides: Side[] = [
  { name: "floor", ...floor, headers: { "content-type": "application/json" }, ids: ids.slice(0, 3000), deepCursor: "" },
  { name: "service", ...service, headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, ids: ids.slice(3000), deepCursor: "" },
];
sides[0]!.deepCursor = Buffer.from(JSON.stringify([deep[0]!.name, deep[0]!.id])).toString("base64url");
// The service's cursor is found the way a client finds it: by following `nextCursor` (100 rows a page).
const only = args.only?.split(",");
for (let page = 0, cursor = ""; page < depth / 4 && (!only || only.includes("deep")); page++) {
  const response = await fetch(`${service.url}/v1/coordinators?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { headers: sides[1]!.headers });
  cursor = ((await response.json()) as { nextCursor: string }).nextCursor;
  sides[1]!.deepCursor = cursor;
}

type Measure = { cpu: number; rps: number; p95: number; p99: number; errors: number };
async function measure(side: Side, options: { connections: number; requests: autocannon.Request[] }, seconds: number): Promise<Measure> {
  const before = cpuMicros(side.child.pid!);
  // Every response's time, for p95: autocannon's summary has p90 and p97.5 but not p95, which the issue's target names.
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon({ ...options, url: side.url, duration: seconds }, (error, done) => (error ? reject(error) : resolve(done)));
    run.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => times.push(ms));
  });
  const used = cpuMicros(side.child.pid!) - before;
  const done = result["2xx"] + result.non2xx;
  times.sort((a, b) => a - b);
  // Both from the same times, to a tenth of a millisecond (autocannon's own p99 is whole milliseconds, 0 below one).
  const percentile = (p: number) => (times.length === 0 ? 0 : Math.round(times[Math.ceil(times.length * p) - 1]! * 10) / 10);
  return { cpu: used / Math.max(1, done), rps: result.requests.average, p95: percentile(0.95), p99: percentile(0.99), errors: result.non2xx + result.errors + result.timeouts };
}

// Each scenario runs `rounds` times, the floor then the service each time, and the table shows the round with the
// median ratio (the range of all rounds' ratios beside it): on a shared machine one side's measurement can land on a
// busy moment (autovacuum, another process), which moves one round's ratio by 20 % or more but not the median.
const table: string[][] = [];
const median = <T>(items: T[], by: (item: T) => number) => [...items].sort((a, b) => by(a) - by(b))[Math.floor((items.length - 1) / 2)]!;
for (const scenario of SCENARIOS) {
  if (only && !only.includes(scenario.id)) continue;
  const context = { depth, versions: await versions(ids), drafts: scenario.id === "transition" ? await drafts() : [] };
  const runs = sides.map((side, index) => {
    const options = scenario.options(side, { ...context, drafts: context.drafts.filter((_, i) => i % 2 === index) });
    return { side, all: { connections: scenario.connections ?? connections, ...options } };
  });
  for (const { side, all } of runs) await measure(side, all, 1); // warm-up: JIT, pools, caches
  const results: Array<[Measure, Measure]> = [];
  for (let round = 0; round < rounds; round++) {
    const [bare, ours] = [await measure(runs[0]!.side, runs[0]!.all, duration), await measure(runs[1]!.side, runs[1]!.all, duration)];
    results.push([bare, ours]);
  }
  const ratioOf = ([bare, ours]: [Measure, Measure]) => ours.cpu / bare.cpu;
  const [bare, ours] = median(results, ratioOf);
  const ratios = results.map(ratioOf);
  const range = rounds > 1 ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : "";
  const line = [
    scenario.title(context),
    bare.cpu.toFixed(0),
    ours.cpu.toFixed(0),
    `${ratioOf([bare, ours]).toFixed(2)}×${range}`,
    bare.rps.toFixed(0),
    ours.rps.toFixed(0),
    `${bare.p95} / ${bare.p99}`,
    `${ours.p95} / ${ours.p99}`,
    `${bare.errors}/${ours.errors}`,
  ];
  log(line.join("  "));
  table.push(line);
}

const header = ["scenario", "floor µs/req", "service µs/req", "ratio", "floor req/s", "service req/s", "floor p95 / p99 ms", "service p95 / p99 ms", "non-2xx floor/service"];
const { rows: [version] } = await client.query<{ server_version: string }>("SHOW server_version");
process.stdout.write(
  `\n${rows} rows, ${connections} connections, ${duration} s a round, ${rounds} rounds a scenario (the median's figures), PostgreSQL ${version!.server_version}, Node ${process.version}, ` +
    `commit ${execSync("git rev-parse --short HEAD", { cwd: root }).toString().trim()}\n\n` +
    `| ${header.join(" | ")} |\n|${header.map(() => "---").join("|")}|\n${table.map((line) => `| ${line.join(" | ")} |`).join("\n")}\n`,
);
// Stopped gently and awaited, so that a server run with --cpu-prof writes its profile.
await Promise.all(
  sides.map(
    (side) =>
      new Promise((resolve) => {
        side.child.once("exit", resolve);
        side.child.kill("SIGINT");
        setTimeout(resolve, 15_000).unref();
      }),
  ),
);
await client.end();
