// Security headers on every answer (API, docs, errors), CORS only for the configured origins, and timeouts: a request
// that takes too long is answered 503 request_timeout, a connection that goes silent is closed.
import net from "node:net";
import t from "tap";
import type { Test } from "tap";
import type { LightMyRequestResponse } from "fastify";
import { buildApp, type AppOptions } from "../../src/app.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import type { Database } from "../../src/db/database.ts";
import { TEST_CONFIG, createTestKey, testDatabase } from "../helper.ts";

t.setTimeout(120_000);

const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

async function appWith(t: Test, database: Database, config: Partial<NonNullable<AppOptions["config"]>> = {}) {
  const app = await buildApp({ database, config: { ...TEST_CONFIG, ...config } });
  t.teardown(() => app.close());
  return app;
}

function assertSecurityHeaders(t: Test, response: LightMyRequestResponse, what: string, policy: "api" | "docs" = "api") {
  t.equal(response.headers["x-content-type-options"], "nosniff", `${what}: nosniff`);
  t.equal(response.headers["referrer-policy"], "no-referrer", `${what}: Referrer-Policy`);
  t.equal(response.headers["x-frame-options"], "DENY", `${what}: X-Frame-Options`);
  const csp = String(response.headers["content-security-policy"]);
  if (policy === "api") t.equal(csp, API_POLICY, `${what}: the API's CSP`);
  else {
    t.match(csp, /(^|; )default-src 'self'(;|$)/, `${what}: docs CSP`);
    t.match(csp, /(^|; )script-src 'self'(;|$)/, `${what}: scripts only from the service, none inline`);
    t.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, `${what}: never framed`);
    t.notMatch(csp, /unsafe-eval/, `${what}: no eval`);
  }
  t.equal(response.headers["strict-transport-security"], undefined, `${what}: no HSTS over plain HTTP`);
}

t.test("configuration of the hardening variables", async (t) => {
  const defaults = loadConfig({ DATA_DIR: "memory://" });
  t.same(defaults.timeouts, { requestMs: 30_000, connectionMs: 90_000, keepAliveMs: 72_000 });
  t.same(defaults.corsOrigins, [], "CORS off by default");
  t.same(defaults.rateLimit, { enabled: true, max: 600, anonymousMax: 60, windowSeconds: 60, redisUrl: undefined });
  const set = loadConfig({
    CORS_ORIGINS: " https://App.example.com/ , http://localhost:5173",
    REQUEST_TIMEOUT_MS: "5000",
    CONNECTION_TIMEOUT_MS: "6000",
    KEEP_ALIVE_TIMEOUT_MS: "7000",
    RATE_LIMIT_MAX: "10",
    RATE_LIMIT_ANONYMOUS_MAX: "2",
    RATE_LIMIT_WINDOW_SECONDS: "30",
    RATE_LIMIT_ENABLED: "false",
    REDIS_URL: "redis://:secret@127.0.0.1:6379/2",
  });
  t.same(set.corsOrigins, ["https://app.example.com", "http://localhost:5173"], "trimmed, lower case, no trailing slash");
  t.same(set.timeouts, { requestMs: 5000, connectionMs: 6000, keepAliveMs: 7000 });
  t.same(set.rateLimit, { enabled: false, max: 10, anonymousMax: 2, windowSeconds: 30, redisUrl: "redis://:secret@127.0.0.1:6379/2" });
  t.same(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins, ["*"]);
  t.equal(loadConfig({ REDIS_URL: "" }).rateLimit.redisUrl, undefined, "an empty REDIS_URL is unset");
  t.equal(defaults.workerMetricsPort, null, "a worker serves no metrics unless asked");
  t.equal(loadConfig({ WEBHOOK_WORKER_METRICS_PORT: "9464" }).workerMetricsPort, 9464);
  t.equal(loadConfig({ WEBHOOK_WORKER_METRICS_PORT: "" }).workerMetricsPort, null, "empty is unset");

  for (const [env, name] of [
    [{ CORS_ORIGINS: "app.example.com" }, "CORS_ORIGINS"],
    [{ CORS_ORIGINS: "https://app.example.com/api" }, "CORS_ORIGINS"],
    [{ REDIS_URL: "127.0.0.1:6379" }, "REDIS_URL"],
    [{ RATE_LIMIT_MAX: "0" }, "RATE_LIMIT_MAX"],
    [{ RATE_LIMIT_ANONYMOUS_MAX: "many" }, "RATE_LIMIT_ANONYMOUS_MAX"],
    [{ RATE_LIMIT_WINDOW_SECONDS: "1.5" }, "RATE_LIMIT_WINDOW_SECONDS"],
    [{ RATE_LIMIT_ENABLED: "sometimes" }, "RATE_LIMIT_ENABLED"],
    [{ REQUEST_TIMEOUT_MS: "-1" }, "REQUEST_TIMEOUT_MS"],
    [{ KEEP_ALIVE_TIMEOUT_MS: "x" }, "KEEP_ALIVE_TIMEOUT_MS"],
    [{ REQUEST_TIMEOUT_MS: "60000", CONNECTION_TIMEOUT_MS: "60000" }, "CONNECTION_TIMEOUT_MS"],
    [{ WEBHOOK_WORKER_METRICS_PORT: "metrics" }, "WEBHOOK_WORKER_METRICS_PORT"],
    [{ WEBHOOK_WORKER_METRICS_PORT: "70000" }, "WEBHOOK_WORKER_METRICS_PORT"],
  ] as const) {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    t.ok(error instanceof ConfigError, `${JSON.stringify(env)} is rejected`);
    const message = (error as Error | undefined)?.message ?? "";
    t.match(message, new RegExp(`\\b${name}\\b`), message);
    t.notMatch(message, /\n/, "one line");
  }
});

