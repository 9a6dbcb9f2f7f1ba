// The auth plugin's onRequest hook decides a key whose row the cache holds at once, and waits for the database only
// when it must read the row. That read failing (the database is down) is a 503, never a hang, a 500 or a 401; and
// the outcome of one request never leaks into the next (request.authOutcome is per request).
import t from "tap";
import { expectProblem } from "../expect.ts";
import { createAdminKey, testApp } from "../helper.ts";

const { app, db } = await testApp(t);
const cache = app.apiKeyCache;
const { find, held } = cache;

t.test("the key's row cannot be read: 503 database_unavailable, with Retry-After", async (t) => {
  const key = await createAdminKey(db);
  cache.held = () => undefined;
  cache.find = () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
  t.teardown(() => Object.assign(cache, { find, held }));
  const res = await app.inject({ url: "/v1/coordinators", headers: { authorization: `Bearer ${key.key}` } });
  expectProblem(t, res, 503, "database_unavailable");
  t.match(res.headers["retry-after"], /^\d+$/);
  const write = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { authorization: `Bearer ${key.key}` }, payload: { name: "Nie zapisany" } });
  expectProblem(t, write, 503, "database_unavailable");
  // An unknown path is also a 503 (it needs a valid key too), not a 404 nor a 401.
  const unknown = await app.inject({ url: "/v1/nothing-here", headers: { authorization: `Bearer ${key.key}` } });
  expectProblem(t, unknown, 503, "database_unavailable");
  Object.assign(cache, { find, held });
  const again = await app.inject({ url: "/v1/coordinators", headers: { authorization: `Bearer ${key.key}` } });
  t.equal(again.statusCode, 200, "once the database answers, the key works");
});

t.test("a lookup that fails synchronously is a 503 too, not a 500 or a hang", async (t) => {
  const key = await createAdminKey(db);
  cache.held = () => undefined;
  cache.find = () => {
    throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  };
  t.teardown(() => Object.assign(cache, { find, held }));
  const res = await app.inject({ url: "/v1/coordinators", headers: { authorization: `Bearer ${key.key}` } });
  expectProblem(t, res, 503, "database_unavailable");
});

t.test("a cached key's verdict is not carried over to the next request", async (t) => {
  const key = await createAdminKey(db);
  const ok = await app.inject({ url: "/v1/coordinators", headers: { authorization: `Bearer ${key.key}` } });
  t.equal(ok.statusCode, 200);
  const none = await app.inject({ url: "/v1/coordinators", headers: { authorization: "" } });
  expectProblem(t, none, 401, "unauthorized");
  t.equal((none.json() as { reason: string }).reason, "missing");
  const wrong = await app.inject({ url: "/v1/coordinators", headers: { authorization: `Bearer ${key.key.slice(0, -1)}x` } });
  expectProblem(t, wrong, 401, "unauthorized");
  t.equal((wrong.json() as { reason: string }).reason, "unknown");
  const preflight = await app.inject({ method: "OPTIONS", url: "/v1/coordinators", headers: { origin: "https://app.example.com", "access-control-request-method": "GET" } });
  t.not(preflight.statusCode, 401, "a preflight needs no key");
});
