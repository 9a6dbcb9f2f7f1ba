import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Test } from "tap";
import { buildApp } from "../src/app.ts";
import { openDatabase, type Database } from "../src/db/database.ts";

/**
 * Test databases. With TEST_DATABASE_URL (CI: the real PostgreSQL server) each test file gets a database of its
 * own, created here and dropped when the file ends; without it, an in-memory embedded PGlite. Either way the
 * committed migrations are applied first, exactly as at start-up.
 */

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
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

/** The app over a test database (one per file), closed at the end of `t`. */
export async function testApp(t: Test, database?: Database) {
  const db = database ?? (await testDatabase(t));
  const app = await buildApp({ database: db });
  t.teardown(() => app.close());
  await app.ready();
  return { app, db };
}

/** Empties every table the API writes, between tests that need a clean slate. */
export async function resetDatabase(db: Database) {
  await db.prisma.$executeRawUnsafe(
    `TRUNCATE media_publications, activity_media_partners, media_partners, grant_application_status_changes,
       grant_application_partners, grant_applications, meeting_participants, meetings, activities,
       cluster_memberships, organizations, clusters, coordinators, idempotency_keys CASCADE`,
  );
}

export type TestApp = Awaited<ReturnType<typeof testApp>>["app"];
