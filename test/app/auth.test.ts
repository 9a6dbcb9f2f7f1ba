// API keys on every /v1 route: each route, enumerated from the app itself, is called with no key, malformed
// credentials, a wrong secret, an expired key, a revoked key and each role; public routes need no key at all.
import type { LightMyRequestResponse } from "fastify";
import t from "tap";
import type { Test } from "tap";
import { seedDemoData } from "../../src/db/seed.ts";
import type { Role } from "../../src/lib/request-context.ts";
import { bearer, createTestKey, testApp } from "../helper.ts";
import { createParticipant } from "../fixtures/meetings.ts";
import { createPublication } from "../fixtures/media-partners.ts";
import { createMembership } from "../fixtures/organizations.ts";
import { sleep } from "../expect.ts";

const { app, db, adminKey } = await testApp(t);
await seedDemoData(db.prisma);

type Method = "GET" | "HEAD" | "POST" | "PATCH" | "DELETE";
type Route = { method: Method; path: string; url: string; role: Role };

// ---- Every /v1 route, from the app -------------------------------------------------------------------------------

type Operation = { "x-required-role"?: Role; security?: Array<Record<string, string[]>> };
const doc = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };

/** Real ids, so that every GET finds its record (sub-resources: a child of the parent used). */
const organization = await db.prisma.organization.findFirstOrThrow();
const membership = await createMembership(app, organization.id, { clusterId: (await db.prisma.cluster.findFirstOrThrow()).id });
const publication = await createPublication(app, (await db.prisma.mediaPartner.findFirstOrThrow()).id);
const participant = await createParticipant(app, (await db.prisma.meeting.findFirstOrThrow()).id);
const spareKey = await createTestKey(db, "reader", { name: "a key to look at" });
// All set up before the first t.test: tap starts running subtests while top-level code still awaits.
const reader = await createTestKey(db, "reader");
const editor = await createTestKey(db, "editor");
const expired = await createTestKey(db, "admin", { name: "expired admin key", expiresAt: new Date(Date.now() - 60_000) });
const feed = (await app.inject({ method: "POST", url: "/v1/calendar-feeds", payload: { name: "Kalendarz" } })).json() as { id: string; url: string };
const webhook = (await app.inject({ method: "POST", url: "/v1/webhooks", payload: { url: "https://93.184.215.14/hooks/auth", eventTypes: ["*"] } })).json() as { id: string };
const ids: Record<string, string | undefined> = {
  coordinators: (await db.prisma.coordinator.findFirstOrThrow()).id,
  clusters: (await db.prisma.cluster.findFirstOrThrow()).id,
  organizations: membership.organizationId,
  memberships: membership.id,
  "media-partners": publication.mediaPartnerId as string,
  publications: publication.id,
  meetings: participant.meetingId as string,
  participants: participant.id,
  activities: (await db.prisma.activity.findFirstOrThrow()).id,
  "grant-applications": (await db.prisma.grantApplication.findFirstOrThrow()).id,
  "api-keys": spareKey.id,
  "calendar-feeds": feed.id,
  webhooks: webhook.id,
  // A dry run of the organizations' own export.
  imports: (
    await app.inject({
      method: "POST",
      url: "/v1/imports?resource=organizations&dryRun=true",
      headers: { "content-type": "text/csv" },
      payload: (await app.inject({ url: "/v1/organizations", headers: { accept: "text/csv" } })).body,
    })
  ).json().id as string,
  // No such delivery: the key's verdict comes before the record is looked up.
  deliveries: "0193b2a6-1b22-7e53-9c4d-3f6a7b8c9d0f",
  // Not an id: the year of /v1/reports/annual/{year}.
  annual: "2013",
};

/** `/v1/organizations/{organizationId}/memberships/{id}` -> a URL with the ids of the collections the parameters follow. */
function fill(path: string): string {
  const segments = path.split("/");
  return segments
    .map((segment, i) => {
      if (!segment.startsWith("{")) return segment;
      const id = ids[segments[i - 1] ?? ""];
      if (!id) throw new Error(`no test id for ${segment} in ${path}: add one to ids`);
      return id;
    })
    .join("/");
}

/** A calendar feed's link: its token is its credential, no API key is asked for (tested on its own below). */
const OWN_TOKEN = "/v1/calendar-feeds/{token}.ics";

/** A path item's operations: its other member, `parameters`, is what they all take. */
const operationsOf = <T>(item: Record<string, T>) => Object.entries(item).filter(([method]) => method !== "parameters");