t.test("security headers", async (t) => {
  const database = await testDatabase(t);
  const app = await appWith(t, database, { bodyLimit: 1024 });
  app.get("/test-only/boom", async () => {
    throw new Error("internal detail");
  });
  await app.ready();
  const reader = await createTestKey(database, "reader");
  const editor = await createTestKey(database, "editor");

  t.test("on API answers, operations endpoints and errors", async (t) => {
    const cases: Array<[string, () => Promise<LightMyRequestResponse>, number]> = [
      ["a list", () => app.inject({ method: "GET", url: "/v1/clusters", headers: reader.headers }), 200],
      ["no key", () => app.inject({ method: "GET", url: "/v1/clusters" }), 401],
      ["a role too low", () => app.inject({ method: "POST", url: "/v1/coordinators", headers: reader.headers, payload: { name: "x" } }), 403],
      ["an unknown path", () => app.inject({ method: "GET", url: "/v1/nothing", headers: reader.headers }), 404],
      ["a wrong method", () => app.inject({ method: "PUT", url: "/v1/clusters", headers: reader.headers }), 405],
      ["a URL that does not decode", () => app.inject({ method: "GET", url: "/v1/clusters/%E0%A4%A" }), 400],
      ["a body too large", () => app.inject({ method: "POST", url: "/v1/coordinators", headers: editor.headers, payload: { name: "x".repeat(2000) } }), 413],
      ["Accept without JSON", () => app.inject({ method: "GET", url: "/v1/clusters", headers: { ...reader.headers, accept: "text/html" } }), 406],
      ["an unexpected exception", () => app.inject({ method: "GET", url: "/test-only/boom" }), 500],
      ["health", () => app.inject({ method: "GET", url: "/health/live" }), 200],
      ["metrics", () => app.inject({ method: "GET", url: "/metrics" }), 200],
      ["the OpenAPI document", () => app.inject({ method: "GET", url: "/openapi.json" }), 200],
      ["the problem catalogue", () => app.inject({ method: "GET", url: "/problems" }), 200],
    ];
    for (const [what, send, status] of cases) {
      const response = await send();
      t.equal(response.statusCode, status, `${what}: ${status} (${response.body.slice(0, 120)})`);
      assertSecurityHeaders(t, response, what);
    }
  });

  t.test("on the docs: Swagger UI and every asset its page loads, under a CSP they work with", async (t) => {
    const index = await app.inject({ method: "GET", url: "/docs/" });
    t.equal(index.statusCode, 200);
    t.match(index.headers["content-type"], /^text\/html/);
    assertSecurityHeaders(t, index, "/docs/", "docs");
    // No inline script: script-src 'self' would block it.
    t.notMatch(index.body, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/, "no inline <script> content");
    t.notMatch(index.body, /\son[a-z]+\s*=/i, "no inline event handlers");
    const assets = [...index.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    t.ok(assets.length >= 5, `the page loads ${assets.length} assets`);
    for (const asset of [...assets, "./json"]) {
      t.notMatch(asset, /^(https?:)?\/\//, `${asset} is on this service`);
      const url = new URL(asset, "http://localhost/docs/").pathname;
      const response = await app.inject({ method: "GET", url });
      t.equal(response.statusCode, 200, `${url}: 200`);
      assertSecurityHeaders(t, response, url, "docs");
    }
    const redirect = await app.inject({ method: "GET", url: "/docs" });
    assertSecurityHeaders(t, redirect, "/docs", "docs");
  });

  t.test("HSTS only for requests that came over HTTPS, as a trusted proxy says", async (t) => {
    const behindProxy = await appWith(t, database, { trustProxy: true });
    await behindProxy.ready();
    const https = await behindProxy.inject({ method: "GET", url: "/health/live", headers: { "x-forwarded-proto": "https" } });
    t.equal(https.headers["strict-transport-security"], "max-age=31536000");
    const http = await behindProxy.inject({ method: "GET", url: "/health/live", headers: { "x-forwarded-proto": "http" } });
    t.equal(http.headers["strict-transport-security"], undefined);
    const untrusted = await app.inject({ method: "GET", url: "/health/live", headers: { "x-forwarded-proto": "https" } });
    t.equal(untrusted.headers["strict-transport-security"], undefined, "X-Forwarded-Proto from an untrusted client is ignored");
  });
});

t.test("CORS", async (t) => {
  const database = await testDatabase(t);
  const reader = await createTestKey(database, "reader");
  const preflight = (app: Awaited<ReturnType<typeof appWith>>, origin: string, method = "PATCH") =>
    app.inject({
      method: "OPTIONS",
      url: "/v1/clusters/01900000-0000-7000-8000-000000000000",
      headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization, if-match, content-type" },
    });

  t.test("off by default: no CORS headers, preflights are not answered", async (t) => {
    const app = await appWith(t, database);
    await app.ready();
    const response = await preflight(app, "https://app.example.com");
    t.not(response.statusCode, 204);
    t.equal(response.headers["access-control-allow-origin"], undefined);
    t.equal(response.headers["access-control-allow-methods"], undefined);
    const get = await app.inject({ method: "GET", url: "/v1/clusters", headers: { ...reader.headers, origin: "https://app.example.com" } });
    t.equal(get.statusCode, 200);
    t.equal(get.headers["access-control-allow-origin"], undefined);
    t.equal(get.headers["access-control-expose-headers"], undefined);
  });

  t.test("CORS_ORIGINS: allowed origins get preflights and headers, others get nothing", async (t) => {
    const app = await appWith(t, database, { corsOrigins: ["https://app.example.com", "http://localhost:5173"] });
    await app.ready();

    const allowed = await preflight(app, "https://app.example.com");
    t.equal(allowed.statusCode, 204, "the preflight is answered without an API key");
    t.equal(allowed.headers["access-control-allow-origin"], "https://app.example.com");
    t.equal(allowed.headers["access-control-allow-credentials"], undefined, "no credentials: keys travel in Authorization");
    const methods = String(allowed.headers["access-control-allow-methods"]).split(/,\s*/);
    for (const method of ["GET", "POST", "PATCH", "DELETE"]) t.ok(methods.includes(method), `allows ${method}`);
    const headers = String(allowed.headers["access-control-allow-headers"]).toLowerCase().split(/,\s*/);
    for (const header of ["authorization", "if-match", "if-none-match", "idempotency-key", "content-type"]) t.ok(headers.includes(header), `allows ${header}`);
    t.ok(Number(allowed.headers["access-control-max-age"]) > 0, "cacheable");
    t.match(allowed.headers.vary, /\bOrigin\b/);
    t.ok(allowed.headers["x-request-id"], "X-Request-Id on preflights too");
    assertSecurityHeaders(t, allowed, "preflight");
    t.equal((await preflight(app, "http://localhost:5173", "POST")).statusCode, 204, "the second origin");

    const other = await preflight(app, "https://evil.example.net");
    t.not(other.statusCode, 204, "another origin's preflight is not answered");
    t.equal(other.headers["access-control-allow-origin"], undefined);
    t.equal(other.headers["access-control-allow-methods"], undefined);

    const get = await app.inject({ method: "GET", url: "/v1/clusters", headers: { ...reader.headers, origin: "https://app.example.com" } });
    t.equal(get.statusCode, 200);
    t.equal(get.headers["access-control-allow-origin"], "https://app.example.com");
    t.match(get.headers.vary, /\bOrigin\b/);
    const exposed = String(get.headers["access-control-expose-headers"]).toLowerCase().split(/,\s*/);
    for (const header of ["etag", "location", "link", "x-request-id", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after", "idempotent-replayed"]) {
      t.ok(exposed.includes(header), `exposes ${header}`);
    }
    // Errors carry them too, or a browser could not read them.
    const unauthorized = await app.inject({ method: "GET", url: "/v1/clusters", headers: { origin: "https://app.example.com" } });
    t.equal(unauthorized.statusCode, 401);
    t.equal(unauthorized.headers["access-control-allow-origin"], "https://app.example.com");

    const otherGet = await app.inject({ method: "GET", url: "/v1/clusters", headers: { ...reader.headers, origin: "https://evil.example.net" } });
    t.equal(otherGet.statusCode, 200, "the server still answers (CORS is enforced by the browser)");
    t.equal(otherGet.headers["access-control-allow-origin"], undefined);
    t.match(otherGet.headers.vary, /\bOrigin\b/);

    // A 404 stays a 404: preflight handling adds no OPTIONS route that would make every path exist.
    const missing = await app.inject({ method: "GET", url: "/nothing/here" });
    t.equal(missing.statusCode, 404);
  });

  t.test("CORS_ORIGINS=*: any origin", async (t) => {
    const app = await appWith(t, database, { corsOrigins: ["*"] });
    await app.ready();
    const response = await preflight(app, "https://anywhere.example.org");
    t.equal(response.statusCode, 204);
    t.equal(response.headers["access-control-allow-origin"], "*");
  });
});

t.test("timeouts", async (t) => {
  const database = await testDatabase(t);

  t.test("the server gets the configured timeouts", async (t) => {
    const app = await appWith(t, database, { timeouts: { requestMs: 1234, connectionMs: 5678, keepAliveMs: 4321 } });
    await app.ready();
    t.equal(app.server.requestTimeout, 1234, "receiving a request");
    t.equal(app.server.timeout, 5678, "an idle socket");
    t.equal(app.server.keepAliveTimeout, 4321, "an idle keep-alive connection");
    const defaults = await appWith(t, database);
    await defaults.ready();
    t.equal(defaults.server.requestTimeout, 30_000);
    t.equal(defaults.server.keepAliveTimeout, 72_000);
  });

  t.test("a request that takes longer than REQUEST_TIMEOUT_MS is a 503 request_timeout problem", async (t) => {
    const app = await appWith(t, database, { timeouts: { requestMs: 300, connectionMs: 2_000, keepAliveMs: 1_000 } });
    let finished = false;
    app.get("/test-only/slow", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      finished = true;
      return { late: true };
    });
    app.get("/test-only/quick", async () => ({ quick: true }));
    await app.ready();

    const started = Date.now();
    const response = await app.inject({ method: "GET", url: "/test-only/slow" });
    const elapsed = Date.now() - started;
    t.equal(response.statusCode, 503);
    t.equal(response.headers["content-type"], "application/problem+json; charset=utf-8");
    const body = response.json();
    t.equal(body.code, "request_timeout");
    t.equal(response.headers["retry-after"], "5", "a 503 says when to try again");
    t.equal(body.type, "/problems/request_timeout");
    t.equal(body.requestId, response.headers["x-request-id"]);
    t.ok(elapsed >= 280 && elapsed < 1_000, `answered at the timeout (${elapsed} ms), not when the handler finished`);
    t.notOk(finished, "before the handler finished");
    assertSecurityHeaders(t, response, "the timeout");
    t.equal((await app.inject({ method: "GET", url: "/test-only/quick" })).statusCode, 200, "quick requests are unaffected");
    await new Promise((resolve) => setTimeout(resolve, 900));
    t.ok(finished, "the late handler ran to its end without crashing anything");
    t.equal((await app.inject({ method: "GET", url: "/test-only/quick" })).statusCode, 200);
  });

  t.test("over a real socket: a request with a body whose handler outlives the timeout gets its 503 at the timeout", async (t) => {
    // Node emits the request's 'close' as soon as a body has been read; a timeout cleared by it (Fastify's
    // handlerTimeout) never answered a slow POST. inject() does not show this: only a real connection does.
    const app = await appWith(t, database, { timeouts: { requestMs: 300, connectionMs: 5_000, keepAliveMs: 1_000 } });
    app.post("/test-only/slow-post", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return { late: true };
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as net.AddressInfo;
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${port}/test-only/slow-post`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    const elapsed = Date.now() - started;
    t.equal(response.status, 503);
    t.equal(((await response.json()) as { code: string }).code, "request_timeout");
    t.equal(response.headers.get("retry-after"), "5");
    t.ok(elapsed >= 280 && elapsed < 1_200, `answered at the timeout (${elapsed} ms), not when the handler finished`);
  });

  t.test("over a real socket: a client that stops sending is cut off", async (t) => {
    const app = await appWith(t, database, { timeouts: { requestMs: 300, connectionMs: 600, keepAliveMs: 400 } });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as net.AddressInfo;

    // Half a request, then silence: the socket is closed (Node may first answer 408).
    const started = Date.now();
    const received = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => socket.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n"));
      let data = "";
      socket.setEncoding("utf8").on("data", (chunk) => (data += chunk));
      socket.on("close", () => resolve(data));
      socket.on("error", reject);
      setTimeout(() => reject(new Error("the server never closed the connection")), 10_000).unref();
    });
    const elapsed = Date.now() - started;
    t.ok(elapsed < 5_000, `closed after ${elapsed} ms`);
    t.notMatch(received, /^HTTP\/1\.1 200/, "never answered as if complete");

    // An idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS.
    const idle = await new Promise<{ data: string; elapsed: number }>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => socket.write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n"));
      let data = "";
      let answeredAt = 0;
      socket.setEncoding("utf8").on("data", (chunk) => {
        data += chunk;
        answeredAt ||= Date.now();
      });
      socket.on("close", () => resolve({ data, elapsed: Date.now() - answeredAt }));
      socket.on("error", reject);
      setTimeout(() => reject(new Error("the server kept the idle connection open")), 10_000).unref();
    });
    t.match(idle.data, /^HTTP\/1\.1 200/, "the request was answered");
    t.ok(idle.elapsed >= 300 && idle.elapsed < 3_000, `then the idle connection was closed after ${idle.elapsed} ms`);
  });
});
