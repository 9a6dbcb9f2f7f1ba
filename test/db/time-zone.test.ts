// Instants are stored and read as they are, whatever the PostgreSQL server's TimeZone. Prisma's driver adapter writes
// an instant as UTC wall-clock text without an offset and reads one back as if at +00:00, so under another zone it
// stored them shifted by the zone's offset (and node-postgres then read them shifted), and could not read one from
// before the zone's first standard offset at all. Here the server's zone is Europe/Warsaw and Europe/Amsterdam (set
// for the connection as a server default would be); every session of the app's pool runs in UTC.
import t from "tap";
import pg from "pg";
import { openDatabase } from "../../src/db/database.ts";
import { createPostgresDatabase, usingPostgres } from "../helper.ts";

if (!usingPostgres) {
  t.pass("PostgreSQL only: PGlite runs in UTC");
} else {
  const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
  t.teardown(drop);
  // The SET runs before the pool hands a connection out, not queued ahead of its first query (which node-postgres 8
  // warns is deprecated, and 9 refuses).
  const warnings: string[] = [];
  process.on("warning", (warning) => warnings.push(warning.message));
  for (const zone of ["Europe/Warsaw", "Europe/Amsterdam"]) {
    t.test(`server zone ${zone}`, async (t) => {
      const zoned = `${url}${url.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c TimeZone=${zone}`)}`;
      const db = await openDatabase({ kind: "postgres", url: zoned, poolSize: 2 });
      t.teardown(() => db.close());
      await db.migrate();
      const direct = new pg.Client({ connectionString: zoned });
      await direct.connect();
      t.teardown(() => direct.end());
      t.equal((await direct.query("SHOW TimeZone")).rows[0].TimeZone, zone, "a session outside the app's pool is in the server's zone");
      const [session] = await db.prisma.$queryRawUnsafe<Array<{ TimeZone: string }>>("SHOW TimeZone");
      t.equal(session!.TimeZone, "UTC", "the app's sessions are in UTC");

      for (const instant of ["2026-07-01T10:00:00.000Z", "2026-12-07T12:00:00.123Z", "1930-01-01T00:00:00.000Z", "1900-06-30T23:59:59.000Z"]) {
        const key = await db.prisma.apiKey.create({
          data: { name: `tz ${instant}`, prefix: `tz${Math.random().toString(36).slice(2, 8)}`, secretHash: "00", role: "reader", expiresAt: new Date(instant) },
        });
        t.equal(key.expiresAt?.toISOString(), instant, `${instant}: Prisma answers the instant written`);
        const read = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
        t.equal(read.expiresAt?.toISOString(), instant, `${instant}: Prisma reads it back`);
        const stored = await direct.query("SELECT expires_at = $1::timestamptz AS same, expires_at FROM api_keys WHERE id = $2", [instant, key.id]);
        t.ok(stored.rows[0].same, `${instant}: stored as that instant (another session reads ${stored.rows[0].expires_at.toISOString()})`);
      }
    });
  }
  t.test("node-postgres warned of nothing", async (t) => {
    await new Promise((resolve) => setImmediate(resolve));
    t.same(warnings, []);
  });
}