const documented: Route[] = Object.entries(doc.paths)
  .filter(([path]) => path.startsWith("/v1/") && path !== OWN_TOKEN)
  .flatMap(([path, item]) =>
    operationsOf(item).map(([method, operation]) => ({
      method: method.toUpperCase() as Method,
      path,
      url: fill(path),
      role: operation["x-required-role"] as Role,
    })),
  );
// Fastify answers HEAD wherever it answers GET.
const routes: Route[] = [...documented, ...documented.filter((route) => route.method === "GET").map((route) => ({ ...route, method: "HEAD" as const }))];
const isRead = (route: Route) => route.method === "GET" || route.method === "HEAD";
const name = (route: Route) => `${route.method} ${route.path}`;

t.test("the route list is complete: every /v1 route the app serves is documented, with its role", async (t) => {
  // printRoutes shows every route; count the non-HEAD methods in the /v1 subtree.
  let inV1 = false;
  let served = 0;
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = /^([│├└─\s]*)(\S.*) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    if (match[1]!.length === 4) inV1 = match[2]!.startsWith("/v1/");
    if (inV1) served += match[3]!.split(", ").filter((method) => method !== "HEAD").length;
  }
  t.ok(served >= 40, `${served} /v1 operations served`);
  t.equal(documented.length + 1, served, "as many documented /v1 operations as served ones (and the feed link)");
  for (const route of documented) {
    t.ok(app.hasRoute({ method: route.method, url: route.path.replace(/\{(\w+)\}/g, ":$1") }), `${name(route)} is served`);
    t.ok(["reader", "editor", "admin"].includes(route.role), `${name(route)} states its role (${route.role})`);
    const expected =
      route.path.startsWith("/v1/api-keys") || route.path.startsWith("/v1/audit-events") || route.path.startsWith("/v1/webhooks")
        ? "admin"
        : isRead(route) && !route.path.startsWith("/v1/calendar-feeds")
          ? "reader"
          : "editor";
    t.equal(route.role, expected, `${name(route)} needs ${expected}`);
  }
  for (const collection of Object.keys(ids)) {
    t.ok(
      documented.some((route) => route.path === `/v1/${collection}` || route.path.includes(`/${collection}/`)),
      `ids.${collection} is used by a route`,
    );
  }
});

// ---- Helpers ----------------------------------------------------------------------------------------------------

const send = (route: Route, authorization: string | undefined) =>
  app.inject({
    method: route.method,
    url: route.url,
    headers: { authorization },
    // Writes carry an empty body: a caller who gets past authentication is stopped by validation or If-Match (428).
    ...(isRead(route) ? {} : { payload: {} }),
  });

function expectUnauthorized(t: Test, route: Route, res: LightMyRequestResponse, reason: string, sent: boolean, secret?: string) {
  t.equal(res.statusCode, 401, `${name(route)}: 401 (${reason})`, { body: res.body });
  t.equal(
    res.headers["www-authenticate"],
    sent ? 'Bearer realm="cluster-records", error="invalid_token"' : 'Bearer realm="cluster-records"',
    `${name(route)}: WWW-Authenticate`,
  );
  if (route.method === "HEAD") return;
  t.match(res.headers["content-type"], /^application\/problem\+json/);
  const body = res.json();
  t.equal(body.code, "unauthorized");
  t.equal(body.reason, reason, `${name(route)}: the problem says why (${reason})`);
  t.match(body.detail, new RegExp(`^The (API key|Authorization header) (is|has been|has) ${reason}\\b`), `${name(route)}: the detail says so`);
  if (secret) t.notOk(res.body.includes(secret), `${name(route)}: the key is not echoed`);
}

/** What every table holds (API keys aside: using one updates lastUsedAt), to prove denied requests changed nothing. */
async function snapshot(): Promise<string> {
  const tables = [
    "coordinators",
    "clusters",
    "organizations",
    "cluster_memberships",
    "activities",
    "activity_media_partners",
    "meetings",
    "meeting_participants",
    "media_partners",
    "media_publications",
    "grant_applications",
    "grant_application_partners",
    "grant_application_status_changes",
    "idempotency_keys",
    "audit_events",
  ];
  const rows = await db.prisma.$queryRawUnsafe<Array<{ digest: string }>>(
    tables.map((table) => `SELECT '${table}:' || md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS digest FROM ${table} x`).join(" UNION ALL "),
  );
  const keys = await db.prisma.apiKey.findMany({ select: { id: true, version: true, revokedAt: true, role: true }, orderBy: { id: "asc" } });
  return JSON.stringify([rows.map((row) => row.digest).sort(), keys]);
}


