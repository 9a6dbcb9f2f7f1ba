// Liveness and readiness, with a database and without one: an unreachable database is a 503 with Retry-After,
// never a 500.
import t from "tap";
import type { Test } from "tap";
import type { LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { detachedDatabase } from "../../src/db/database.ts";
import { testApp } from "../helper.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function assertUnavailable(t: Test, response: LightMyRequestResponse, url: string) {
  t.equal(response.statusCode, 503, `${url}: 503`);
  t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
  t.match(response.headers["retry-after"], /^\d+$/, "Retry-After is a number of seconds");
  t.ok(Number(response.headers["retry-after"]) >= 1, "Retry-After is at least 1 s");
  const body = response.json();
  t.equal(body.code, "database_unavailable");
  t.equal(body.type, "/problems/database_unavailable");
  t.equal(body.title, "The database is unavailable");
  t.equal(body.status, 503);
  t.equal(body.instance, url.split("?")[0]);
  t.equal(body.requestId, response.headers["x-request-id"]);
  t.match(body.requestId, UUID);
  t.type(body.detail, "string");
  // Nothing about the connection leaks: no host, port, driver or Prisma internals.
  for (const secret of ["127.0.0.1", "detached", "ECONNREFUSED", "Prisma", "prisma", "adapter", "postgresql://", "stack"]) {
    t.notOk(response.body.includes(secret), `${url}: body does not mention ${secret}`);
  }
}

t.test("with the database", async (t) => {
  const { app, db } = await testApp(t);

  const live = await app.inject({ method: "GET", url: "/health/live" });
  t.equal(live.statusCode, 200);
  t.equal(live.headers["content-type"], "application/json; charset=utf-8");
  t.same(live.json(), { status: "ok" });
  t.match(live.headers["x-request-id"], UUID);

  const ready = await app.inject({ method: "GET", url: "/health/ready" });
  t.equal(ready.statusCode, 200);
  t.equal(ready.headers["content-type"], "application/json; charset=utf-8");
  t.same(ready.json(), { status: "ok", database: db.kind });

  // Health is public and not subject to the /v1 Accept rule.
  const html = await app.inject({ method: "GET", url: "/health/live", headers: { accept: "text/html" } });
  t.equal(html.statusCode, 200);
});

t.test("without a reachable database", async (t) => {
  const app = await buildApp({ database: detachedDatabase(), closeDatabase: true });
  t.teardown(() => app.close());
  await app.ready();

  const live = await app.inject({ method: "GET", url: "/health/live" });
  t.equal(live.statusCode, 200, "the process is still alive");
  t.same(live.json(), { status: "ok" });

  const ready = await app.inject({ method: "GET", url: "/health/ready" });
  assertUnavailable(t, ready, "/health/ready");

  // The API answers 503 database_unavailable on every route that needs the database, never a 500: a key that looks
  // right cannot be checked without the database either.
  const authorization = `Bearer crk_abcd1234_${"A".repeat(43)}`;
  for (const request of [
    { method: "GET", url: "/v1/clusters" },
    { method: "GET", url: "/v1/coordinators?q=gdansk&limit=5" },
    { method: "GET", url: "/v1/clusters/0193b2a5-0a11-7d42-8b3c-2e5f6a7b8c9d" },
    { method: "POST", url: "/v1/coordinators", payload: { name: "Koordynator bez bazy" } },
    { method: "POST", url: "/v1/coordinators", payload: { name: "Z kluczem" }, headers: { "idempotency-key": "no-database-1" } },
    { method: "PATCH", url: "/v1/coordinators/0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f", payload: { name: "X" }, headers: { "if-match": "*" } },
    { method: "DELETE", url: "/v1/coordinators/0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f", headers: { "if-match": "*" } },
  ] as const) {
    const withKey = { ...request, headers: { ...("headers" in request ? request.headers : {}), authorization } };
    const response = await app.inject(withKey as never);
    assertUnavailable(t, response, request.url);
  }

  // Authentication comes before validation, and needs the database to check a key: 503 even for a bad query.
  assertUnavailable(t, await app.inject({ method: "GET", url: "/v1/clusters?limit=0", headers: { authorization } }), "/v1/clusters?limit=0");

  // Without a key, or with one that cannot be a key, nothing needs the database: 401.
  for (const headers of [{}, { authorization: "Bearer not-a-key" }]) {
    const response = await app.inject({ method: "GET", url: "/v1/clusters?limit=0", headers });
    t.equal(response.statusCode, 401, `${JSON.stringify(headers)}: 401`);
    t.equal(response.json().code, "unauthorized");
  }
});
