// Issue 9, defect 6 and deliverable 4: after a crash, the Idempotency-Key of a request in flight is never stuck.
// A retry runs once (the write never committed) or replays the committed answer (rebuilt if it was lost with the
// process); never twice. The first test kills a real server process (kill -9) holding a claim mid-write.
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { openDatabase } from "../../src/db/database.ts";
import { withRequestHooks } from "../../src/db/transactions.ts";
import type { Tx } from "../../src/lib/records.ts";
import { TEST_CONFIG, createAdminKey, createPostgresDatabase, injectWithKey, testApp, usingPostgres, type TestApp } from "../helper.ts";
import { sleep } from "../expect.ts";

const root = path.resolve(import.meta.dirname, "../..");
const LEASE_MS = 1000;

const coordinator = (name: string) => ({ name, legalForm: "limited_liability_company", address: { city: "Gdańsk", postalCode: "80-309" } });

/** POSTs until the answer is not a 409 "still in progress", honouring Retry-After, as a well-behaved client does. */
async function retryUntilAnswered(app: TestApp, url: string, key: string, payload: object) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await app.inject({ method: "POST", url, headers: { "idempotency-key": key }, payload });
    if (res.statusCode !== 409 || res.json().code !== "idempotency_key_in_use") return res;
    await sleep(Number(res.headers["retry-after"] ?? 1) * 1000);
  }
  throw new Error(`the key ${key} stayed in use`);
}

t.test("kill -9 of a server holding a claim mid-write: the retry runs once", { skip: usingPostgres ? false : "a second process cannot share an embedded PGlite database" }, async (t) => {
  t.setTimeout(120_000);
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  t.teardown(drop);
  const database = await openDatabase({ kind: "postgres", url, poolSize: 5 });
  t.teardown(() => database.close());
  await database.migrate();
  const adminKey = await createAdminKey(database);

  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PORT: "0", HOST: "127.0.0.1", SEED_DEMO_DATA: "false", LOG_LEVEL: "silent", IDEMPOTENCY_LEASE_MS: String(LEASE_MS) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  t.teardown(() => void child.kill("SIGKILL"));
  let stdout = "";
  child.stdout!.setEncoding("utf8");
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      const match = /API docs: http:\/\/127\.0\.0\.1:(\d+)\/docs/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });

  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  // Every write ends with its audit event (src/lib/audit.ts): a table lock that refuses inserts holds it there.
  await holder.query("BEGIN");
  await holder.query("LOCK TABLE audit_events IN SHARE MODE");

  // The child claims the key and blocks in its write transaction, on the lock.
  const key = "crash-mid-write";
  const body = JSON.stringify(coordinator("Po awarii Sp. z o.o."));
  const request = http.request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/v1/coordinators",
    headers: { authorization: `Bearer ${adminKey.key}`, "content-type": "application/json", "idempotency-key": key, "content-length": Buffer.byteLength(body) },
  });
  request.on("error", () => undefined); // the process is about to die under it
  request.end(body);
  for (let i = 0; ; i++) {
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [new URL(url).pathname.slice(1)]);
    if (rows[0].n > 0) break;
    if (i > 400) throw new Error("the child never reached its write");
    await sleep(25);
  }
  const { rows: claimed } = await admin.query("SELECT owner, response_status, committed_at FROM idempotency_keys WHERE key = $1", [key]);
  t.equal(claimed.length, 1, "the key is claimed");
  t.equal(claimed[0].response_status, null, "and unanswered");

  child.kill("SIGKILL");
  await exited;
  await holder.query("ROLLBACK");
  await holder.end();

  const app = await buildApp({ database, config: { ...TEST_CONFIG, idempotencyLeaseMs: LEASE_MS } });
  t.teardown(() => app.close());
  injectWithKey(app, adminKey.key);
  const retried = await retryUntilAnswered(app, "/v1/coordinators", key, coordinator("Po awarii Sp. z o.o."));
  t.equal(retried.statusCode, 201, retried.body);
  t.equal(retried.headers["idempotent-replayed"], undefined, "it ran (the dead write never committed)");
  t.equal(await database.prisma.coordinator.count({ where: { name: "Po awarii Sp. z o.o." } }), 1, "one record");
  const replay = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": key }, payload: coordinator("Po awarii Sp. z o.o.") });
  t.equal(replay.headers["idempotent-replayed"], "true");
  t.equal(replay.body, retried.body);
});