/** The same prefix with another secret of the same length: tells a wrong secret from a wrong prefix. */
function wrongSecret(key: string): string {
  const [, prefix, secret] = /^crk_([a-z0-9]{8})_(.+)$/.exec(key)!;
  const other = [...secret!].map((c) => (c === "A" ? "B" : "A")).join("");
  return `crk_${prefix}_${other}`;
}

// ---- Public routes ----------------------------------------------------------------------------------------------

t.test("health, metrics, docs, the OpenAPI document and the problem catalogue need no key", async (t) => {
  for (const url of ["/health/live", "/health/ready", "/metrics", "/docs/", "/docs/json", "/openapi.json", "/openapi.yaml", "/problems", "/problems/unauthorized"]) {
    for (const authorization of [undefined, "Bearer nonsense", `Bearer ${expired.key}`]) {
      const res = await app.inject({ method: "GET", url, headers: { authorization } });
      t.equal(res.statusCode, 200, `GET ${url} with ${authorization ?? "no key"}: 200`);
      t.equal(res.headers["www-authenticate"], undefined);
    }
  }
  // The document declares them public (an empty security list), and the bearer scheme once.
  const full = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>>; components: { securitySchemes?: Record<string, unknown> } };
  t.same(full.components.securitySchemes?.bearerAuth, {
    type: "http",
    scheme: "bearer",
    description: "An API key (`crk_…`): `Authorization: Bearer <key>`. Each /v1 operation names the role it needs.",
  });
  for (const [path, item] of Object.entries(full.paths)) {
    for (const [method, operation] of operationsOf(item)) {
      if (path.startsWith("/v1/") && path !== OWN_TOKEN) t.same(operation.security, [{ bearerAuth: [] }], `${method} ${path} needs the bearer key`);
      else t.same(operation.security, [], `${method} ${path} is public (security: [] says so)`);
    }
  }
});

// ---- Every /v1 route --------------------------------------------------------------------------------------------

t.test("every /v1 route: no key, malformed credentials, wrong secret, unknown, expired -> 401; changing nothing", async (t) => {
  const before = await snapshot();
  for (const route of routes) {
    expectUnauthorized(t, route, await send(route, undefined), "missing", false);
    expectUnauthorized(t, route, await send(route, ""), "missing", false);
    expectUnauthorized(t, route, await send(route, `Basic ${Buffer.from("admin:admin").toString("base64")}`), "malformed", true);
    expectUnauthorized(t, route, await send(route, "Bearer"), "malformed", true);
    expectUnauthorized(t, route, await send(route, `Bearer ${adminKey.key} extra`), "malformed", true, adminKey.key);
    expectUnauthorized(t, route, await send(route, `Bearer ${adminKey.key.slice(0, -20)}`), "malformed", true, adminKey.key.slice(13, -20));
    expectUnauthorized(t, route, await send(route, `Token ${adminKey.key}`), "malformed", true, adminKey.key);
    const wrong = wrongSecret(adminKey.key);
    expectUnauthorized(t, route, await send(route, `Bearer ${wrong}`), "unknown", true, wrong);
    expectUnauthorized(t, route, await send(route, `Bearer crk_zzzzzzzz_${adminKey.key.slice(13)}`), "unknown", true, adminKey.key.slice(13));
    expectUnauthorized(t, route, await send(route, `Bearer ${expired.key}`), "expired", true, expired.key);
  }
  t.equal(await snapshot(), before, "no record, idempotency key or audit event was written");
});

t.test("every /v1 route with a revoked key -> 401, from the very next request on", async (t) => {
  const revoked = await createTestKey(db, "admin", { name: "soon revoked" });
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(revoked.key) })).statusCode, 200, "it works before");
  const current = await app.inject({ method: "GET", url: `/v1/api-keys/${revoked.id}` });
  const revoke = await app.inject({ method: "DELETE", url: `/v1/api-keys/${revoked.id}`, headers: { "if-match": current.headers.etag as string } });
  t.equal(revoke.statusCode, 204, "revoked through the API");
  const before = await snapshot();
  for (const route of routes) expectUnauthorized(t, route, await send(route, `Bearer ${revoked.key}`), "revoked", true, revoked.key);
  t.equal(await snapshot(), before, "nothing was written");
});

t.test("reader: every read, no write, no admin route", async (t) => {
  const before = await snapshot();
  for (const route of routes) {
    const res = await send(route, `Bearer ${reader.key}`);
    if (isRead(route) && route.role === "reader") {
      t.equal(res.statusCode, 200, `${name(route)}: 200`, { body: res.body });
    } else {
      t.equal(res.statusCode, 403, `${name(route)}: 403`, { body: res.body });
      t.equal(res.headers["www-authenticate"], undefined, "a 403 is not a challenge");
      if (route.method !== "HEAD") {
        const body = res.json();
        t.equal(body.code, "forbidden");
        t.equal(body.requiredRole, route.role);
        t.equal(body.role, "reader");
        t.match(body.detail, new RegExp(`needs the ${route.role} role; this API key has the reader role`));
      }
    }
  }
  t.equal(await snapshot(), before, "a reader wrote nothing");
});

