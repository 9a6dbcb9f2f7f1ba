// API key checks are cached (src/modules/api-keys/api-key-cache.ts), yet a revoked, expired or changed key stops
// working within a second on every instance: two app instances on one database (on PostgreSQL each with its own
// connections and its own LISTEN connection; on PGlite two apps over the one embedded database).
import t from "tap";
import { buildApp } from "../../src/app.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { API_KEY_CACHE_DEFAULTS, apiKeyCache } from "../../src/modules/api-keys/api-key-cache.ts";
import { hashApiKey, verifyApiKey } from "../../src/modules/api-keys/api-keys-service.ts";
import { TEST_CONFIG, bearer, createPostgresDatabase, createTestKey, testDatabase } from "../helper.ts";
import { sleep } from "../expect.ts";

async function twoDatabases(): Promise<[Database, Database]> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const db = await testDatabase(t);
    return [db, db];
  }
  const { url, drop } = await createPostgresDatabase(adminUrl);
  const a = await openDatabase({ kind: "postgres", url, poolSize: 3 });
  const b = await openDatabase({ kind: "postgres", url, poolSize: 3 });
  await a.migrate();
  t.teardown(async () => {
    await a.close();
    await b.close();
    await drop();
  });
  return [a, b];
}

const [dbA, dbB] = await twoDatabases();
// A row kept for an hour: what these tests see is the invalidation, not the expiry of a cached row.
const instance = async (database: Database) => {
  const app = await buildApp({ database, config: { ...TEST_CONFIG, apiKeyCache: { ttlMs: 3_600_000, max: 100 } } });
  t.teardown(() => app.close());
  await app.ready();
  return app;
};
const [a, b] = [await instance(dbA), await instance(dbB)];
const admin = await createTestKey(dbA, "admin");

type App = typeof a;
const get = (app: App, key: string) => app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(key) });

