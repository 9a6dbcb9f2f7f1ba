import fp from "fastify-plugin";
import type { FastifyInstance } from "fastify";

declare module "fastify" {
  interface FastifyInstance {
    /** More metrics, from other plugins (webhooks): each gives its lines; one that fails is left out of that answer. */
    metricsSources: Array<() => Promise<string[]>>;
  }
}

/**
 * Prometheus metrics at GET /metrics, without a client library: request counts and a latency histogram per
 * method, route pattern and status, plus process memory and uptime. Route patterns (not raw URLs) keep the
 * number of series bounded.
 */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Series = { labels: string; count: number; sum: number; buckets: number[] };

const escapeLabel = (value: string) => value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

async function metricsPlugin(app: FastifyInstance) {
  const series = new Map<string, Series>();
  const startedAt = Date.now();
  app.decorate("metricsSources", []);

  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
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
    const lines: string[] = [
      "# HELP http_requests_total HTTP requests answered, by method, route and status.",
      "# TYPE http_requests_total counter",
    ];
    for (const { labels, count } of series.values()) lines.push(`http_requests_total{${labels}} ${count}`);
    lines.push("# HELP http_request_duration_seconds Time to answer HTTP requests.", "# TYPE http_request_duration_seconds histogram");
    for (const { labels, count, sum, buckets } of series.values()) {
      BUCKETS.forEach((bound, i) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${bound}"} ${buckets[i]}`));
      lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${count}`);
      lines.push(`http_request_duration_seconds_sum{${labels}} ${sum}`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${count}`);
    }
    const memory = process.memoryUsage();
    lines.push(
      "# HELP process_resident_memory_bytes Resident memory size in bytes.",
      "# TYPE process_resident_memory_bytes gauge",
      `process_resident_memory_bytes ${memory.rss}`,
      "# HELP nodejs_heap_used_bytes V8 heap in use, in bytes.",
      "# TYPE nodejs_heap_used_bytes gauge",
      `nodejs_heap_used_bytes ${memory.heapUsed}`,
      "# HELP process_uptime_seconds Seconds since the service started.",
      "# TYPE process_uptime_seconds gauge",
      `process_uptime_seconds ${(Date.now() - startedAt) / 1000}`,
    );
    for (const source of app.metricsSources) lines.push(...(await source().catch(() => [])));
    return reply.type("text/plain; version=0.0.4; charset=utf-8").send(lines.join("\n") + "\n");
  });
}

export default fp(metricsPlugin, { name: "metrics" });