t.test("editor: every read and write except the admin routes", async (t) => {
  for (const route of routes) {
    const res = await send(route, `Bearer ${editor.key}`);
    if (route.role === "admin") {
      t.equal(res.statusCode, 403, `${name(route)}: 403`, { body: res.body });
      if (route.method !== "HEAD") t.equal(res.json().requiredRole, "admin");
    } else if (isRead(route)) {
      t.equal(res.statusCode, 200, `${name(route)}: 200`, { body: res.body });
    } else {
      // Past authentication: the empty body (400) or the missing If-Match (428) stops it.
      t.ok([400, 428].includes(res.statusCode), `${name(route)}: allowed (${res.statusCode})`, { body: res.body });
    }
  }
});

t.test("admin: everywhere", async (t) => {
  for (const route of routes) {
    const res = await send(route, `Bearer ${adminKey.key}`);
    if (isRead(route)) t.equal(res.statusCode, 200, `${name(route)}: 200`, { body: res.body });
    // A write with an empty body is stopped by validation or If-Match; an action that needs no body (a webhook's
    // ping, a secret's rotation) is done, or finds no such record.
    else t.ok([200, 202, 400, 404, 428].includes(res.statusCode), `${name(route)}: allowed (${res.statusCode})`, { body: res.body });
  }
});

t.test("each role can really write what it may", async (t) => {
  const payload = { name: "Koordynator z kluczem edytora", address: { city: "Gdynia" } };
  const before = await snapshot();
  const byReader = await app.inject({ method: "POST", url: "/v1/coordinators", headers: bearer(reader.key), payload });
  t.equal(byReader.statusCode, 403);
  const byEditor = await app.inject({ method: "POST", url: "/v1/coordinators", headers: bearer(editor.key), payload });
  t.equal(byEditor.statusCode, 201, byEditor.body);
  const id = byEditor.json().id;
  t.not(await snapshot(), before, "the snapshot sees a write");
  const patch = await app.inject({
    method: "PATCH",
    url: `/v1/coordinators/${id}`,
    headers: { ...bearer(editor.key), "if-match": byEditor.headers.etag as string },
    payload: { shortName: "KzKE" },
  });
  t.equal(patch.statusCode, 200);
  const del = await app.inject({ method: "DELETE", url: `/v1/coordinators/${id}`, headers: { ...bearer(editor.key), "if-match": patch.headers.etag as string } });
  t.equal(del.statusCode, 204);
  const keyByEditor = await app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(editor.key), payload: { name: "x", role: "admin" } });
  t.equal(keyByEditor.statusCode, 403, "an editor cannot make itself an admin key");
  t.equal(await db.prisma.apiKey.count({ where: { name: "x" } }), 0);
});

// ---- Details ----------------------------------------------------------------------------------------------------

t.test("the scheme name is case-insensitive; the key is not", async (t) => {
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: { authorization: `bearer ${reader.key}` } })).statusCode, 200);
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: { authorization: `BEARER  ${reader.key}` } })).statusCode, 200);
  const upper = await app.inject({ method: "GET", url: "/v1/clusters", headers: { authorization: `Bearer ${reader.key.toUpperCase()}` } });
  t.equal(upper.statusCode, 401);
});

t.test("an unknown /v1 path needs a key too, but no particular role; encoding the path does not skip the check", async (t) => {
  const anonymous = await app.inject({ method: "GET", url: "/v1/no-such-thing", headers: { authorization: undefined } });
  t.equal(anonymous.statusCode, 401);
  const asReader = await app.inject({ method: "DELETE", url: "/v1/no-such-thing", headers: bearer(reader.key) });
  t.equal(asReader.statusCode, 404, "a reader learns it does not exist, not that it would be forbidden");
  const wrongMethod = await app.inject({ method: "PUT", url: "/v1/clusters", headers: bearer(reader.key) });
  t.equal(wrongMethod.statusCode, 405);
  const wrongMethodAnonymous = await app.inject({ method: "PUT", url: "/v1/clusters", headers: { authorization: undefined } });
  t.equal(wrongMethodAnonymous.statusCode, 401);
  for (const url of ["/%761/clusters", "/v%31/clusters", "/%76%31/api-keys", "/v1/clusters/"]) {
    const res = await app.inject({ method: "GET", url, headers: { authorization: undefined } });
    t.equal(res.statusCode, 401, `GET ${url} without a key: 401`);
    const asReaderEncoded = await app.inject({ method: "GET", url, headers: bearer(reader.key) });
    t.equal(asReaderEncoded.statusCode, url.includes("api-keys") ? 403 : 200, `GET ${url} as reader`);
  }
});

