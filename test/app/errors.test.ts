// Every error path of the HTTP contract (shared/API-CONVENTIONS.md): each answer is RFC 9457 problem+json with
// a stable `code`, the request id, and nothing internal.
import { randomUUID } from "node:crypto";
import t from "tap";
import type { Test } from "tap";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { injectWithKey, testApp, testDatabase } from "../helper.ts";
import { createCluster, createCoordinator } from "../fixtures/records.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TITLES: Record<string, string> = {
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  payload_too_large: "The request body is too large",
  unsupported_media_type: "Unsupported media type",
  malformed_request: "The request could not be parsed",
  validation_failed: "The request is not valid",
  not_acceptable: "No acceptable representation",
  internal_error: "Internal server error",
};

type FieldError = { path: string; message: string; location?: string };
type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
};

/** Asserts the whole problem shape and returns the body. `url` is the request URL (its path is the instance). */
function assertProblem(t: Test, response: LightMyRequestResponse, status: number, code: string, url: string): Problem {
  t.equal(response.statusCode, status, `status ${status}`);
  t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8", "problem+json");
  const body = response.json() as Problem;
  t.same(
    Object.keys(body).filter((key) => key !== "errors").sort(),
    ["code", "detail", "instance", "requestId", "status", "title", "type"],
    "exactly the problem members (plus errors when present)",
  );
  t.equal(body.type, `/problems/${code}`);
  t.equal(body.title, TITLES[code]);
  t.equal(body.status, status);
  t.equal(body.code, code);
  t.equal(body.instance, url.split("?")[0]);
  t.type(body.detail, "string");
  t.ok(body.detail.length > 0, "detail is not empty");
  t.equal(body.requestId, response.headers["x-request-id"], "requestId is the X-Request-Id header");
  t.match(body.requestId, /\S/);
  t.notMatch(response.body, /\bat .+\.(ts|js):\d+/, "no stack frames");
  return body;
}

const sortedPaths = (errors: FieldError[] | undefined) => (errors ?? []).map((e) => e.path).sort();

