// The OpenAPI document: committed file == generated, served in JSON, YAML and Swagger UI, complete, and its
// request examples work when sent as they are (as Swagger UI's "Try it out" sends them).
import fs from "node:fs";
import t from "tap";
import { parse as parseYaml } from "yaml";
import { OPENAPI_FILE, generateOpenApiYaml } from "../../src/bin/generate-openapi.ts";
import { inlineSharedComponents } from "../../src/lib/openapi-shared.ts";
import { PROBLEM_TYPES } from "../../src/lib/problem.ts";
import { testApp } from "../helper.ts";

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  tags?: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; headers?: Record<string, Json>; responses?: Record<string, Json>; parameters?: Record<string, Json> };
  servers?: Array<{ url: string }>;
};

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];

function operations(doc: Document) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation, name: `${method.toUpperCase()} ${path}` })),
  );
}

function collectRefs(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => collectRefs(child, into));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") into.push(value);
      else collectRefs(value, into);
    }
  }
  return into;
}

/** Resolves a local reference ("#/components/schemas/X") in the document; undefined when it does not exist. */
function resolve(doc: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!node || typeof node !== "object" || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Json)[segment];
  }
  return node;
}

const deref = (doc: Document, schema: Json | undefined): Json | undefined =>
  schema && typeof schema.$ref === "string" ? (resolve(doc, schema.$ref) as Json | undefined) : schema;

t.test("the committed openapi.yaml is what the code generates", async (t) => {
  const generated = await generateOpenApiYaml();
  const committed = fs.readFileSync(OPENAPI_FILE, "utf8");
  t.equal(committed, generated, "openapi.yaml is out of date: run `npm run openapi` and commit the result");
});

