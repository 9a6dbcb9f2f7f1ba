import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { processMetrics } from "../lib/process-metrics.ts";
import { routeOf } from "./request-context.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** This app's Prometheus series other than the HTTP ones; plugins (webhooks) register theirs here. */
    metrics: Registry;
  }
}

/**
 * Prometheus metrics at GET /metrics: request counts and a latency histogram per method, route pattern and status;
 * the series other plugins register in `app.metrics` (prom-client); and the process's own from prom-client (CPU,
 * memory, event-loop lag, GC, handles). Route patterns (not raw URLs) keep the number of series bounded.
 *
 * The HTTP series are counted here rather than by a prom-client Histogram and Counter: their `observe` and `inc`
 * make a closure and a label/value object and validate the labels on every call, and with them a GET by id cost
 * about 5 % more server CPU (A/B over HTTP, both orders, bench/RESULTS.md). This hook adds to a count, a sum and the
 * buckets the time falls in; the text follows prom-client's exposition (label order, `le` first).
 */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Series = { labels: string; count: number; sum: number; buckets: number[] };

const escapeLabel = (value: string) => value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

function httpLines(series: Iterable<Series>): string {
  const lines = ["# HELP http_requests_total HTTP requests answered, by method, route and status.", "# TYPE http_requests_total counter"];
  const all = [...series];
  for (const { labels, count } of all) lines.push(`http_requests_total{${labels}} ${count}`);
  lines.push("", "# HELP http_request_duration_seconds Time to answer HTTP requests.", "# TYPE http_request_duration_seconds histogram");
  for (const { labels, count, sum, buckets } of all) {
    BUCKETS.forEach((bound, i) => lines.push(`http_request_duration_seconds_bucket{le="${bound}",${labels}} ${buckets[i]}`));
    lines.push(`http_request_duration_seconds_bucket{le="+Inf",${labels}} ${count}`);
    lines.push(`http_request_duration_seconds_sum{${labels}} ${sum}`, `http_request_duration_seconds_count{${labels}} ${count}`);
  }
  return lines.join("\n");
}

async function metricsPlugin(app: FastifyInstance) {
  const registry = new Registry();
  app.decorate("metrics", registry);
  const processSeries = processMetrics();
  const series = new Map<string, Series>();

  app.addHook("onResponse", (request, reply, done) => {
    const route = routeOf(request).url ?? "unmatched";
    if (route === "/metrics") return done();
    // Escaped into the exposition's label text once per series, not on every response.
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let entry = series.get(key);
    if (!entry) {
      const labels = `method="${request.method}",route="${escapeLabel(route)}",status="${reply.statusCode}"`;
      series.set(key, (entry = { labels, count: 0, sum: 0, buckets: BUCKETS.map(() => 0) }));
    }
    const seconds = reply.elapsedTime / 1000;
    entry.count += 1;
    entry.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) entry.buckets[i]! += 1;
    done();
  });

  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    const others = await Registry.merge([registry, processSeries]).metrics();
    return reply.type(registry.contentType).send(`${httpLines(series.values())}\n\n${others}`);
  });
}

export default fp(metricsPlugin, { name: "metrics" });
