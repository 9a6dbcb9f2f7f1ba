// Issue 9, defects 4–5 and deliverable 2, against a real PostgreSQL server: a backend terminated mid-request, a pool
// of one connection held by a request waiting on a lock, a statement cancelled by statement_timeout, and a deadlock.
// Each is a 503 database_unavailable with Retry-After (never a 500), nothing is written, and an Idempotency-Key
// used meanwhile is free again. PGlite has no server, no pool and no statement_timeout: skipped there.
import pg from "pg";
import t from "tap";
import type { Test } from "tap";
import { buildApp } from "../../src/app.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { TEST_CONFIG, createAdminKey, createPostgresDatabase, injectWithKey, usingPostgres } from "../helper.ts";
import { expectProblem, sleep } from "../expect.ts";


const skip = usingPostgres ? false : "needs a real PostgreSQL server (pg_terminate_backend, a connection pool, statement_timeout)";

const coordinator = (name: string) => ({ name, legalForm: "limited_liability_company", address: { city: "Gdańsk", postalCode: "80-309" } });

type DatabaseSettings = { poolSize?: number; statementTimeoutMs?: number; poolTimeoutMs?: number };

/** An app over its own pool of the database at `url`, with the given database settings. */
async function appOver(t: Test, url: string, settings: DatabaseSettings = {}) {
  const database: Database = await openDatabase({ kind: "postgres", url, poolSize: settings.poolSize ?? 5, ...settings });
  t.teardown(() => database.close());
  await database.migrate();
  const app = await buildApp({ database, config: TEST_CONFIG });
  t.teardown(() => app.close());
  const key = await createAdminKey(database);
  injectWithKey(app, key.key);
  return { app, database };
}

t.test("database faults against PostgreSQL", { skip }, async (t) => {
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  t.teardown(drop);
  const databaseName = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());

  const appWith = (t: Test, settings: DatabaseSettings = {}) => appOver(t, url, settings);

  /**
   * A session that holds every write at its last step until `release()`: each write ends with its audit event
   * (src/lib/audit.ts), and a table lock that refuses inserts makes it wait there.
   */
  const holdWriteLock = async () => {
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE audit_events IN SHARE MODE");
    return async () => {
      await holder.query("ROLLBACK");
      await holder.end();
    };
  };

  /** Waits until `count` backends of this database wait on a lock; returns their pids. */
  const waitingBackends = async (count = 1) => {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        [databaseName],
      );
      if (rows.length >= count) return rows.map((row) => row.pid);
      await sleep(25);
    }
    throw new Error("no backend started waiting on the lock");
  };

  const coordinatorCount = async () => Number((await admin.query("SELECT count(*) AS n FROM coordinators")).rows[0].n);

  t.test("a backend terminated while the request waits (pg_terminate_backend, 57P01) is a 503, and the key is free", async (t) => {
    const { app } = await appWith(t);
    const release = await holdWriteLock();
    const pending = app.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "terminated-1" }, payload: coordinator("Przerwany Sp. z o.o.") });
    const [pid] = await waitingBackends();
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    const res = await pending;
    expectProblem(t, res, 503, "database_unavailable");
    t.match(res.headers["retry-after"], /^\d+$/);
    t.notOk(res.headers.location, "no Location");
    await release();
    t.equal(await coordinatorCount(), 0, "nothing was written");
    const retry = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "terminated-1" }, payload: coordinator("Przerwany Sp. z o.o.") });
    t.equal(retry.statusCode, 201, "the retry with the same key runs");
    t.equal(await coordinatorCount(), 1);
    const next = await app.inject({ url: "/v1/coordinators" });
    t.equal(next.statusCode, 200, "the pool replaced the dead connection");
  });

  t.test("a full pool (one connection, held by a request waiting on a lock) is a 503 after the pool timeout, not a queue", async (t) => {
    const { app } = await appWith(t, { poolSize: 1, poolTimeoutMs: 300, statementTimeoutMs: 4000 });
    await admin.query("TRUNCATE coordinators CASCADE");
    const release = await holdWriteLock();
    const holding = app.inject({ method: "POST", url: "/v1/coordinators", payload: coordinator("Czekający Sp. z o.o.") });
    await waitingBackends();
    const read = await app.inject({ url: "/v1/coordinators" });
    expectProblem(t, read, 503, "database_unavailable");
    t.match(read.headers["retry-after"], /^\d+$/);
    const write = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "pool-1" }, payload: coordinator("Drugi Sp. z o.o.") });
    expectProblem(t, write, 503, "database_unavailable");
    await release();
    t.equal((await holding).statusCode, 201, "the request that held the connection finishes once the lock is free");
    const retry = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "pool-1" }, payload: coordinator("Drugi Sp. z o.o.") });
    t.equal(retry.statusCode, 201, "the key of the refused request is free");
  });

  t.test("a statement past statement_timeout (57014) is a 503 and rolls back", async (t) => {
    const { app } = await appWith(t, { statementTimeoutMs: 400 });
    await admin.query("TRUNCATE coordinators CASCADE");
    const release = await holdWriteLock();
    try {
      const res = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "slow-1" }, payload: coordinator("Powolny Sp. z o.o.") });
      expectProblem(t, res, 503, "database_unavailable");
      t.match(res.headers["retry-after"], /^\d+$/);
      t.equal(await coordinatorCount(), 0, "the transaction rolled back");
      const { rows } = await admin.query("SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'slow-1'");
      t.equal(rows[0].n, 0, "the key was released");
    } finally {
      await release();
    }
  });

  t.test("a deadlock victim is retried and succeeds; the fault reaches nobody", async (t) => {
    const { database } = await appWith(t);
    let attempts = 0;
    let arrived = 0;
    const bothHoldTheirFirstLock = new Promise<void>((resolve) => {
      const check = setInterval(() => arrived >= 2 && (clearInterval(check), resolve()), 5);
    });
    const crossing = (first: number, second: number) =>
      database.prisma.$transaction(async (tx) => {
        attempts++;
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${first}::bigint)`;
        if (++arrived <= 2) await bothHoldTheirFirstLock; // only the first attempts meet, so that they deadlock
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${second}::bigint)`;
        return "done";
      });
    t.same(await Promise.all([crossing(101, 102), crossing(102, 101)]), ["done", "done"]);
    t.equal(attempts, 3, "one of the two ran twice");
  });
});

t.test("a frozen database server (its backend stopped with SIGSTOP) is a 503 soon after the statement timeout", { skip: skip || (process.getuid?.() === 0 ? false : "needs root to stop a PostgreSQL backend") }, async (t) => {
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  t.teardown(drop);
  const { app, database } = await appOver(t, url, { poolSize: 1, statementTimeoutMs: 300, poolTimeoutMs: 300 });
  t.equal((await app.inject({ url: "/v1/coordinators" })).statusCode, 200, "the pool's one connection is open");
  const [backend] = await database.prisma.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
  process.kill(backend!.pid, "SIGSTOP");
  try {
    const res = await app.inject({ url: "/v1/coordinators" });
    expectProblem(t, res, 503, "database_unavailable");
    t.match(res.headers["retry-after"], /^\d+$/);
  } finally {
    process.kill(backend!.pid, "SIGCONT");
  }
});
