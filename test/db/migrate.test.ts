// The migration runner against a fresh database: records each committed migration exactly as Prisma does,
// is a no-op the second time, and a failing migration leaves nothing of itself behind.
import { createHash } from "node:crypto";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import t from "tap";
import type { Test } from "tap";
import { openPglite } from "../../src/db/pglite.ts";
import { MigrationError, migrate, type MigrationFile, type SqlSession } from "../../src/db/migrate.ts";

const migrationsDir = path.resolve(import.meta.dirname, "../../prisma/migrations");

/** An empty database (no migrations at all) and a session on it, closed/dropped at the end of `t`. */
async function freshSession(t: Test): Promise<SqlSession> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const name = `test_migrate_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    t.teardown(async () => {
      await client.end();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    });
    return {
      exec: async (sql) => void (await client.query(sql)),
      query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    };
  }
  const pglite = await openPglite("memory://");
  t.teardown(() => pglite.close());
  return {
    exec: async (sql) => void (await pglite.exec(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
  };
}

type Row = {
  id: string;
  checksum: string;
  finished_at: Date | null;
  started_at: Date;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
};

const rowsOf = (session: SqlSession) =>
  session.query<Row>(
    `SELECT id, checksum, finished_at, started_at, migration_name, logs, rolled_back_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY migration_name`,
  );

const tableExists = async (session: SqlSession, table: string) =>
  (await session.query<{ name: string | null }>(`SELECT to_regclass($1)::text AS name`, [`public.${table}`]))[0]?.name != null;

const advisoryLocksHeld = async (session: SqlSession) =>
  (await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`))[0]?.n;

const fake = (name: string, sql: string): MigrationFile => ({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });

t.test("the committed migrations on a fresh database", async (t) => {
  const session = await freshSession(t);
  t.notOk(await tableExists(session, "coordinators"), "the database starts empty");

  // What is on disk, read independently of the runner.
  const folders = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  t.ok(folders.length >= 1, `${folders.length} migration folder(s)`);

  const result = await migrate(session);
  t.same(result, { applied: folders, checksumMismatches: [] }, "applies every folder, in order");

  const rows = await rowsOf(session);
  t.same(
    rows.map((row) => row.migration_name),
    folders,
    "one _prisma_migrations row per folder",
  );
  for (const folder of folders) {
    const row = rows.find((r) => r.migration_name === folder)!;
    const expected = createHash("sha256").update(fs.readFileSync(path.join(migrationsDir, folder, "migration.sql"))).digest("hex");
    t.equal(row.checksum, expected, `${folder}: checksum is the sha256 of migration.sql`);
    t.ok(row.finished_at instanceof Date, `${folder}: finished_at is set`);
    t.ok(row.finished_at!.getTime() >= row.started_at.getTime(), `${folder}: finished after it started`);
    t.equal(row.applied_steps_count, 1, `${folder}: applied_steps_count 1`);
    t.equal(row.rolled_back_at, null);
    t.equal(row.logs, null);
    t.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
  for (const table of ["coordinators", "clusters", "idempotency_keys"]) t.ok(await tableExists(session, table), `${table} exists`);
  t.equal(await advisoryLocksHeld(session), 0, "the advisory lock is released");

  const again = await migrate(session);
  t.same(again, { applied: [], checksumMismatches: [] }, "the second run applies nothing");
  t.same(await rowsOf(session), rows, "and records nothing");

  // A committed migration edited after it was applied is reported, not re-applied.
  const [firstFolder] = folders;
  const edited = folders.map((name) => {
    const sql = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
    return name === firstFolder ? fake(name, sql + "\n-- edited\n") : fake(name, sql);
  });
  t.same(await migrate(session, edited), { applied: [], checksumMismatches: [firstFolder] });
  t.same(await rowsOf(session), rows, "still nothing recorded");
});

t.test("a failing migration is rolled back whole and not recorded", async (t) => {
  const session = await freshSession(t);
  const good = fake("20990101000000_good", `CREATE TABLE "probe_good" ("id" INTEGER PRIMARY KEY);`);
  const broken = fake(
    "20990101000001_broken",
    `CREATE TABLE "probe_partial" ("id" INTEGER PRIMARY KEY);
     INSERT INTO "probe_good" ("id") VALUES (1);
     ALTER TABLE "probe_good" ADD COLUMN "note" TEXT;
     SELEC broken syntax here;
     CREATE TABLE "probe_after" ("id" INTEGER);`,
  );
  const never = fake("20990101000002_never", `CREATE TABLE "probe_never" ("id" INTEGER);`);

  const error = await migrate(session, [good, broken, never]).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof MigrationError, `throws MigrationError (got ${String(error)})`);
  t.match((error as Error).message, /20990101000001_broken/, "the message names the migration");
  t.match((error as Error).message, /syntax/, "and the reason");

  const rows = await rowsOf(session);
  t.same(
    rows.map((row) => row.migration_name),
    ["20990101000000_good"],
    "only the migration before it is recorded",
  );
  t.ok(await tableExists(session, "probe_good"), "the earlier migration stays applied");
  t.notOk(await tableExists(session, "probe_partial"), "the table created before the error does not exist");
  t.notOk(await tableExists(session, "probe_after"));
  t.notOk(await tableExists(session, "probe_never"), "later migrations do not run");
  t.same(await session.query(`SELECT * FROM "probe_good"`), [], "the row inserted before the error is gone");
  const columns = await session.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'probe_good' ORDER BY column_name`,
  );
  t.same(
    columns.map((c) => c.column_name),
    ["id"],
    "the column added before the error is gone",
  );
  t.equal(await advisoryLocksHeld(session), 0, "the advisory lock is released after the failure");

  // Fixed, the run picks up where it stopped.
  const fixed = fake("20990101000001_broken", `CREATE TABLE "probe_partial" ("id" INTEGER PRIMARY KEY);`);
  t.same(await migrate(session, [good, fixed, never]), { applied: ["20990101000001_broken", "20990101000002_never"], checksumMismatches: [] });
  t.same(
    (await rowsOf(session)).map((row) => [row.migration_name, row.checksum, row.applied_steps_count]),
    [
      ["20990101000000_good", good.checksum, 1],
      ["20990101000001_broken", fixed.checksum, 1],
      ["20990101000002_never", never.checksum, 1],
    ],
  );
});

t.test("an unresolved failed migration row stops the runner", async (t) => {
  const session = await freshSession(t);
  const first = fake("20990101000000_first", `CREATE TABLE "probe_first" ("id" INTEGER);`);
  await migrate(session, [first]);
  // What `prisma migrate deploy` leaves behind when a migration fails half-way outside a transaction.
  await session.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
    ["00000000-0000-4000-8000-000000000001", "0".repeat(64), "20990101000001_half"],
  );
  const second = fake("20990101000002_second", `CREATE TABLE "probe_second" ("id" INTEGER);`);
  await t.rejects(migrate(session, [first, second]), MigrationError);
  await t.rejects(migrate(session, [first, second]), { message: /20990101000001_half failed earlier/ });
  t.notOk(await tableExists(session, "probe_second"), "nothing more is applied");
  t.equal(await advisoryLocksHeld(session), 0);
});