t.test("expiry takes effect without a restart", async (t) => {
  const shortLived = await createTestKey(db, "reader", { expiresAt: new Date(Date.now() + 1500) });
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(shortLived.key) })).statusCode, 200);
  await sleep(1600);
  const after = await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(shortLived.key) });
  t.equal(after.statusCode, 401);
  t.equal(after.json().reason, "expired");
});

t.test("an admin may revoke its own key; the next request with it is refused", async (t) => {
  const own = await createTestKey(db, "admin", { name: "self-revoking admin" });
  const read = await app.inject({ method: "GET", url: `/v1/api-keys/${own.id}`, headers: bearer(own.key) });
  t.equal(read.statusCode, 200);
  const revoke = await app.inject({ method: "DELETE", url: `/v1/api-keys/${own.id}`, headers: { ...bearer(own.key), "if-match": read.headers.etag as string } });
  t.equal(revoke.statusCode, 204);
  const next = await app.inject({ method: "GET", url: `/v1/api-keys/${own.id}`, headers: bearer(own.key) });
  t.equal(next.statusCode, 401);
  t.equal(next.json().reason, "revoked");
  const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: own.id } });
  t.ok(row.revokedAt, "the row stays, revoked");
});

t.test("lastUsedAt: set by a successful request, at most once a minute, never by a failed one", async (t) => {
  const key = await createTestKey(db, "reader", { name: "usage" });
  const lastUsedAt = async () => (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;

  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: { authorization: `Bearer ${wrongSecret(key.key)}` } })).statusCode, 401);
  await sleep(200);
  t.equal(await lastUsedAt(), null, "a wrong secret does not count as use");

  const started = Date.now();
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(key.key) })).statusCode, 200);
  let first: Date | null = null;
  for (let i = 0; i < 50 && !first; i++) {
    first = await lastUsedAt();
    if (!first) await sleep(50);
  }
  t.ok(first, "set soon after the request");
  t.ok(first!.getTime() >= started - 5 && first!.getTime() <= Date.now(), "to the time of the request");
  const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
  t.equal(row.updatedAt.toISOString(), key.record.updatedAt, "bookkeeping: updatedAt unchanged");
  t.equal(row.version, 1, "and no new version");

  await sleep(20);
  t.equal((await app.inject({ method: "GET", url: "/v1/clusters", headers: bearer(key.key) })).statusCode, 200);
  await sleep(200);
  t.same(await lastUsedAt(), first, "not written again within the minute");
});

t.test("the acting key is known to the request: idempotency keys are scoped per API key", async (t) => {
  const payload = { name: "Koordynator idempotentny", address: { city: "Sopot" } };
  const headers = { "idempotency-key": "same-key-two-clients" };
  const first = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { ...headers, ...bearer(editor.key) }, payload });
  const replay = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { ...headers, ...bearer(editor.key) }, payload });
  const other = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { ...headers, ...bearer(adminKey.key) }, payload });
  t.equal(first.statusCode, 201);
  t.equal(replay.headers["idempotent-replayed"], "true", "the same key replays");
  t.equal(replay.json().id, first.json().id);
  t.equal(other.statusCode, 201);
  t.equal(other.headers["idempotent-replayed"], undefined, "another API key with the same Idempotency-Key is another request");
  t.not(other.json().id, first.json().id);
});

t.test("a calendar feed's link needs no API key, and an API key does not open it", async (t) => {
  for (const authorization of [undefined, "Bearer nonsense", `Bearer ${expired.key}`, `Bearer ${adminKey.key}`]) {
    const res = await app.inject({ method: "GET", url: feed.url, headers: { authorization } });
    t.equal(res.statusCode, 200, `with ${authorization === undefined ? "no key" : "a key"}: 200, the key is not looked at`);
    t.equal(res.headers["www-authenticate"], undefined);
  }
  const unknown = await app.inject({ method: "GET", url: `/v1/calendar-feeds/crf_${"x".repeat(43)}.ics`, headers: { authorization: `Bearer ${adminKey.key}` } });
  t.equal(unknown.statusCode, 404, "an unknown token is a 404, even with an admin key");
  t.same(doc.paths[OWN_TOKEN]?.get?.security, [], "declared public: the token is the credential");
});
