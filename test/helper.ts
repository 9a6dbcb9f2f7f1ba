import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Test } from "tap";
import type { FastifyInstance, InjectOptions } from "fastify";
import { buildApp } from "../src/app.ts";
import { openDatabase, type Database } from "../src/db/database.ts";
import type { Role } from "../src/lib/request-context.ts";
import { createApiKey } from "../src/modules/api-keys/api-keys-service.ts";

/**
 * Test databases. With TEST_DATABASE_URL (CI: the real PostgreSQL server) each test file gets a database of its
 * own, created here and dropped when the file ends; without it, an in-memory embedded PGlite. Either way the
 * committed migrations are applied first, exactly as at start-up.
 */

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A migrated, empty database for one test file; closed (and dropped) at the end of `t`. */
export async function testDatabase(t: Test): Promise<Database> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    const { url, drop } = await createPostgresDatabase(adminUrl);
    const database = await openDatabase({ kind: "postgres", url, poolSize: 5 });
    await database.migrate();
    t.teardown(async () => {
      await database.close();
      await drop();
    });
    return database;
  }
  const database = await openDatabase({ kind: "pglite", dataDir: "memory://" });
  await database.migrate();
  t.teardown(() => database.close());
  return database;
}

/** A new API key with `role` in the test database: the key to send, and its record. */
export async function createTestKey(db: Database, role: Role, options: { name?: string; expiresAt?: Date | string | null } = {}) {
  const { record, key } = await createApiKey(db.prisma, { name: options.name ?? `test ${role} key`, role, expiresAt: options.expiresAt });
  return { key, record, id: record.id, headers: bearer(key) };
}

export const createReaderKey = (db: Database) => createTestKey(db, "reader");
export const createEditorKey = (db: Database) => createTestKey(db, "editor");
export const createAdminKey = (db: Database) => createTestKey(db, "admin");

/** `{ authorization: "Bearer <key>" }`, to pass as (part of) an inject's headers. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/**
 * Makes every `app.inject({...})` send `Authorization: Bearer <key>`, unless the request names its own
 * `authorization` header (`authorization: undefined` sends none). The chained form `app.inject()` is left alone.
 */
export function injectWithKey(app: FastifyInstance, key: string): void {
  const inject = app.inject.bind(app) as (options?: InjectOptions | string, callback?: unknown) => unknown;
  app.inject = ((options?: InjectOptions | string, callback?: unknown) => {
    if (options === undefined) return inject();
    const request: InjectOptions = typeof options === "string" ? { url: options } : options;
    const headers: Record<string, unknown> = { ...(request.headers as Record<string, unknown> | undefined) };
    const named = Object.keys(headers).find((name) => name.toLowerCase() === "authorization");
    if (named === undefined) headers.authorization = `Bearer ${key}`;
    else if (headers[named] === undefined) delete headers[named];
    return inject({ ...request, headers: headers as InjectOptions["headers"] }, callback);
  }) as FastifyInstance["inject"];
}

/** The app's defaults, but rate limits no test reaches (test/plugins/rate-limit.test.ts passes small ones). */
export const TEST_CONFIG = {
  bodyLimit: 1_048_576,
  trustProxy: false,
  logLevel: "info",
  rateLimit: { enabled: true, max: 1_000_000, anonymousMax: 1_000_000, windowSeconds: 60 },
};

/**
 * The app over a test database (one per file), closed at the end of `t`. Every `app.inject` carries an admin key
 * (`adminKey`) unless the test sends its own `authorization` header; see `injectWithKey`.
 */
export async function testApp(t: Test, database?: Database) {
  const db = database ?? (await testDatabase(t));
  const app = await buildApp({ database: db, config: TEST_CONFIG });
  t.teardown(() => app.close());
  await app.ready();
  const adminKey = await createAdminKey(db);
  injectWithKey(app, adminKey.key);
  return { app, db, adminKey };
}

/** Empties every table the API writes, between tests that need a clean slate (API keys stay: testApp's key must keep working). */
export async function resetDatabase(db: Database) {
  await db.prisma.$executeRawUnsafe(
    `TRUNCATE media_publications, activity_media_partners, media_partners, grant_application_status_changes,
       grant_application_partners, grant_applications, meeting_participants, meetings, activities,
       cluster_memberships, organizations, calendar_feeds, clusters, coordinators, idempotency_keys, webhook_subscriptions CASCADE`,
  );
}

export type TestApp = Awaited<ReturnType<typeof testApp>>["app"];

/**
 * Waits (at most `timeoutMs`) until the change feed hands out every event this database holds. The feed holds an
 * event back while any older transaction on the PostgreSQL server is in flight, in any database (README, "The change
 * feed"), and other test files' databases share the server: one holding a write open for its own test (a lock, a
 * killed process) holds our feed back for that moment too. Call it before reading the feed right after writing.
 */
export async function feedSettled(db: Database, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.prisma.$queryRawUnsafe<Array<{ settled: boolean }>>(
      "SELECT coalesce(max(feed_xid), 0) < pg_snapshot_xmin(pg_current_snapshot())::text::numeric AS settled FROM audit_events",
    );
    if (row?.settled || Date.now() > until) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