/** Polls until `check` holds, for at most a generous bound (the promise is one second); true if it did. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return true;
    await sleep(20);
  }
  return false;
}

t.test("both instances listen for changes to keys", async (t) => {
  t.ok(await eventually(async () => a.apiKeyCache.isListening() && b.apiKeyCache.isListening()));
});

t.test("a GET answered from the cache: the key's row is read once, not on every request", async (t) => {
  const key = await createTestKey(dbA, "reader");
  t.equal((await get(a, key.key)).statusCode, 200);
  const misses = a.apiKeyCache.stats.misses;
  const hits = a.apiKeyCache.stats.hits;
  t.equal((await get(a, key.key)).statusCode, 200);
  t.equal((await get(a, key.key)).statusCode, 200);
  t.equal(a.apiKeyCache.stats.misses, misses, "no more reads of the key");
  t.equal(a.apiKeyCache.stats.hits, hits + 2, "both answered from the cache");
});

t.test("a held key is hashed once: the match is remembered with its row, and no other secret shares it", async (t) => {
  const key = await createTestKey(dbA, "reader");
  t.equal((await get(a, key.key)).statusCode, 200);
  const row = a.apiKeyCache.held(key.record.prefix)!;
  t.ok(row, "the row is held");
  // Damaged in place: from now on only the remembered match can let the key in.
  const { secretHash } = row;
  row.secretHash = "0".repeat(64);
  t.teardown(() => a.apiKeyCache.forget(key.record.prefix));
  t.equal((await get(a, key.key)).statusCode, 200, "the key is not hashed again");
  const other = `${key.key.slice(0, -1)}${key.key.endsWith("A") ? "B" : "A"}`;
  t.equal((await get(a, other)).statusCode, 401, "a secret that differs in its last character is not the remembered key");
  row.secretHash = secretHash;
  t.equal((await get(a, other)).statusCode, 401, "nor does it match the real hash");
});

t.test("a key whose secret changed in the database: the match remembered for the old row does not let the old key in", async (t) => {
  const key = await createTestKey(dbA, "reader");
  for (const app of [a, b]) {
    t.equal((await get(app, key.key)).statusCode, 200);
    t.equal((await get(app, key.key)).statusCode, 200, "from the cache, the match remembered");
  }
  // The same prefix, another secret (as a rotation would store it), written behind both instances' backs.
  const rotated = `crk_${key.record.prefix}_${"R".repeat(43)}`;
  await dbB.prisma.apiKey.update({ where: { id: key.id }, data: { secretHash: hashApiKey(rotated), version: { increment: 1 } } });
  for (const [name, app] of [["A", a], ["B", b]] as const) {
    t.ok(await eventually(async () => (await get(app, key.key)).statusCode === 401), `${name}: the old key is refused`);
    t.equal((await get(app, key.key)).json().reason, "unknown");
    t.equal((await get(app, rotated)).statusCode, 200, `${name}: the new key works`);
    t.equal((await get(app, key.key)).statusCode, 401, `${name}: and the old one still does not`);
  }
});

t.test("revoked on instance A: A refuses at once, B within a second", async (t) => {
  const key = await createTestKey(dbA, "editor");
  t.equal((await get(a, key.key)).statusCode, 200);
  t.equal((await get(b, key.key)).statusCode, 200, "B has it cached");
  t.equal((await get(b, key.key)).statusCode, 200);
  const current = await a.inject({ method: "GET", url: `/v1/api-keys/${key.id}`, headers: bearer(admin.key) });
  const revoke = await a.inject({ method: "DELETE", url: `/v1/api-keys/${key.id}`, headers: { ...bearer(admin.key), "if-match": current.headers.etag as string } });
  t.equal(revoke.statusCode, 204);
  const onA = await get(a, key.key);
  t.equal(onA.statusCode, 401, "the very next request on A");
  t.equal(onA.json().reason, "revoked");
  t.ok(await eventually(async () => (await get(b, key.key)).statusCode === 401), "B refuses it too");
  t.equal((await get(b, key.key)).json().reason, "revoked");
});

t.test("a role changed in the database (on neither instance): both follow within a second", async (t) => {
  const key = await createTestKey(dbA, "editor");
  const write = (app: App) => app.inject({ method: "POST", url: "/v1/coordinators", headers: bearer(key.key), payload: {} });
  t.equal((await write(a)).statusCode, 400, "an editor may write (the empty body is refused later)");
  t.equal((await write(b)).statusCode, 400);
  await dbB.prisma.apiKey.update({ where: { id: key.id }, data: { role: "reader", version: { increment: 1 } } });
  for (const [name, app] of [["A", a], ["B", b]] as const) {
    t.ok(await eventually(async () => (await write(app)).statusCode === 403), `${name} now answers 403`);
    t.equal((await get(app, key.key)).statusCode, 200, `${name}: the reader may still read`);
  }
});

t.test("expiry moved into the past in the database: both refuse within a second", async (t) => {
  const key = await createTestKey(dbA, "reader", { expiresAt: new Date(Date.now() + 3_600_000) });
  t.equal((await get(a, key.key)).statusCode, 200);
  t.equal((await get(b, key.key)).statusCode, 200);
  await dbA.prisma.apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  for (const app of [a, b]) {
    t.ok(await eventually(async () => (await get(app, key.key)).statusCode === 401));
    t.equal((await get(app, key.key)).json().reason, "expired");
  }
});

t.test("expiry is checked against the clock on every request, not when the row was cached", async (t) => {
  const expiresAt = new Date(Date.now() + 60_000);
  const key = await createTestKey(dbA, "reader", { expiresAt });
  const cache = apiKeyCache(dbA.prisma, { ttlMs: 3_600_000, max: 10 });
  cache.setListening(true);
  t.equal((await verifyApiKey(dbA.prisma, key.key, new Date(), cache.find)).ok, true, "read and cached");
  const hits = cache.stats.hits;
  t.same(await verifyApiKey(dbA.prisma, key.key, new Date(expiresAt.getTime() + 1), cache.find), { ok: false, reason: "expired" });
  t.equal(cache.stats.hits, hits + 1, "from the cache, and still refused");
});

t.test("the safety net: a row is kept at most a second, even if no notification comes", async (t) => {
  t.ok(API_KEY_CACHE_DEFAULTS.ttlMs <= 1000, "the default time to live is at most a second");
  const key = await createTestKey(dbA, "reader");
  const cache = apiKeyCache(dbA.prisma, { ttlMs: 50, max: 10 });
  cache.setListening(true);
  await verifyApiKey(dbA.prisma, key.key, new Date(), cache.find);
  // Revoked behind the cache's back (no forget, no notification reaches this cache: it listens to nothing).
  await dbA.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date(), version: { increment: 1 } } });
  await sleep(100);
  t.same(await verifyApiKey(dbA.prisma, key.key, new Date(), cache.find), { ok: false, reason: "revoked" });
});

t.test("not listening (a lost LISTEN connection): nothing is cached", async (t) => {
  const key = await createTestKey(dbA, "reader");
  const cache = apiKeyCache(dbA.prisma, { ttlMs: 3_600_000, max: 10 });
  cache.setListening(false);
  await verifyApiKey(dbA.prisma, key.key, new Date(), cache.find);
  await verifyApiKey(dbA.prisma, key.key, new Date(), cache.find);
  t.same(cache.stats, { hits: 0, misses: 2 });
});

t.test("lastUsedAt: set by the first use on either instance, not rewritten on every request", async (t) => {
  const key = await createTestKey(dbA, "reader");
  const lastUsedAt = async () => (await dbA.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;
  const started = Date.now();
  t.equal((await get(a, key.key)).statusCode, 200);
  t.ok(await eventually(async () => (await lastUsedAt()) !== null), "set soon after the first request");
  const first = (await lastUsedAt())!;
  t.ok(first.getTime() >= started - 5 && first.getTime() <= Date.now(), "to the time of the request");
  // B may record its own first use once (it read the row before A's write reached it); then neither writes again.
  t.equal((await get(b, key.key)).statusCode, 200);
  await sleep(1_100);
  const settled = (await lastUsedAt())!;
  t.ok(settled.getTime() - first.getTime() < 60_000, "still the minute of the first use");
  for (let i = 0; i < 10; i++) {
    t.equal((await get(a, key.key)).statusCode, 200);
    t.equal((await get(b, key.key)).statusCode, 200);
  }
  await sleep(200);
  t.same(await lastUsedAt(), settled, "not written again within the minute, on either instance");
});
