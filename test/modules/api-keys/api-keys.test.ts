import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import t from "tap";
import { buildApp } from "../../../src/app.ts";
import { bearer, createTestKey, injectWithKey, testApp } from "../../helper.ts";
import { ISO_UTC, UUID_V7, expectProblem, nextLinkOf } from "../../expect.ts";

const { app, db, adminKey } = await testApp(t);
const KEY = /^crk_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const RECORD_FIELDS = ["createdAt", "createdByKeyId", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "role", "updatedAt", "version"];
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

const post = (payload: unknown, headers: Record<string, string> = {}) => app.inject({ method: "POST", url: "/v1/api-keys", payload: payload as object, headers });
const get = (id: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url: `/v1/api-keys/${id}`, headers });
const del = (id: string, headers: Record<string, string> = {}) => app.inject({ method: "DELETE", url: `/v1/api-keys/${id}`, headers });
const list = (query = "") => app.inject({ method: "GET", url: `/v1/api-keys${query}` });

t.test("create: 201 with the key, shown only in this answer; only its hash is stored", async (t) => {
  const res = await post({ name: "  Raporty miesięczne — odczyt ", role: "reader" });
  t.equal(res.statusCode, 201, res.body);
  const body = res.json();
  t.same(Object.keys(body).sort(), [...RECORD_FIELDS, "key"].sort(), "the record plus `key`, and nothing else");
  t.match(body.id, UUID_V7);
  t.equal(res.headers.location, `/v1/api-keys/${body.id}`);
  t.match(res.headers.etag, new RegExp(`^"${body.id}\\.v1\\+[A-Za-z0-9_-]+"$`));
  const [, prefix, secret] = KEY.exec(body.key) ?? [];
  t.ok(prefix && secret, `the key has the form crk_<prefix>_<secret>: ${body.key.slice(0, 13)}…`);
  t.equal(body.prefix, prefix, "the public prefix is the key's");
  t.equal(body.name, "Raporty miesięczne — odczyt", "trimmed, diacritics intact");
  t.equal(body.role, "reader");
  t.equal(body.expiresAt, null);
  t.equal(body.revokedAt, null);
  t.equal(body.lastUsedAt, null);
  t.equal(body.createdByKeyId, adminKey.id, "created by the admin key that asked");
  t.equal(body.version, 1);
  t.match(body.createdAt, ISO_UTC);

  // Stored: the SHA-256 of the whole key, never the key or its secret.
  const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: body.id } });
  t.equal(row.secretHash, sha256(body.key));
  t.not(row.secretHash, sha256(secret!), "the hash covers the whole key, not only the secret");
  const stored = await db.prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT k::text AS row FROM api_keys k WHERE id = '${body.id}'`);
  t.notOk(stored[0]!.row.includes(secret!), "no column holds the secret");

  // Never shown again.
  const again = await get(body.id);
  t.equal(again.statusCode, 200);
  t.same(Object.keys(again.json()).sort(), RECORD_FIELDS, "GET has no key and no hash");
  const { key: _key, ...record } = body;
  t.same(again.json(), record, "GET shows the same record without the key");
  const page = await list("?limit=100");
  t.notOk(page.body.includes(secret!), "the list does not hold the secret");
  t.notOk(page.body.includes(row.secretHash), "nor the hash");
  t.ok(page.json().data.some((item: { id: string }) => item.id === body.id));
  for (const item of page.json().data) t.same(Object.keys(item).sort(), RECORD_FIELDS);

  // The new key works at once, with its role.
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(body.key) })).statusCode, 200);
  t.equal((await app.inject({ method: "POST", url: "/v1/coordinators", headers: bearer(body.key), payload: { name: "X" } })).statusCode, 403);
});

t.test("create: validation", async (t) => {
  expectProblem(t, await post({ role: "reader" }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await post({ name: "x", role: "owner" }), 400, "validation_failed", ["/role"]);
  expectProblem(t, await post({ name: " ", role: "reader" }), 400, "validation_failed", ["/name"]);
  expectProblem(t, await post({ name: "x", role: "reader", secretHash: "00" }), 400, "validation_failed", ["/secretHash"]);
  expectProblem(t, await post({ name: "x", role: "reader", key: "crk_aaaaaaaa_" + "a".repeat(43) }), 400, "validation_failed", ["/key"]);
  const past = expectProblem(t, await post({ name: "x", role: "reader", expiresAt: "2020-01-01T00:00:00+01:00" }), 400, "validation_failed", ["/expiresAt"]);
  t.match(past.errors?.[0]?.message, /future/);
  const now = expectProblem(t, await post({ name: "x", role: "reader", expiresAt: new Date(Date.now() - 1000).toISOString() }), 400, "validation_failed", ["/expiresAt"]);
  t.match(now.errors?.[0]?.message, /future/);
  expectProblem(t, await post({ name: "x", role: "reader", expiresAt: "2030-01-01T00:00:00" }), 400, "validation_failed", ["/expiresAt"]);
  expectProblem(t, await post({ name: "x", role: "reader", expiresAt: "jutro" }), 400, "validation_failed", ["/expiresAt"]);
  t.equal(await db.prisma.apiKey.count({ where: { name: "x" } }), 0, "nothing was created");

  const future = await post({ name: "do końca roku", role: "editor", expiresAt: "2030-01-01T00:00:00+01:00" });
  t.equal(future.statusCode, 201);
  t.equal(future.json().expiresAt, "2029-12-31T23:00:00.000Z", "returned in UTC");
  const noExpiry = await post({ name: "bez końca", role: "admin", expiresAt: null });
  t.equal(noExpiry.statusCode, 201);
  t.equal(noExpiry.json().expiresAt, null);
});

t.test("Idempotency-Key is ignored: the answer (with the key) is stored nowhere", async (t) => {
  const headers = { "idempotency-key": "api-key-create-1" };
  const first = await post({ name: "idempotent?", role: "reader" }, headers);
  const second = await post({ name: "idempotent?", role: "reader" }, headers);
  t.equal(first.statusCode, 201);
  t.equal(second.statusCode, 201);
  t.equal(second.headers["idempotent-replayed"], undefined);
  t.not(second.json().key, first.json().key, "a retry makes another key");
  t.equal(await db.prisma.idempotencyKey.count({ where: { key: "api-key-create-1" } }), 0, "no stored answer");
});

t.test("list: cursor pages, filters role and revoked, sort", async (t) => {
  const made = [];
  for (const role of ["reader", "editor", "admin", "reader"] as const) made.push((await post({ name: `lista ${role} ${made.length}`, role })).json());
  const revoked = made[3]!;
  t.equal((await del(revoked.id, { "if-match": (await get(revoked.id)).headers.etag as string })).statusCode, 204);

  const all = [];
  let url: string | undefined = "/v1/api-keys?limit=2";
  while (url) {
    const res = await app.inject({ method: "GET", url });
    t.equal(res.statusCode, 200);
    t.ok(res.json().data.length <= 2);
    all.push(...res.json().data);
    const next = nextLinkOf(t, res);
    t.equal(next === undefined, res.json().nextCursor === null, "Link header iff nextCursor");
    url = next;
  }
  const total = await db.prisma.apiKey.count();
  t.equal(all.length, total, "every key once");
  t.equal(new Set(all.map((key) => key.id)).size, total);
  const created = all.map((key) => key.createdAt);
  t.same(created, [...created].sort(), "oldest first by default");

  const readers = (await list("?role=reader&limit=100")).json().data as Array<{ role: string; id: string }>;
  t.ok(readers.length >= 2);
  t.ok(readers.every((key) => key.role === "reader"));
  t.equal(readers.length, await db.prisma.apiKey.count({ where: { role: "reader" } }));

  const revokedOnly = (await list("?revoked=true&limit=100")).json().data as Array<{ id: string; revokedAt: string | null }>;
  t.ok(revokedOnly.some((key) => key.id === revoked.id));
  t.ok(revokedOnly.every((key) => key.revokedAt !== null));
  const active = (await list("?revoked=false&limit=100")).json().data as Array<{ id: string; revokedAt: string | null }>;
  t.notOk(active.some((key) => key.id === revoked.id));
  t.ok(active.every((key) => key.revokedAt === null));
  t.equal(active.length + revokedOnly.length, total);

  const byName = (await list("?sort=-name&limit=100")).json().data as Array<{ name: string }>;
  const names = byName.map((key) => key.name);
  t.same(names, [...names].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)), "sort=-name");

  expectProblem(t, await list("?revoked=maybe"), 400, "validation_failed", ["/revoked"]);
  expectProblem(t, await list("?role=owner"), 400, "validation_failed", ["/role"]);
  expectProblem(t, await list("?sort=secretHash"), 400, "validation_failed", ["/sort"]);
  expectProblem(t, await list("?prefix=abc"), 400, "validation_failed", ["/prefix"]);
});

t.test("get: 404 for an unknown id, 304 with a current If-None-Match", async (t) => {
  expectProblem(t, await get("01900000-0000-7000-8000-000000000000"), 404, "not_found");
  expectProblem(t, await get("not-a-uuid"), 400, "validation_failed", ["/id"]);
  const created = (await post({ name: "etag", role: "reader" })).json();
  const first = await get(created.id);
  const notModified = await get(created.id, { "if-none-match": first.headers.etag as string });
  t.equal(notModified.statusCode, 304);
  // Using the key changes lastUsedAt, and so the representation and its ETag.
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(created.key) })).statusCode, 200);
  let changed = first;
  for (let i = 0; i < 40 && changed.json().lastUsedAt === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    changed = await get(created.id);
  }
  t.match(changed.json().lastUsedAt, ISO_UTC);
  t.equal(changed.json().version, 1, "use is not a change of version");
  t.not(changed.headers.etag, first.headers.etag);
  t.equal((await get(created.id, { "if-none-match": first.headers.etag as string })).statusCode, 200);
});

t.test("revoke: If-Match required, the row stays, the key stops working, twice is a conflict", async (t) => {
  const created = (await post({ name: "do odwołania", role: "editor" })).json();
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(created.key) })).statusCode, 200);
  expectProblem(t, await del(created.id), 428, "precondition_required");
  expectProblem(t, await del(created.id, { "if-match": `"${created.id}.v7"` }), 412, "version_mismatch");
  expectProblem(t, await del("01900000-0000-7000-8000-000000000000", { "if-match": "*" }), 404, "not_found");
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(created.key) })).statusCode, 200, "still works after failed revocations");

  const revoked = await del(created.id, { "if-match": `"${created.id}.v1"` });
  t.equal(revoked.statusCode, 204);
  t.equal(revoked.body, "");
  const after = await get(created.id);
  t.equal(after.statusCode, 200, "the record stays");
  t.match(after.json().revokedAt, ISO_UTC);
  t.equal(after.json().version, 2);
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(created.key) })).statusCode, 401, "the key no longer works");
  expectProblem(t, await del(created.id, { "if-match": after.headers.etag as string }), 409, "conflict");
  t.equal((await get(created.id)).json().version, 2, "unchanged by the second attempt");
});

t.test("key changes are audited, without the secret or its hash", async (t) => {
  const created = (await post({ name: "audytowany", role: "reader", expiresAt: "2031-06-01T12:00:00Z" })).json();
  t.equal((await del(created.id, { "if-match": "*" })).statusCode, 204);
  const events = await db.prisma.auditEvent.findMany({ where: { resourceType: "api-keys", resourceId: created.id }, orderBy: { occurredAt: "asc" } });
  t.same(
    events.map((event) => [event.action, event.version, event.keyId, event.keyName]),
    [
      ["create", 1, adminKey.id, adminKey.record.name],
      ["revoke", 2, adminKey.id, adminKey.record.name],
    ],
  );
  const createChanges = events[0]!.changes as Record<string, { before: unknown; after: unknown }>;
  t.same(createChanges.name, { before: null, after: "audytowany" });
  t.same(createChanges.role, { before: null, after: "reader" });
  t.same(createChanges.expiresAt, { before: null, after: "2031-06-01T12:00:00.000Z" });
  t.same(Object.keys(events[1]!.changes as object), ["revokedAt"], "a revocation changes revokedAt only");
  const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
  // Every stored member, the change feed's bigint sequence included.
  const logged = JSON.stringify(events, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  t.notOk(logged.includes(created.key.slice(13)), "no secret in the audit log");
  t.notOk(logged.includes(row.secretHash), "no hash in the audit log");
  t.notOk(/secretHash|"key"/.test(logged), "no member for them either");

  // A failed revocation (stale If-Match) leaves no event.
  const other = (await post({ name: "nie odwołany", role: "reader" })).json();
  expectProblem(t, await del(other.id, { "if-match": `"${other.id}.v2"` }), 412, "version_mismatch");
  t.equal(await db.prisma.auditEvent.count({ where: { resourceId: other.id, action: "revoke" } }), 0);
});

t.test("keys never reach the logs", async (t) => {
  let logs = "";
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logs += String(chunk);
      callback();
    },
  });
  const logged = await buildApp({ database: db, logger: { level: "trace", stream } });
  t.teardown(() => logged.close());
  await logged.ready();
  injectWithKey(logged, adminKey.key);
  const created = await logged.inject({ method: "POST", url: "/v1/api-keys", payload: { name: "w logach?", role: "reader" } });
  t.equal(created.statusCode, 201);
  const key: string = created.json().key;
  t.equal((await logged.inject({ method: "GET", url: "/v1/clusters", headers: bearer(key) })).statusCode, 200);
  t.equal((await logged.inject({ method: "GET", url: "/v1/clusters", headers: { authorization: `Bearer ${key}x` } })).statusCode, 401);
  t.ok(logs.length > 0, "something was logged");
  t.notOk(logs.includes(key.slice(13)), "the new key's secret is not in the logs");
  t.notOk(logs.includes(adminKey.key.slice(13)), "the admin key's secret is not in the logs");
});

t.test("only admins", async (t) => {
  const editor = await createTestKey(db, "editor");
  for (const [method, url] of [
    ["GET", "/v1/api-keys"],
    ["POST", "/v1/api-keys"],
    ["GET", `/v1/api-keys/${editor.id}`],
    ["DELETE", `/v1/api-keys/${editor.id}`],
  ] as const) {
    const res = await app.inject({ method, url, headers: { ...editor.headers, "if-match": "*" }, ...(method === "POST" ? { payload: { name: "e", role: "admin" } } : {}) });
    expectProblem(t, res, 403, "forbidden");
  }
  t.equal((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: editor.id } })).revokedAt, null, "the editor could not revoke (even itself)");
});

t.test("the documented request example works as it is (Swagger UI's Try it out)", async (t) => {
  const doc = app.swagger() as unknown as { components: { schemas: Record<string, { example?: unknown }> } };
  const example = doc.components.schemas.ApiKeyCreate?.example as { expiresAt: string } | undefined;
  t.ok(example, "ApiKeyCreate has an example");
  t.ok(new Date(example!.expiresAt).getTime() > Date.now() + 365 * 24 * 3600 * 1000, "its expiry stays in the future for a while");
  const res = await post(example);
  t.equal(res.statusCode, 201, res.body);
});
