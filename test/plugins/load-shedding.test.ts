// Issue 9, deliverable 3: under overload the service answers 503 overloaded with Retry-After at once, instead of
// queueing requests for seconds; the liveness probe is never shed. Two signals: the event loop lagging behind, and
// requests piling up for a database connection (PostgreSQL only: PGlite has no pool).
import pg from "pg";
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { openDatabase } from "../../src/db/database.ts";
import { TEST_CONFIG, createAdminKey, createPostgresDatabase, injectWithKey, testDatabase, usingPostgres } from "../helper.ts";
import { expectProblem, sleep } from "../expect.ts";

/** Waits (letting the event loop run) until the app says it is, or is no longer, under pressure. */
async function untilPressure(app: { isUnderPressure(): boolean }, expected: boolean) {
  for (let i = 0; i < 500; i++) {
    if (app.isUnderPressure() === expected) return;
    await sleep(10);
  }
  throw new Error(`isUnderPressure() never became ${expected}`);
}

t.test("an event loop lagging past the bound sheds requests with a 503, but never the liveness probe", async (t) => {
  const database = await testDatabase(t);
  const app = await buildApp({
    database,
    config: { ...TEST_CONFIG, loadShedding: { maxEventLoopDelayMs: 50, maxEventLoopUtilization: 0, maxPoolWaiters: 0, retryAfterSeconds: 3, sampleIntervalMs: 100 } },
  });
  t.teardown(() => app.close());
  await app.ready();
  injectWithKey(app, (await createAdminKey(database)).key);
  await sleep(300); // the first two samples after start-up are not acted on
  await untilPressure(app, false); // starting up may have kept the event loop busy
  t.equal((await app.inject({ url: "/v1/coordinators" })).statusCode, 200, "served while the load is normal");

  // Saturated: the event loop is blocked for 150 ms out of every ~170, as under a flood of CPU-bound work, until the
  // requests below have been answered.
  const lagger = setInterval(() => {
    const until = Date.now() + 150;
    while (Date.now() < until) {
      // busy
    }
  }, 20);
  t.teardown(() => clearInterval(lagger));
  await untilPressure(app, true);
  const shed = await app.inject({ url: "/v1/coordinators" });
  const problem = expectProblem(t, shed, 503, "overloaded");
  t.equal(shed.headers["retry-after"], "3");
  t.ok(shed.headers["x-request-id"], "a request id");
  t.equal(problem.requestId, shed.headers["x-request-id"]);
  t.match(problem.detail, /overloaded/);
  t.equal((await app.inject({ url: "/health/live" })).statusCode, 200, "liveness is never shed");
  clearInterval(lagger);

  await untilPressure(app, false);
  t.equal((await app.inject({ url: "/v1/coordinators" })).statusCode, 200, "served again once the load falls back");
});

t.test("requests piling up for a database connection are shed", { skip: usingPostgres ? false : "PGlite has no connection pool" }, async (t) => {
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  t.teardown(drop);
  const database = await openDatabase({ kind: "postgres", url, poolSize: 1, poolTimeoutMs: 10_000, statementTimeoutMs: 15_000 });
  t.teardown(() => database.close());
  await database.migrate();
  const app = await buildApp({
    database,
    config: {
      ...TEST_CONFIG,
      timeouts: { requestMs: 30_000, connectionMs: 60_000, keepAliveMs: 60_000 },
      loadShedding: { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0, maxPoolWaiters: 2, retryAfterSeconds: 1, sampleIntervalMs: 50 },
    },
  });
  t.teardown(() => app.close());
  await app.ready();
  injectWithKey(app, (await createAdminKey(database)).key);

  // Three more clients, each with its own key, to queue for the connection (one after the other: Prisma batches the
  // key lookups of one tick into one query).
  const clients = await Promise.all([1, 2, 3].map(() => createAdminKey(database)));
  // The pool's one connection is held by a write waiting to insert its audit event (a table lock that refuses inserts);
  // the next requests queue for it.
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query("LOCK TABLE audit_events IN SHARE MODE");
  const holding = app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Czekający Sp. z o.o." } });
  for (let i = 0; ; i++) {
    await holder.query("SELECT pg_stat_clear_snapshot()"); // in a transaction, pg_stat_activity is read once otherwise
    const { rows } = await holder.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [new URL(url).pathname.slice(1)]);
    if (rows[0].n > 0) break;
    if (i > 400) throw new Error("the write never reached the lock");
    await sleep(25);
  }
  const queued = [holding];
  for (const client of clients) {
    queued.push(app.inject({ url: "/v1/coordinators", headers: client.headers }));
    await sleep(50);
  }
  await untilPressure(app, true);
  t.ok(database.poolWaiting() > 2, "requests wait for a connection");
  const shed = await app.inject({ url: "/v1/coordinators" });
  expectProblem(t, shed, 503, "overloaded");
  t.equal(shed.headers["retry-after"], "1");
  t.match(shed.json().detail, /waiting for a database connection/);

  await holder.query("ROLLBACK");
  await holder.end();
  const answers = await Promise.all(queued);
  t.same(answers.map((answer) => answer.statusCode), [201, 200, 200, 200], "the queued requests are served once the connection is free");
  await untilPressure(app, false);
  t.equal((await app.inject({ url: "/v1/coordinators" })).statusCode, 200);
});