t.test("the served document", async (t) => {
  const { app } = await testApp(t);

  const json = await app.inject({ method: "GET", url: "/openapi.json" });
  t.equal(json.statusCode, 200);
  t.equal(json.headers["content-type"], "application/json; charset=utf-8");
  const served = json.json() as Document;
  // The checks of single operations read them with the shared responses and parameters written in.
  const doc = inlineSharedComponents(served);

  t.test("GET /openapi.yaml is the same document", async (t) => {
    const yaml = await app.inject({ method: "GET", url: "/openapi.yaml" });
    t.equal(yaml.statusCode, 200);
    t.equal(yaml.headers["content-type"], "application/yaml; charset=utf-8");
    t.same(parseYaml(yaml.body), served);
    t.same(parseYaml(fs.readFileSync(OPENAPI_FILE, "utf8")), served, "and so is the committed file");
  });

  t.test("GET /docs is Swagger UI over this document", async (t) => {
    let docs = await app.inject({ method: "GET", url: "/docs" });
    if (docs.statusCode >= 300 && docs.statusCode < 400) {
      const location = String(docs.headers.location);
      t.match(location, /^(\/docs\/|\.\/docs\/|docs\/)$/, "redirects to the UI");
      docs = await app.inject({ method: "GET", url: "/docs/" });
    }
    t.equal(docs.statusCode, 200);
    t.match(docs.headers["content-type"], /^text\/html/);
    t.match(docs.body, /<title>Swagger UI<\/title>/);
    t.match(docs.body, /swagger-ui/);

    const slash = await app.inject({ method: "GET", url: "/docs/" });
    t.equal(slash.statusCode, 200);
    t.match(slash.headers["content-type"], /^text\/html/);

    // The assets the page loads are served.
    for (const asset of ["/docs/static/swagger-ui.css", "/docs/static/swagger-ui-bundle.js", "/docs/static/swagger-initializer.js"]) {
      const response = await app.inject({ method: "GET", url: asset });
      t.equal(response.statusCode, 200, asset);
    }
    // ... and the document the page loads is the same one.
    const uiDoc = await app.inject({ method: "GET", url: "/docs/json" });
    t.equal(uiDoc.statusCode, 200);
    t.same(uiDoc.json(), served);
  });

  t.test("OpenAPI 3.1.0 with info", async (t) => {
    t.equal(doc.openapi, "3.1.0");
    t.equal(doc.info.title, "Cluster Records API");
    t.match(doc.info.version, /^\d+\.\d+\.\d+/);
  });

  t.test("every operation has a unique operationId, a declared tag and a summary", async (t) => {
    const ops = operations(doc);
    t.ok(ops.length >= 14, `${ops.length} operations`);
    const declaredTags = new Set((doc.tags ?? []).map((tag) => tag.name));
    const ids = new Map<string, string>();
    for (const { name, operation } of ops) {
      t.match(operation.operationId, /^[a-z][A-Za-z]+$/, `${name} has an operationId`);
      if (operation.operationId) {
        t.notOk(ids.has(operation.operationId), `${name}: operationId ${operation.operationId} is unique (also on ${ids.get(operation.operationId)})`);
        ids.set(operation.operationId, name);
      }
      t.ok(Array.isArray(operation.tags) && operation.tags.length > 0, `${name} has a tag`);
      for (const tag of operation.tags ?? []) t.ok(declaredTags.has(tag), `${name}: tag ${tag} is declared in tags`);
      t.ok(typeof operation.summary === "string" && operation.summary.trim().length > 0, `${name} has a summary`);
    }
    // The documented API surface.
    for (const id of [
      "listCoordinators",
      "createCoordinator",
      "getCoordinator",
      "updateCoordinator",
      "deleteCoordinator",
      "listClusters",
      "createCluster",
      "getCluster",
      "updateCluster",
      "deleteCluster",
      "getLiveness",
      "getReadiness",
    ]) {
      t.ok(ids.has(id), `${id} is documented`);
    }
  });

  t.test("every /v1 operation declares its error responses as problem+json", async (t) => {
    const expected: Record<string, string[]> = {
      "get collection": ["400", "406", "503"],
      "post collection": ["400", "406", "409", "413", "415", "422", "503"],
      "get item": ["400", "404", "406", "503"],
      "patch item": ["400", "404", "406", "409", "412", "413", "415", "422", "428", "503"],
      "delete item": ["400", "404", "406", "409", "412", "428", "503"],
    };
    const v1 = operations(doc).filter(({ path }) => path.startsWith("/v1/"));
    t.ok(v1.length >= 10);
    for (const { path, method, name, operation } of v1) {
      const responses = operation.responses ?? {};
      const kind = `${method} ${path.endsWith("}") ? "item" : "collection"}`;
      for (const status of expected[kind] ?? []) t.ok(responses[status], `${name} declares ${status}`);
      const errorStatuses = Object.keys(responses).filter((status) => Number(status) >= 400);
      t.ok(errorStatuses.length > 0, `${name} declares error responses`);
      for (const status of errorStatuses) {
        const content = responses[status]!.content ?? {};
        t.same(Object.keys(content), ["application/problem+json"], `${name} ${status} is application/problem+json`);
        const schema = deref(doc, content["application/problem+json"]?.schema as Json) as { allOf?: Json[] } | undefined;
        t.ok(schema === doc.components.schemas.Problem || schema?.allOf?.[0]?.$ref === "#/components/schemas/Problem", `${name} ${status} is a Problem`);
        t.ok(responses[status]!.description, `${name} ${status} is described`);
      }
      const success = Object.keys(responses).filter((status) => Number(status) < 300);
      t.equal(success.length, 1, `${name} declares one success status`);
      if (method === "patch") {
        // JSON Merge Patch (RFC 7396) under its own media type, or as plain JSON: Swagger UI offers what is declared.
        const content = operation.requestBody?.content ?? {};
        t.same(Object.keys(content).sort(), ["application/json", "application/merge-patch+json"], `${name} takes merge-patch+json and json`);
        t.same(content["application/merge-patch+json"]?.schema, content["application/json"]?.schema, `${name}: one schema for both`);
      }
    }
    // Operations outside /v1 that can fail say so the same way.
    const ready = doc.paths["/health/ready"]?.get?.responses?.["503"];
    t.same(Object.keys(ready?.content ?? {}), ["application/problem+json"], "readiness 503 is problem+json");

    const problem = doc.components.schemas.Problem as { properties?: Record<string, Json>; required?: string[] };
    const code = deref(doc, problem.properties?.code) as { enum?: string[] } | undefined;
    t.same((code?.enum ?? []).slice().sort(), Object.keys(PROBLEM_TYPES).sort(), "Problem.code lists every code");
    for (const member of ["type", "title", "status", "detail", "code"]) t.ok(problem.required?.includes(member), `Problem requires ${member}`);
  });

  t.test("every response declares the headers it carries; every operation its 500, every /v1 operation its 503", async (t) => {
    t.same(doc.servers, [{ url: "/", description: "The server this document is served from (local, staging or production alike).", "x-internal": false }]);
    const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
    for (const { path, name, operation } of operations(doc)) {
      const responses = (operation.responses ?? {}) as Record<string, { headers?: Record<string, unknown> }>;
      t.ok(responses["500"], `${name} declares 500`);
      if (path.startsWith("/v1/")) t.ok(responses["503"], `${name} declares 503`);
      for (const [status, response] of Object.entries(responses)) {
        const headers = response.headers ?? {};
        t.same(headers["X-Request-Id"], header("X-Request-Id"), `${name} ${status}: X-Request-Id`);
        t.same(headers["Access-Control-Allow-Origin"], header("Access-Control-Allow-Origin"), `${name} ${status}: CORS`);
        const limited = path.startsWith("/v1/") && /^[24]/.test(status);
        for (const limit of ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]) {
          t.same(headers[limit], limited ? header(limit) : undefined, `${name} ${status}: ${limit} ${limited ? "declared" : "absent (not limited)"}`);
        }
        const idempotent = (operation as { parameters?: Json[] }).parameters?.some((parameter) => parameter.name === "idempotency-key");
        const retried = status === "429" || status === "503" || (status === "409" && idempotent);
        t.same(headers["Retry-After"], retried ? header("Retry-After") : undefined, `${name} ${status}: Retry-After`);
        if (status === "201") for (const sent of ["Location", "ETag"]) t.same(headers[sent], header(sent), `${name} 201: ${sent}`);
        if (status === "304") t.same(headers.ETag, header("ETag"), `${name} 304: ETag`);
        if (status === "401") t.same(headers["WWW-Authenticate"], header("WWW-Authenticate"), `${name} 401: WWW-Authenticate`);
        if (/^2/.test(status) && idempotent) t.same(headers["Idempotent-Replayed"], header("Idempotent-Replayed"), `${name} ${status}: Idempotent-Replayed`);
      }
    }
    for (const [name, required] of [["ETag", true], ["Location", true], ["WWW-Authenticate", true], ["Link", undefined], ["Idempotent-Replayed", undefined]] as const) {
      t.equal(doc.components.headers?.[name]?.required, required, `header ${name} is ${required ? "required" : "optional"} where declared`);
    }
  });

  t.test("If-Match is required where its absence is a 428, optional elsewhere", async (t) => {
    let required = 0;
    for (const { name, operation } of operations(doc)) {
      const ifMatch = ((operation as { parameters?: Json[] }).parameters ?? []).find((parameter) => parameter.in === "header" && parameter.name === "if-match");
      if (!ifMatch) continue;
      t.equal(ifMatch.required, Boolean(operation.responses?.["428"]), `${name}: If-Match required ${Boolean(operation.responses?.["428"])}`);
      if (ifMatch.required) required++;
    }
    t.ok(required >= 21, `${required} operations require If-Match`);
  });

  t.test("every list answer declares Link, every single-record answer its ETag", async (t) => {
    for (const { name, method, operation } of operations(doc)) {
      const ok = Object.entries(operation.responses ?? {}).find(([status]) => /^2/.test(status));
      if (!ok) continue;
      const [status, response] = ok as [string, { headers?: Record<string, unknown>; content?: Record<string, { schema?: Json }> }];
      const schema = String(response.content?.["application/json"]?.schema?.$ref ?? "");
      if (schema.endsWith("Page")) t.ok(response.headers?.Link, `${name} ${status}: Link`);
      if (method === "patch" || operation.responses?.["304"]) t.ok(response.headers?.ETag, `${name} ${status}: ETag`);
    }
  });

  t.test("each error response shows a problem of its own status; problem kinds with members have their schema", async (t) => {
    const kinds: Record<string, string> = { "401": "UnauthorizedProblem", "403": "ForbiddenProblem", "412": "VersionMismatchProblem" };
    for (const { name, path, method, operation } of operations(doc)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const media = response.content?.["application/problem+json"] as (Json & { schema?: Json; example?: { status?: number; code?: string } }) | undefined;
        if (!media) continue;
        t.equal(media.example?.status, Number(status), `${name} ${status}: the example is a ${status}`);
        t.equal(PROBLEM_TYPES[media.example?.code as keyof typeof PROBLEM_TYPES]?.status, Number(status), `${name} ${status}: its code ${media.example?.code} is a ${status} code`);
        const kind = kinds[status] ?? (status === "409" && path.endsWith("/transitions") ? "TransitionNotAllowedProblem" : status === "409" && method === "delete" ? "StillReferencedProblem" : undefined);
        if (kind) t.same(media.schema, { $ref: `#/components/schemas/${kind}` }, `${name} ${status} is a ${kind}`);
      }
    }
    const members = (name: string) => Object.keys(((doc.components.schemas[name]?.allOf as Json[] | undefined)?.[1]?.properties ?? {}) as Json);
    t.same(members("VersionMismatchProblem"), ["currentVersion", "currentEtag"]);
    t.same(members("TransitionNotAllowedProblem"), ["currentStatus", "allowedTransitions"]);
    t.same(members("ForbiddenProblem"), ["requiredRole", "role"]);
  });

  t.test("request bodies are input shapes: closed objects, and a field with a default is never required", async (t) => {
    const seen = new Set<unknown>();
    const walk = (schema: unknown, where: string) => {
      if (!schema || typeof schema !== "object" || seen.has(schema)) return;
      seen.add(schema);
      const node = schema as Json & { properties?: Record<string, Json>; required?: string[] };
      if (typeof node.$ref === "string") return walk(resolve(doc, node.$ref), node.$ref);
      // An object shape; a cross-field rule's branch (`{ required: [...], properties: {...} }` in anyOf or if/then,
      // without a type) constrains members of the closed object it belongs to, and is no shape of its own.
      if (node.properties && node.type === "object") {
        t.equal(node.additionalProperties, false, `${where}: unknown fields are refused`);
        for (const field of node.required ?? []) t.equal(node.properties[field]?.default, undefined, `${where}: ${field} has a default, so it is optional`);
      }
      for (const [key, value] of Object.entries(node)) if (!["example", "default", "enum", "const"].includes(key)) Object.values(Array.isArray(value) ? { ...value } : value && typeof value === "object" ? { value } : {}).forEach((child) => walk(child, where));
    };
    for (const { name, operation } of operations(doc)) for (const media of Object.values(operation.requestBody?.content ?? {})) walk(media.schema, name);
    t.ok(seen.size > 50, `${seen.size} request schemas looked at`);
  });

  t.test("what the document declares, a /v1 answer carries", async (t) => {
    const response = await app.inject({ method: "GET", url: "/v1/coordinators?limit=1" });
    t.equal(response.statusCode, 200);
    for (const name of ["x-request-id", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]) t.ok(response.headers[name], `${name} is sent`);
    for (const [what, request] of [
      ["a 406", { method: "GET" as const, url: "/v1/coordinators", headers: { accept: "text/html" } }],
      ["a 400", { method: "GET" as const, url: "/v1/coordinators?limit=0" }],
      ["a 401", { method: "GET" as const, url: "/v1/coordinators", headers: { authorization: "Bearer nope" } }],
    ] as const) {
      const failed = await app.inject(request);
      t.ok(failed.statusCode >= 400 && failed.statusCode < 500, `${what}: ${failed.statusCode}`);
      for (const name of ["x-request-id", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]) t.ok(failed.headers[name], `${what} carries ${name}`);
    }
    const health = await app.inject({ method: "GET", url: "/health/live" });
    t.ok(health.headers["x-request-id"], "a public answer carries X-Request-Id");
    t.notOk(health.headers["ratelimit-limit"], "and no rate limit: public operations are not limited");
  });

  t.test("every referenced component exists, and every component is referenced", async (t) => {
    const refs = collectRefs(served);
    t.ok(refs.length > 0);
    for (const ref of new Set(refs)) {
      t.match(ref, /^#\/components\/((schemas|responses|parameters)\/[A-Za-z0-9]+|headers\/[A-Za-z-]+)$/, `${ref} is a local component reference`);
      t.ok(resolve(served, ref), `${ref} exists`);
    }
    const referenced = new Set(refs);
    for (const kind of ["schemas", "responses", "parameters", "headers"] as const) {
      for (const name of Object.keys(served.components[kind] ?? {})) t.ok(referenced.has(`#/components/${kind}/${name}`), `${kind} ${name} is used`);
    }
  });

  t.test("the document says each shared thing once", async (t) => {
    const size = fs.statSync(OPENAPI_FILE).size;
    // Issue 10: at most 400,000 bytes, with every operation, status, header and schema declared.
    t.ok(size <= 400_000, `openapi.yaml is ${size} bytes (at most 400,000)`);
    // No response or parameter object is written out in two operations: the second use is a $ref.
    for (const [kind, pick] of [
      ["response", (operation: Operation & { parameters?: unknown[] }) => Object.values(operation.responses ?? {})],
      ["parameter", (operation: Operation & { parameters?: unknown[] }) => operation.parameters ?? []],
    ] as const) {
      const seen = new Map<string, string>();
      for (const { name, operation } of operations(served)) {
        for (const value of pick(operation)) {
          if (value && typeof value === "object" && "$ref" in value) continue;
          const key = JSON.stringify(value);
          t.notOk(seen.has(key), `${name}: this ${kind} is also written out in ${seen.get(key)}`);
          seen.set(key, name);
        }
      }
    }
    // Nor is a component written out twice under two names.
    for (const kind of ["schemas", "responses", "parameters", "headers"] as const) {
      const names = new Map<string, string>();
      for (const [name, value] of Object.entries(served.components[kind] ?? {})) {
        const key = JSON.stringify(value);
        t.notOk(names.has(key), `${kind} ${name} is the same as ${names.get(key)}`);
        names.set(key, name);
      }
    }
    // A parameter that every operation of a path takes is written once, on the path.
    for (const [path, item] of Object.entries(served.paths)) {
      const taken = Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([, operation]) => ((operation as { parameters?: unknown[] }).parameters ?? []).map((parameter) => JSON.stringify(parameter)));
      if (taken.length < 2) continue;
      for (const key of taken[0]!) t.notOk(taken.every((keys) => keys.includes(key)), `${path}: ${key} is in every operation; it belongs on the path`);
    }
    t.ok(Object.keys(served.components.responses ?? {}).length >= 15, "shared responses are components");
    t.ok(Object.keys(served.components.parameters ?? {}).length >= 10, "shared parameters are components");
  });

  t.test("the request examples of the create operations work as they are", async (t) => {
    const exampleOf = (path: string) => {
      const schema = deref(doc, doc.paths[path]?.post?.requestBody?.content?.["application/json"]?.schema);
      t.ok(schema, `POST ${path} has a JSON request body schema`);
      t.ok(schema?.example, `POST ${path} request body has an example`);
      return structuredClone(schema?.example) as Json;
    };

    const coordinatorExample = exampleOf("/v1/coordinators");
    const coordinator = await app.inject({ method: "POST", url: "/v1/coordinators", payload: coordinatorExample });
    t.equal(coordinator.statusCode, 201, `the coordinator example is accepted: ${coordinator.body}`);
    t.equal(coordinator.json().name, coordinatorExample.name);
    t.match(coordinator.headers.location, new RegExp(`^/v1/coordinators/${coordinator.json().id}$`));

    const clusterExample = exampleOf("/v1/clusters");
    t.type(clusterExample.coordinatorId, "string", "the cluster example names a coordinator");
    const cluster = await app.inject({ method: "POST", url: "/v1/clusters", payload: { ...clusterExample, coordinatorId: coordinator.json().id } });
    t.equal(cluster.statusCode, 201, `the cluster example is accepted: ${cluster.body}`);
    t.equal(cluster.json().name, clusterExample.name);
    t.same(cluster.json().sectors, clusterExample.sectors);
    t.equal(cluster.json().coordinatorId, coordinator.json().id);

    // The PATCH examples apply to what the create examples made.
    for (const [path, created] of [
      ["/v1/coordinators/{id}", coordinator],
      ["/v1/clusters/{id}", cluster],
    ] as const) {
      const schema = deref(doc, doc.paths[path]?.patch?.requestBody?.content?.["application/json"]?.schema);
      t.ok(schema?.example, `PATCH ${path} has an example`);
      const url = path.replace("{id}", created.json().id);
      const patched = await app.inject({ method: "PATCH", url, headers: { "if-match": created.headers.etag as string }, payload: schema?.example as Json });
      t.equal(patched.statusCode, 200, `the PATCH ${path} example is accepted: ${patched.body}`);
      t.equal(patched.json().version, 2);
    }
  });
});