t.test("claims after a crash, in process", async (t) => {
  const { db } = await testApp(t);
  const leased = await buildApp({ database: db, config: { ...TEST_CONFIG, idempotencyLeaseMs: LEASE_MS } });
  t.teardown(() => leased.close());
  const leasedKey = await createAdminKey(db);
  injectWithKey(leased, leasedKey.key);

  t.test("a write committed whose answer was lost: the retry replays it, rebuilt from the record, and never writes again", async (t) => {
    const first = await leased.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "lost-answer" }, payload: coordinator("Zgubiona odpowiedź Sp. z o.o.") });
    t.equal(first.statusCode, 201);
    // What a kill -9 between the commit and the storing of the answer leaves behind.
    await db.prisma.idempotencyKey.updateMany({
      where: { key: "lost-answer" },
      data: { responseStatus: null, responseBody: null, responseHeaders: undefined, leaseUntil: new Date(Date.now() - 1) },
    });
    const row = await db.prisma.idempotencyKey.findFirst({ where: { key: "lost-answer" } });
    t.ok(row?.committedAt, "the claim was committed with the write");
    t.equal(row?.resultId, first.json().id, "with the id of the record it wrote");

    const retry = await leased.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "lost-answer" }, payload: coordinator("Zgubiona odpowiedź Sp. z o.o.") });
    t.equal(retry.statusCode, 201);
    t.equal(retry.headers["idempotent-replayed"], "true");
    t.equal(retry.headers.location, first.headers.location);
    t.equal(retry.headers.etag, first.headers.etag);
    t.same(retry.json(), first.json());
    t.equal(await db.prisma.coordinator.count({ where: { name: "Zgubiona odpowiedź Sp. z o.o." } }), 1, "never twice");
    const again = await leased.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "lost-answer" }, payload: coordinator("Zgubiona odpowiedź Sp. z o.o.") });
    t.equal(again.body, retry.body, "the rebuilt answer is stored: later replays are the same");
  });

  t.test("an unfinished claim whose lease lapsed (also one left before leases existed) is taken over", async (t) => {
    // Keys are scoped to the API key that sent them: the stuck row is this client's.
    await db.prisma.idempotencyKey.create({
      data: { scope: leasedKey.id, key: "stuck-since-yesterday", method: "POST", path: "/v1/coordinators", requestHash: "", expiresAt: new Date(Date.now() + 3_600_000) },
    });
    // The stored fingerprint must match the retry's: take it from a real claim of the same request.
    const other = await leased.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "fingerprint" }, payload: coordinator("Zablokowany Sp. z o.o.") });
    t.equal(other.statusCode, 201);
    const fingerprint = (await db.prisma.idempotencyKey.findFirst({ where: { key: "fingerprint" } }))!.requestHash;
    await db.prisma.idempotencyKey.updateMany({ where: { key: "stuck-since-yesterday" }, data: { requestHash: fingerprint } });

    const retry = await leased.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "stuck-since-yesterday" }, payload: coordinator("Zablokowany Sp. z o.o.") });
    t.equal(retry.statusCode, 201, "runs at once: no lease, no commit, so its first attempt died");
    t.equal(retry.headers["idempotent-replayed"], undefined);
  });

  t.test("a request whose claim was taken over (it stalled past its lease) cannot write", async (t) => {
    let resume: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => (resume = resolve));
    const stalling = await buildApp({ database: db, config: { ...TEST_CONFIG, idempotencyLeaseMs: LEASE_MS } });
    t.teardown(() => stalling.close());
    // A write on behalf of a request runs its transaction hooks (the claim's fence), as every service's does.
    stalling.post("/test-only/stalled-create", async (request, reply) => {
      await stalled;
      const create = (tx: Tx) => tx.coordinator.create({ data: { name: "Zapóźniony Sp. z o.o.", searchText: "zapozniony" } });
      const row = await db.prisma.$transaction(withRequestHooks(request.context, create));
      return reply.code(201).send({ id: row.id });
    });
    await stalling.ready();
    const pending = stalling.inject({ method: "POST", url: "/test-only/stalled-create", headers: { "idempotency-key": "stalled" }, payload: { a: 1 } });
    for (let i = 0; !(await db.prisma.idempotencyKey.count({ where: { key: "stalled" } })); i++) {
      if (i > 200) throw new Error("never claimed");
      await sleep(10);
    }
    // Another process took the claim over: what a retry does once the lease has lapsed.
    await db.prisma.idempotencyKey.updateMany({ where: { key: "stalled" }, data: { owner: "another-process" } });
    resume();
    const res = await pending;
    t.equal(res.statusCode, 409, res.body);
    t.equal(res.json().code, "idempotency_key_in_use");
    t.equal(await db.prisma.coordinator.count({ where: { name: "Zapóźniony Sp. z o.o." } }), 0, "its write rolled back");
  });
});
