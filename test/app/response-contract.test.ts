// The check that every answer any test receives is what openapi.yaml describes (test/contract/): it finds each kind
// of fault, and it is installed on every app a test builds, so a fault fails the test that received the answer.
import fs from "node:fs";
import path from "node:path";
import t from "tap";
import { parse as parseYaml } from "yaml";
import { buildApp } from "../../src/app.ts";
import { ContractError } from "../contract/check-every-response.ts";
import { ResponseContract } from "../contract/response-contract.ts";
import { TEST_CONFIG, testApp } from "../helper.ts";

const doc = parseYaml(fs.readFileSync(path.resolve(import.meta.dirname, "../../openapi.yaml"), "utf8"));
const contract = new ResponseContract(doc);
const json = { "content-type": "application/json; charset=utf-8" };
const problemJson = { "content-type": "application/problem+json; charset=utf-8" };
const health = JSON.stringify({ status: "ok" });

t.test("a described answer passes", async (t) => {
  t.same(contract.check({ method: "GET", url: "/health/live", status: 200, headers: json, body: health }), []);
  t.same(contract.check({ method: "HEAD", url: "/health/live", status: 200, headers: json, body: "" }), [], "HEAD is checked as the GET, without a body");
  t.same(
    contract.check({ method: "OPTIONS", url: "/v1/coordinators", status: 204, headers: { "access-control-allow-origin": "https://app.example.com", "access-control-allow-methods": "GET" }, body: "" }),
    [],
    "a CORS preflight for an allowed origin",
  );
  t.match(contract.check({ method: "OPTIONS", url: "/v1/coordinators", status: 204, headers: {}, body: "" }), [/a method openapi.yaml does not declare: answered 204/], "but not any 204 to OPTIONS");
  t.same(contract.check({ method: "GET", url: "/health/live/", status: 200, headers: json, body: health }), [], "a trailing slash is the same path (as in the router)");
});

t.test("each kind of fault is found", async (t) => {
  const coordinator = "/v1/coordinators/0193b2a4-6f1e-7c3a-9d2e-1f4b5c6d7e8f";
  t.match(contract.check({ method: "GET", url: "/health/live", status: 418, headers: json, body: health }), [/status 418 is not declared/]);
  t.match(contract.check({ method: "GET", url: "/health/live", status: 200, headers: { "content-type": "text/plain" }, body: "ok" }), [/media type text\/plain is not declared/]);
  t.match(contract.check({ method: "GET", url: coordinator, status: 200, headers: json, body: JSON.stringify({ id: "x" }) }).join("\n"), /must have required property/, "a body that misses required members");
  t.match(contract.check({ method: "GET", url: "/health/live", status: 200, headers: json, body: "{" }), [/not JSON/]);
  t.match(contract.check({ method: "GET", url: coordinator, status: 404, headers: json, body: "{}" }), [/media type application\/json is not declared/], "a problem must be problem+json");
  t.match(contract.check({ method: "GET", url: "/nowhere", status: 200, headers: json, body: "{}" }), [/no such path in openapi.yaml.*answered 200/]);
  t.match(contract.check({ method: "GET", url: "/nowhere", status: 404, headers: problemJson, body: "{}" }).join("\n"), /must have required property 'code'/, "outside the document, only valid problems");
  t.same(contract.check({ method: "GET", url: "/docs/static/swagger-ui.css", status: 200, headers: { "content-type": "text/css" }, body: undefined }), [], "Swagger UI is left out on purpose");

  // A header declared `required` must be sent.
  const strict = structuredClone(doc);
  strict.paths["/health/live"].get.responses["200"].headers["X-Request-Id"] = { required: true, schema: { type: "string" } };
  t.match(new ResponseContract(strict).check({ method: "GET", url: "/health/live", status: 200, headers: json, body: health }), [/required header X-Request-Id is missing/]);

  // Responses and headers written once under components and referenced are followed.
  const shared = structuredClone(doc);
  shared.components.responses = { Live: { ...strict.paths["/health/live"].get.responses["200"] } };
  shared.paths["/health/live"].get.responses["200"] = { $ref: "#/components/responses/Live" };
  t.match(new ResponseContract(shared).check({ method: "GET", url: "/health/live", status: 200, headers: json, body: health }), [/required header X-Request-Id is missing/]);
  t.same(new ResponseContract(shared).check({ method: "GET", url: "/health/live", status: 200, headers: { ...json, "x-request-id": "r1" }, body: health }), []);
  t.match(new ResponseContract(shared).check({ method: "GET", url: "/health/live", status: 200, headers: { ...json, "x-request-id": "r1" }, body: "{}" }).join("\n"), /must have required property/);
});

t.test("every test app is checked: an undescribed answer fails the request that received it", async (t) => {
  const { app, db } = await testApp(t);
  t.equal((await app.inject({ method: "GET", url: "/health/live" })).statusCode, 200);
  // A route the document does not describe (test-only, added on a fresh app).
  const extra = await buildApp({ database: db, config: TEST_CONFIG });
  t.teardown(() => extra.close());
  extra.get("/undocumented", async () => ({ hello: "world" }));
  await extra.ready();
  await t.rejects(extra.inject({ method: "GET", url: "/undocumented" }), ContractError, "app.inject rejects");
});

t.test("over a real connection too: the app's close() rejects", async (t) => {
  const { db } = await testApp(t);
  const app = await buildApp({ database: db, config: TEST_CONFIG });
  app.get("/undocumented", async () => ({ hello: "world" }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  t.equal((await fetch(`http://127.0.0.1:${port}/undocumented`)).status, 200);
  await t.rejects(app.close(), ContractError);
});
