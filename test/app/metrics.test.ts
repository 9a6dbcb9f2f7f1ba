import perfHooks from "node:perf_hooks";
import t from "tap";
import { Registry } from "prom-client";
import { WebhookMetrics } from "../../src/modules/webhooks/webhook-metrics.ts";
import { testApp } from "../helper.ts";

t.test("GET /metrics counts requests by route pattern and status", async (t) => {
  const { app } = await testApp(t);
  await app.inject({ method: "GET", url: "/v1/coordinators" });
  await app.inject({ method: "GET", url: "/v1/coordinators/not-a-uuid" });
  await app.inject({ method: "GET", url: "/v1/coordinators/not-a-uuid" });
  const response = await app.inject({ method: "GET", url: "/metrics" });
  t.equal(response.statusCode, 200);
  t.match(response.headers["content-type"], /^text\/plain; version=0\.0\.4/);
  t.match(response.body, /http_requests_total\{method="GET",route="\/v1\/coordinators",status="200"\} 1\n/);
  t.match(response.body, /http_requests_total\{method="GET",route="\/v1\/coordinators\/:id",status="400"\} 2\n/);
  t.match(response.body, /http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/coordinators\/:id",status="400"\} 2\n/);
  t.match(response.body, /process_resident_memory_bytes \d+/);
  t.notMatch(response.body, /not-a-uuid/, "raw URLs never become labels");
});

t.test("a route that hands over to the 404 handler (reply.callNotFound) is counted as the 404 it became", async (t) => {
  const { app } = await testApp(t);
  // GET /problems/:code matches a route, whose handler finds no such code and calls reply.callNotFound(): from then on
  // the request is the not-found handler's (request.is404), and its answer is counted as unmatched, as every 404 is.
  const missing = await app.inject({ method: "GET", url: "/problems/no_such_code" });
  t.equal(missing.statusCode, 404);
  t.equal((await app.inject({ method: "GET", url: "/problems/not_found" })).statusCode, 200);
  const body = (await app.inject({ method: "GET", url: "/metrics" })).body;
  t.match(body, /http_requests_total\{method="GET",route="unmatched",status="404"\} 1\n/);
  t.match(body, /http_requests_total\{method="GET",route="\/problems\/:code",status="200"\} 1\n/);
  t.notMatch(body, /route="\/problems\/:code",status="404"/, "not under the route it left");
});

t.test("GET /metrics has the process's series, once, and each app counts its own requests", async (t) => {
  const { app } = await testApp(t);
  const { app: other } = await testApp(t);
  await other.inject({ method: "GET", url: "/v1/coordinators" });
  const body = (await app.inject({ method: "GET", url: "/metrics" })).body;
  for (const name of ["process_cpu_seconds_total", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes", "process_resident_memory_bytes"]) {
    t.match(body, new RegExp(`^${name}(\\{[^}]*\\})? \\d`, "m"), name);
  }
  t.equal(body.match(/^# TYPE process_cpu_seconds_total /gm)?.length, 1, "each series is declared once");
  t.notMatch(body, /route="\/v1\/coordinators",status="200"/, "another app's requests are not counted here");
});

t.test("the oldest undelivered event's age is NaN when the database does not answer, and /metrics still answers", async (t) => {
  const registry = new Registry();
  const failing = { $queryRaw: () => Promise.reject(new Error("connection refused")) };
  const metrics = new WebhookMetrics(registry, failing as never);
  metrics.observe({ statusCode: 204, response: null, error: null, latencyMs: 120 });
  const text = await registry.metrics();
  t.match(text, /^webhook_oldest_undelivered_event_age_seconds Nan$/m);
  t.match(text, /^webhook_deliveries_total\{outcome="success"\} 1$/m);
  t.match(text, /^webhook_attempt_duration_seconds_bucket\{le="0\.25"\} 1$/m);
});

t.test("the process's series are collected once per process, not once per app", async (t) => {
  // Each collection starts an event-loop delay monitor and a GC observer that nothing ever stops: one per app built
  // would pile up in a process that builds many (the tests; a server restarted in process).
  const original = perfHooks.monitorEventLoopDelay;
  let monitors = 0;
  perfHooks.monitorEventLoopDelay = (...args) => {
    monitors += 1;
    return original(...args);
  };
  t.teardown(() => {
    perfHooks.monitorEventLoopDelay = original;
  });
  for (let i = 0; i < 2; i++) {
    const { app } = await testApp(t);
    t.match((await app.inject({ method: "GET", url: "/metrics" })).body, /^nodejs_eventloop_lag_seconds \d/m);
  }
  t.ok(monitors <= 1, `one event-loop monitor for the process (${monitors} started by two apps)`);
});
