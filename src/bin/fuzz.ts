// The long fuzz run (issue 9): `npm run fuzz -- --requests 100000` sends requests generated from the committed
// openapi.yaml (valid and mutated) to every operation of a live server, over HTTP, and prints the answers counted
// by status, every 5xx and every answer the document does not describe. Exit code 1 if there was any.
//   --url http://host:port --key crk_…   a server that runs already (with an admin key)
//   (no --url)                           starts one here: embedded PGlite in memory (or DATABASE_URL), the demo data, a new admin key,
//                                        rate limits and load shedding off (they would answer for the fuzzer's pace)
//   --requests N (default 10000)  --concurrency N (default 4)  --seed N (to repeat a run)
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { parse } from "yaml";
import { buildApp } from "../app.ts";
import { openDatabase } from "../db/database.ts";
import { seedDemoData } from "../db/seed.ts";
import { answerProblem, fuzzOperations, type FuzzOperation, type OpenApiDocument } from "../fuzz/openapi-fuzz.ts";
import { createApiKey } from "../modules/api-keys/api-keys-service.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "4" },
    url: { type: "string" },
    key: { type: "string" },
    seed: { type: "string" },
  },
  strict: true,
});
const total = Number(values.requests);
const concurrency = Math.max(1, Number(values.concurrency));
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(total) || total < 1) throw new Error("--requests must be a whole number of at least 1");

const doc = parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../openapi.yaml"), "utf8")) as OpenApiDocument;

/** The server to fuzz: the one named, or one started here. */
async function target(): Promise<{ url: string; key: string; ids: string[]; stop: () => Promise<void> }> {
  if (values.url) {
    if (!values.key) throw new Error("--url needs --key (an admin API key of that server)");
    return { url: values.url.replace(/\/$/, ""), key: values.key, ids: [], stop: async () => undefined };
  }
  // DATABASE_URL: a PostgreSQL database to fill (faster: the database work runs outside this process).
  const databaseUrl = process.env.DATABASE_URL;
  const database = await openDatabase(databaseUrl ? { kind: "postgres", url: databaseUrl, poolSize: 10 } : { kind: "pglite", dataDir: "memory://" });
  await database.migrate();
  await seedDemoData(database.prisma);
  const { key, record } = await createApiKey(database.prisma, { name: "fuzz", role: "admin" });
  await createApiKey(database.prisma, { name: "fuzz target", role: "reader" });
  const app = await buildApp({
    database,
    closeDatabase: true,
    config: { bodyLimit: 1_048_576, trustProxy: false, logLevel: "silent", rateLimit: { enabled: false, max: 1, anonymousMax: 1, windowSeconds: 60 } },
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const rows = await database.prisma.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id FROM coordinators UNION ALL SELECT id FROM clusters UNION ALL SELECT id FROM organizations UNION ALL SELECT id FROM activities
     UNION ALL SELECT id FROM meetings UNION ALL SELECT id FROM grant_applications UNION ALL SELECT id FROM media_partners
     UNION ALL SELECT id FROM api_keys WHERE id <> $1`,
    record.id,
  );
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, key, ids: rows.map((row) => row.id), stop: () => app.close() };
}

const server = await target();
const operations = fuzzOperations(doc, { ids: server.ids, authorization: `Bearer ${server.key}` });
// One stream of (operation, request) pairs from the seed: operations in turn, requests drawn by fast-check.
const samples = fc.sample(fc.tuple(fc.nat(operations.length - 1), fc.nat()), { numRuns: total, seed });
const byStatus = new Map<number, number>();
const failures: string[] = [];
let sent = 0;
const started = Date.now();

async function send(operation: FuzzOperation, index: number) {
  const [request] = fc.sample(operation.request, { numRuns: 1, seed: seed + index });
  const { method, url, headers, body } = request!;
  let status: number;
  let text: string;
  let contentType: string | undefined;
  try {
    const res = await fetch(server.url + url, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : body });
    status = res.status;
    contentType = res.headers.get("content-type") ?? undefined;
    text = await res.text();
  } catch (error) {
    failures.push(`${method} ${url}: no answer (${(error as Error).message})`);
    return;
  }
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  const problem = answerProblem(operation.operation, { status, contentType, body: text });
  if (problem) failures.push(`${method} ${url} ${body ?? ""}\n  -> ${problem}`);
}

async function worker(offset: number) {
  for (let i = offset; i < samples.length; i += concurrency) {
    const [operationIndex] = samples[i]!;
    await send(operations[operationIndex]!, i);
    sent += 1;
    if (sent % 10_000 === 0) process.stdout.write(`${sent} requests, ${failures.length} failures, ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
}

process.stdout.write(`fuzzing ${server.url}: ${total} requests over ${operations.length} operations, seed ${seed}, concurrency ${concurrency}\n`);
await Promise.all(Array.from({ length: concurrency }, (_, offset) => worker(offset)));
await server.stop();

const fiveHundreds = [...byStatus].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
process.stdout.write(`\nby status: ${[...byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(", ")}\n`);
for (const failure of failures.slice(0, 20)) process.stdout.write(`${failure}\n`);
process.stdout.write(
  `${sent} requests in ${Math.round((Date.now() - started) / 1000)} s: ${fiveHundreds} 5xx, ${failures.length} answers the document does not describe or 5xx (seed ${seed})\n`,
);
process.exit(failures.length > 0 ? 1 : 0);