t.test("error paths", async (t) => {
  const database = await testDatabase(t);
  const { app, adminKey } = await testApp(t, database);

  // A second app over the same database, with a small body limit and a route that fails unexpectedly.
  const small = await buildApp({ database, config: { bodyLimit: 1024, trustProxy: false, logLevel: "info" } });
  small.get("/test-only/boom", async () => {
    throw new Error('relation "secret_internal_table" does not exist: SELECT password_hash FROM secret_internal_table WHERE id = 1');
  });
  t.teardown(() => small.close());
  await small.ready();
  injectWithKey(small, adminKey.key);

  const countNamed = (name: string) => database.prisma.coordinator.count({ where: { name } });

  t.test("an unknown route is a 404 problem", async (t) => {
    for (const url of ["/v1/no-such-resource", "/nothing/here", "/v1/coordinators/" + randomUUID() + "/nope"]) {
      const response = await app.inject({ method: "GET", url });
      const body = assertProblem(t, response, 404, "not_found", url);
      t.notOk(response.headers.allow, "no Allow on a 404");
      t.notOk(body.errors);
    }
  });

  t.test("a record that does not exist is a 404 problem", async (t) => {
    const url = `/v1/coordinators/${randomUUID()}`;
    assertProblem(t, await app.inject({ method: "GET", url }), 404, "not_found", url);

    // A route that exists for GET but finds nothing is a 404, not a 405 telling the client to use GET.
    const problemUrl = "/problems/no_such_code";
    const problem = await app.inject({ method: "GET", url: problemUrl });
    assertProblem(t, problem, 404, "not_found", problemUrl);
    t.notOk(problem.headers.allow);
    const known = await app.inject({ method: "GET", url: "/problems/validation_failed" });
    t.equal(known.statusCode, 200);
    t.same(known.json(), {
      type: "/problems/validation_failed",
      code: "validation_failed",
      status: 400,
      title: "The request is not valid",
      titles: { en: "The request is not valid", pl: "Żądanie jest niepoprawne" },
    });
  });

  t.test("a URL Fastify cannot route is a 400 problem too", async (t) => {
    for (const url of ["/v1/clusters/%E0%A4%A", "/%", `/v1/coordinators/${"a".repeat(150)}`]) {
      const response = await app.inject({ method: "GET", url, headers: { "x-request-id": "bad-url-1" } });
      const body = assertProblem(t, response, 400, "malformed_request", url);
      t.equal(body.requestId, "bad-url-1", "the request id is echoed here too");
    }
    const generated = await app.inject({ method: "GET", url: "/v1/clusters/%E0%A4%A" });
    t.match(assertProblem(t, generated, 400, "malformed_request", "/v1/clusters/%E0%A4%A").requestId, UUID);
  });

  t.test("values the database cannot store are a 400, never a 500", async (t) => {
    const name = `Rok zero ${randomUUID()}`;
    const coordinator = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name, mandateDate: "0000-01-01" } });
    assertProblem(t, coordinator, 400, "validation_failed", "/v1/coordinators");
    t.equal(await countNamed(name), 0, "nothing created");

    const owner = await createCoordinator(app);
    const cluster = await app.inject({ method: "POST", url: "/v1/clusters", payload: { name, coordinatorId: owner.id, foundingAgreementDate: "0000-12-31" } });
    assertProblem(t, cluster, 400, "validation_failed", "/v1/clusters");

    const url = `/v1/coordinators/${owner.id}`;
    const patch = await app.inject({ method: "PATCH", url, headers: { "if-match": `"${owner.id}.v1"` }, payload: { mandateDate: "0000-06-15" } });
    assertProblem(t, patch, 400, "validation_failed", url);
    t.equal((await app.inject({ method: "GET", url })).json().version, 1, "record unchanged");

    const nul = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: `${name}\u0000` } });
    assertProblem(t, nul, 400, "validation_failed", "/v1/coordinators");
    t.equal(await database.prisma.coordinator.count({ where: { name: { startsWith: name } } }), 0, "nothing created");
  });

  t.test("a wrong method on a known path is a 405 with Allow", async (t) => {
    const collection = await app.inject({ method: "PUT", url: "/v1/coordinators", payload: {} });
    assertProblem(t, collection, 405, "method_not_allowed", "/v1/coordinators");
    t.equal(collection.headers.allow, "GET, HEAD, POST");

    const cluster = await createCluster(app);
    const itemUrl = `/v1/clusters/${cluster.id}`;
    const item = await app.inject({ method: "POST", url: itemUrl, payload: {} });
    assertProblem(t, item, 405, "method_not_allowed", itemUrl);
    t.equal(item.headers.allow, "GET, HEAD, PATCH, DELETE");

    const slash = await app.inject({ method: "PUT", url: "/v1/coordinators/" });
    assertProblem(t, slash, 405, "method_not_allowed", "/v1/coordinators/");
    t.equal(slash.headers.allow, "GET, HEAD, POST", "a trailing slash names the same resource");

    const health = await app.inject({ method: "DELETE", url: "/health/live" });
    assertProblem(t, health, 405, "method_not_allowed", "/health/live");
    t.equal(health.headers.allow, "GET, HEAD");

    // Every method Allow names really is routed (neither 404 nor 405) on an existing record.
    for (const [url, allow] of [
      ["/v1/coordinators", collection.headers.allow],
      [itemUrl, item.headers.allow],
    ] as const) {
      for (const method of String(allow).split(", ")) {
        const response = await app.inject({ method: method as "GET", url, headers: { "if-match": "*" }, ...(["POST", "PATCH"].includes(method) ? { payload: {} } : {}) });
        t.not(response.statusCode, 404, `${method} ${url} is routed`);
        t.not(response.statusCode, 405, `${method} ${url} is allowed`);
      }
    }
  });

  t.test("a body over the limit is a 413", async (t) => {
    const name = `Za duży ${randomUUID()}`;
    const payload = JSON.stringify({ name, description: "x".repeat(2000) });
    const response = await small.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload });
    assertProblem(t, response, 413, "payload_too_large", "/v1/coordinators");
    t.equal(await countNamed(name), 0, "nothing created");

    const coordinator = await createCoordinator(small);
    const url = `/v1/coordinators/${coordinator.id}`;
    const patch = await small.inject({
      method: "PATCH",
      url,
      headers: { "content-type": "application/merge-patch+json", "if-match": `"${coordinator.id}.v1"` },
      payload: JSON.stringify({ mandateBasis: "y".repeat(2000) }),
    });
    assertProblem(t, patch, 413, "payload_too_large", url);

    const under = await small.inject({ method: "POST", url: "/v1/coordinators", payload: { name } });
    t.equal(under.statusCode, 201, "the same app accepts a body under the limit");
  });

  t.test("a body that is not JSON is a 415", async (t) => {
    const name = `Tekst ${randomUUID()}`;
    for (const contentType of ["text/plain", "text/plain; charset=utf-8", "application/xml", "application/x-www-form-urlencoded"]) {
      const response = await app.inject({
        method: "POST",
        url: "/v1/coordinators",
        headers: { "content-type": contentType },
        payload: contentType.includes("form") ? `name=${encodeURIComponent(name)}` : JSON.stringify({ name }),
      });
      assertProblem(t, response, 415, "unsupported_media_type", "/v1/coordinators");
    }
    t.equal(await countNamed(name), 0, "nothing created");

    // JSON Patch (RFC 6902) is not JSON Merge Patch.
    const coordinator = await createCoordinator(app);
    const url = `/v1/coordinators/${coordinator.id}`;
    const jsonPatch = await app.inject({
      method: "PATCH",
      url,
      headers: { "content-type": "application/json-patch+json", "if-match": `"${coordinator.id}.v1"` },
      payload: JSON.stringify([{ op: "replace", path: "/name", value: "Nowa nazwa" }]),
    });
    assertProblem(t, jsonPatch, 415, "unsupported_media_type", url);
  });

  t.test("malformed JSON is a 400 malformed_request", async (t) => {
    for (const payload of ['{"name": "Koordynator', "{name: 'x'}", '{"name":"a",}', "nie json"]) {
      const response = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload });
      const body = assertProblem(t, response, 400, "malformed_request", "/v1/coordinators");
      t.notOk(body.errors);
    }
  });

  t.test("an empty body", async (t) => {
    const empty = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: "" });
    assertProblem(t, empty, 400, "malformed_request", "/v1/coordinators");

    const emptyObject = await app.inject({ method: "POST", url: "/v1/coordinators", payload: {} });
    const body = assertProblem(t, emptyObject, 400, "validation_failed", "/v1/coordinators");
    t.same(body.errors, [{ path: "/name", message: "is required", location: "body" }]);
  });

  t.test("prototype poisoning is refused and creates nothing", async (t) => {
    const name = `Proto ${randomUUID()}`;
    const bodies = [
      `{"name": ${JSON.stringify(name)}, "__proto__": {"isAdmin": true}}`,
      `{"name": ${JSON.stringify(name)}, "constructor": {"prototype": {"isAdmin": true}}}`,
      `{"name": ${JSON.stringify(name)}, "address": {"city": "Gdańsk", "__proto__": {"polluted": 1}}}`,
    ];
    for (const payload of bodies) {
      const response = await app.inject({ method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload });
      assertProblem(t, response, 400, "malformed_request", "/v1/coordinators");
    }
    t.equal(await countNamed(name), 0, "nothing created");
    t.equal(({} as Record<string, unknown>).isAdmin, undefined, "Object.prototype untouched");

    // The JSON Merge Patch parser is just as strict.
    const coordinator = await createCoordinator(app);
    const url = `/v1/coordinators/${coordinator.id}`;
    const patch = await app.inject({
      method: "PATCH",
      url,
      headers: { "content-type": "application/merge-patch+json", "if-match": `"${coordinator.id}.v1"` },
      payload: `{"constructor": {"prototype": {"isAdmin": true}}, "name": "Zmieniony"}`,
    });
    assertProblem(t, patch, 400, "malformed_request", url);
    const after = await app.inject({ method: "GET", url });
    t.equal(after.json().version, 1, "record unchanged");
    t.equal(after.json().name, coordinator.name);
  });

  t.test("an unknown body field is a 400 naming it", async (t) => {
    const name = `Nieznane ${randomUUID()}`;
    const response = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name, thatField: "x" } });
    const body = assertProblem(t, response, 400, "validation_failed", "/v1/coordinators");
    t.same(body.errors, [{ path: "/thatField", message: "is not a known field (unknown fields are rejected)", location: "body" }]);

    const nested = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name, address: { city: "Gdańsk", flat: "7" } } });
    const nestedBody = assertProblem(t, nested, 400, "validation_failed", "/v1/coordinators");
    t.same(sortedPaths(nestedBody.errors), ["/address/flat"]);

    const escaped = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name, "a/b~c": 1 } });
    t.same(sortedPaths(assertProblem(t, escaped, 400, "validation_failed", "/v1/coordinators").errors), ["/a~1b~0c"], "JSON Pointer escaping");
    t.equal(await countNamed(name), 0, "nothing created");
  });

  t.test("a problem stays bounded: at most 100 field errors, long echoes cut", async (t) => {
    const name = `Nieznane ${randomUUID()}`;
    const payload: Record<string, unknown> = { name };
    for (let i = 0; i < 150; i += 1) payload[`field${String(i).padStart(3, "0")}`] = i;
    const response = await app.inject({ method: "POST", url: "/v1/coordinators", payload });
    const body = assertProblem(t, response, 400, "validation_failed", "/v1/coordinators");
    t.equal(body.errors?.length, 100, "the first 100 errors are listed");
    t.equal(body.detail, "150 fields are not valid; the first 100 are listed.", "the detail gives the full count");
    t.equal(body.errors?.[0]?.path, "/field000");
    t.equal(await countNamed(name), 0, "nothing created");

    const longKey = "k".repeat(5000);
    const long = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name, [longKey]: 1 } });
    const longBody = assertProblem(t, long, 400, "validation_failed", "/v1/coordinators");
    t.equal(longBody.errors?.[0]?.path.length, 1000, "a pointer is cut to 1000 characters");
    t.ok(longBody.errors?.[0]?.path.endsWith("…"), "and says so");

    const url = `/nothing/${"x".repeat(3000)}`;
    const notFound = await app.inject({ method: "GET", url });
    t.equal(notFound.statusCode, 404);
    const problem = notFound.json() as Problem;
    t.equal(problem.instance.length, 2000, "the instance is cut to 2000 characters");
    t.ok(problem.detail.length <= 2000 && problem.detail.endsWith("…"), "the detail too");
  });

  t.test("wrong types and missing fields are listed, each with its path", async (t) => {
    const response = await app.inject({ method: "POST", url: "/v1/clusters", payload: { name: 5, sectors: "logistyka" } });
    const body = assertProblem(t, response, 400, "validation_failed", "/v1/clusters");
    t.same(sortedPaths(body.errors), ["/coordinatorId", "/name", "/sectors"]);
    t.equal(body.detail, "3 fields are not valid.");
    const byPath = new Map(body.errors!.map((e) => [e.path, e]));
    t.equal(byPath.get("/coordinatorId")!.message, "is required", "a missing field is reported as required");
    t.not(byPath.get("/name")!.message, "is required", "a field that was sent with the wrong type is not 'required'");
    t.not(byPath.get("/sectors")!.message, "is required", "a field that was sent with the wrong type is not 'required'");
    for (const error of body.errors!) t.equal(error.location, "body");

    const nested = await app.inject({
      method: "POST",
      url: "/v1/coordinators",
      payload: { name: "  ", nip: "1234567890", address: { street: "ul. Długa 1" }, email: "nie-email", mandateDate: "2013-13-40" },
    });
    const nestedBody = assertProblem(t, nested, 400, "validation_failed", "/v1/coordinators");
    t.same(sortedPaths(nestedBody.errors), ["/address/city", "/email", "/mandateDate", "/name", "/nip"]);
    t.equal(nestedBody.errors!.find((e) => e.path === "/address/city")!.message, "is required");
    t.equal(nestedBody.errors!.find((e) => e.path === "/name")!.message, "must not be empty");

    const postal = await app.inject({ method: "POST", url: "/v1/coordinators", payload: { name: "Poczta", address: { city: "Gdańsk", postalCode: "80309" } } });
    t.same(assertProblem(t, postal, 400, "validation_failed", "/v1/coordinators").errors, [
      { path: "/address/postalCode", message: "must be a Polish postal code NN-NNN, e.g. 80-309", location: "body" },
    ]);

    const query = await app.inject({ method: "GET", url: "/v1/coordinators?limit=abc&sort=bogus" });
    const queryBody = assertProblem(t, query, 400, "validation_failed", "/v1/coordinators");
    t.same(sortedPaths(queryBody.errors), ["/limit", "/sort"]);
    for (const error of queryBody.errors!) t.equal(error.location, "query");

    const tooBig = await app.inject({ method: "GET", url: "/v1/clusters?limit=101" });
    t.same(assertProblem(t, tooBig, 400, "validation_failed", "/v1/clusters").errors, [
      { path: "/limit", message: "must be a whole number from 1 to 100", location: "query" },
    ]);
  });

  t.test("odd input is a 4xx problem, never a 500", async (t) => {
    const coordinator = await createCoordinator(app);
    const item = `/v1/coordinators/${coordinator.id}`;
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const cases: Array<[string, InjectOptions, number, string]> = [
      ["a cursor that is not base64 JSON", { method: "GET", url: "/v1/clusters?cursor=garbage" }, 400, "invalid_cursor"],
      ["a cursor with objects for values", { method: "GET", url: `/v1/clusters?cursor=${cursor({ s: "name", v: [{}, "x"] })}` }, 400, "invalid_cursor"],
      ["a cursor whose id is not a UUID", { method: "GET", url: `/v1/clusters?cursor=${cursor({ s: "name", v: ["a", "not-a-uuid"] })}` }, 400, "invalid_cursor"],
      ["a cursor for another sort", { method: "GET", url: `/v1/clusters?sort=createdAt&cursor=${cursor({ s: "name", v: ["a", randomUUID()] })}` }, 400, "invalid_cursor"],
      ["a repeated query parameter", { method: "GET", url: "/v1/clusters?include=coordinator&include=coordinator" }, 400, "validation_failed"],
      ["an impossible date in a filter", { method: "GET", url: "/v1/clusters?foundingAgreementDateFrom=2013-02-30" }, 400, "validation_failed"],
      ["a JSON array body", { method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: "[]" }, 400, "validation_failed"],
      ["a JSON null body", { method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: "null" }, 400, "validation_failed"],
      ["a JSON string body", { method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: '"x"' }, 400, "validation_failed"],
      ["a deeply nested array", { method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: "[".repeat(5000) + "]".repeat(5000) }, 400, "validation_failed"],
      ["a deeply nested object", { method: "POST", url: "/v1/coordinators", headers: { "content-type": "application/json" }, payload: '{"a":'.repeat(5000) + "1" + "}".repeat(5000) }, 400, "validation_failed"],
      [
        "a deeply nested body with an Idempotency-Key",
        { method: "POST", url: "/v1/clusters", headers: { "content-type": "application/json", "idempotency-key": randomUUID() }, payload: `{"name":"x","sectors":${"[".repeat(5000)}${"]".repeat(5000)}}` },
        400,
        "validation_failed",
      ],
      [
        "a deeply nested merge patch",
        { method: "PATCH", url: item, headers: { "if-match": "*", "content-type": "application/merge-patch+json" }, payload: `{"address":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}` },
        400,
        "validation_failed",
      ],
      ["a merge patch that is an array", { method: "PATCH", url: item, headers: { "if-match": "*" }, payload: [] as unknown as object }, 400, "validation_failed"],
      ["a merge patch that is null", { method: "PATCH", url: item, headers: { "if-match": "*", "content-type": "application/merge-patch+json" }, payload: "null" }, 400, "validation_failed"],
      ["a merge patch clearing a required nested field", { method: "PATCH", url: item, headers: { "if-match": "*" }, payload: { address: { city: null } } }, 400, "validation_failed"],
      ["an If-Match that is no ETag", { method: "PATCH", url: item, headers: { "if-match": "garbage" }, payload: {} }, 412, "version_mismatch"],
      ["a PATCH without If-Match", { method: "PATCH", url: item, payload: {} }, 428, "precondition_required"],
      ["a DELETE without If-Match", { method: "DELETE", url: item }, 428, "precondition_required"],
      ["an empty Idempotency-Key", { method: "POST", url: "/v1/coordinators", headers: { "idempotency-key": "" }, payload: { name: "x" } }, 400, "validation_failed"],
    ];
    for (const [what, request, status, code] of cases) {
      const response = await app.inject(request);
      t.equal(response.statusCode, status, `${what}: ${status} (${response.body.slice(0, 200)})`);
      t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8", `${what}: problem+json`);
      t.equal(response.json().code, code, `${what}: ${code}`);
    }
    t.equal((await app.inject({ method: "GET", url: item })).json().version, 1, "the record was never changed");
  });

  t.test("an invalid id in the path is a 400 at /id in the path", async (t) => {
    for (const [method, url] of [
      ["GET", "/v1/coordinators/not-a-uuid"],
      ["DELETE", "/v1/clusters/12345"],
      ["PATCH", "/v1/clusters/12345"],
    ] as const) {
      const response = await app.inject({ method, url, headers: { "if-match": "*" }, ...(method === "PATCH" ? { payload: {} } : {}) });
      const body = assertProblem(t, response, 400, "validation_failed", url);
      t.same(body.errors, [{ path: "/id", message: "must be a UUID", location: "path" }], `${method} ${url}`);
    }
  });

  t.test("an unknown query parameter is a 400", async (t) => {
    const response = await app.inject({ method: "GET", url: "/v1/coordinators?bogus=1" });
    const body = assertProblem(t, response, 400, "validation_failed", "/v1/coordinators");
    t.same(body.errors, [{ path: "/bogus", message: "is not a known query parameter here", location: "query" }]);

    const url = `/v1/clusters/${randomUUID()}?expand=coordinator`;
    const cluster = await app.inject({ method: "GET", url });
    t.same(sortedPaths(assertProblem(t, cluster, 400, "validation_failed", url).errors), ["/expand"]);
  });

  t.test("Accept without JSON is a 406 on /v1", async (t) => {
    for (const accept of ["text/html", "text/html, application/xhtml+xml;q=0.9", "image/png"]) {
      const response = await app.inject({ method: "GET", url: "/v1/coordinators", headers: { accept } });
      assertProblem(t, response, 406, "not_acceptable", "/v1/coordinators");
    }
    for (const accept of ["application/json", "application/problem+json", "*/*", "text/html, */*;q=0.1", "application/*"]) {
      const response = await app.inject({ method: "GET", url: "/v1/coordinators", headers: { accept } });
      t.equal(response.statusCode, 200, `Accept: ${accept}`);
    }
    const docs = await app.inject({ method: "GET", url: "/docs/", headers: { accept: "text/html" } });
    t.equal(docs.statusCode, 200, "docs are not subject to the /v1 rule");
  });

  t.test("an unexpected exception is a 500 that reveals nothing but the request id", async (t) => {
    const response = await small.inject({ method: "GET", url: "/test-only/boom" });
    const body = assertProblem(t, response, 500, "internal_error", "/test-only/boom");
    t.match(body.requestId, UUID);
    t.ok(body.detail.includes(body.requestId), "detail quotes the request id");
    for (const secret of ["secret_internal_table", "SELECT", "password_hash", "relation", "does not exist", "Error", "stack"]) {
      t.notOk(response.body.includes(secret), `body does not contain ${secret}`);
    }
    t.notOk(body.errors);

    const echoed = await small.inject({ method: "GET", url: "/test-only/boom", headers: { "x-request-id": "trace-500.a:1" } });
    const echoedBody = assertProblem(t, echoed, 500, "internal_error", "/test-only/boom");
    t.equal(echoedBody.requestId, "trace-500.a:1");
    t.equal(echoed.headers["x-request-id"], "trace-500.a:1");
  });

  t.test("X-Request-Id is echoed when sent and generated when not", async (t) => {
    const sent = await app.inject({ method: "GET", url: "/v1/coordinators", headers: { "x-request-id": "client-req-42" } });
    t.equal(sent.statusCode, 200);
    t.equal(sent.headers["x-request-id"], "client-req-42");

    const problem = await app.inject({ method: "GET", url: "/v1/nope", headers: { "x-request-id": "client-req-43" } });
    t.equal(assertProblem(t, problem, 404, "not_found", "/v1/nope").requestId, "client-req-43");

    const first = await app.inject({ method: "GET", url: "/health/live" });
    const second = await app.inject({ method: "GET", url: "/health/live" });
    t.match(first.headers["x-request-id"], UUID, "generated as a UUID");
    t.match(second.headers["x-request-id"], UUID);
    t.not(first.headers["x-request-id"], second.headers["x-request-id"], "a new one per request");

    // An unreasonable id (too long, spaces, header injection attempts) is replaced, not echoed.
    for (const bad of ["x".repeat(129), "has spaces", "<script>"]) {
      const response = await app.inject({ method: "GET", url: "/health/live", headers: { "x-request-id": bad } });
      t.match(response.headers["x-request-id"], UUID, `replaced: ${bad.slice(0, 20)}`);
    }
  });

  t.test("PATCH accepts application/merge-patch+json", async (t) => {
    const coordinator = await createCoordinator(app);
    const url = `/v1/coordinators/${coordinator.id}`;
    const got = await app.inject({ method: "GET", url });
    const etag = got.headers.etag as string;
    t.ok(etag);

    const patched = await app.inject({
      method: "PATCH",
      url,
      headers: { "content-type": "application/merge-patch+json", "if-match": etag },
      payload: JSON.stringify({ website: "https://klaster.example.pl", address: { street: "ul. Długa 1" } }),
    });
    t.equal(patched.statusCode, 200, patched.body);
    t.equal(patched.headers["content-type"], "application/json; charset=utf-8");
    t.equal(patched.json().version, 2);
    t.equal(patched.json().website, "https://klaster.example.pl");
    t.equal(patched.json().address.street, "ul. Długa 1");
    t.equal(patched.json().address.city, "Gdańsk", "nested objects merge");

    const withCharset = await app.inject({
      method: "PATCH",
      url,
      headers: { "content-type": "application/merge-patch+json; charset=utf-8", "if-match": patched.headers.etag as string },
      payload: JSON.stringify({ website: null }),
    });
    t.equal(withCharset.statusCode, 200, withCharset.body);
    t.equal(withCharset.json().version, 3);
    t.equal(withCharset.json().website, null, "null clears the field");

    const unknownField = await app.inject({
      method: "PATCH",
      url,
      headers: { "content-type": "application/merge-patch+json", "if-match": withCharset.headers.etag as string },
      payload: JSON.stringify({ colour: "blue" }),
    });
    t.same(assertProblem(t, unknownField, 400, "validation_failed", url).errors, [
      { path: "/colour", message: "is not a known field (unknown fields are rejected)", location: "body" },
    ]);
  });
});
