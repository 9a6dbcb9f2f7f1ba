// The webhook delivery worker as a process of its own (`npm run worker`), for deployments that set
// WEBHOOK_DELIVER_IN_PROCESS=false on the API instances. Any number may run against one database (PostgreSQL; the
// embedded database belongs to one process). SIGTERM/SIGINT: stop claiming, finish the attempts in flight, exit 0.
import { randomUUID } from "node:crypto";
import http from "node:http";
import closeWithGrace from "close-with-grace";
import { Registry } from "prom-client";
import { ConfigError, loadConfig } from "../config.ts";
import { openDatabase } from "../db/database.ts";
import { problemText } from "../lib/messages/problems.ts";
import { problemBody, type ProblemBody } from "../lib/problem.ts";
import { processMetrics } from "../lib/process-metrics.ts";
import { WebhookMetrics } from "../modules/webhooks/webhook-metrics.ts";
import { deliveryWorker } from "../modules/webhooks/webhook-worker.ts";

if (typeof process.loadEnvFile === "function") {
  try {
    process.loadEnvFile();
  } catch {
    /* no .env file */
  }
}

let config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`error: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
// JSON lines, like the service's logs (the worker has no requests, so no Fastify logger is needed).
const line = (level: string) => (object: object, msg?: string) => {
  const { err, ...rest } = object as { err?: Error };
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), msg, ...rest, ...(err ? { err: { message: err.message } } : {}) })}\n`);
};
const log = { info: line("info"), warn: line("warn"), error: line("error") };
const database = await openDatabase(config.database).catch((error: Error) => {
  process.stderr.write(`error: ${error.message.split("\n")[0]}\n`);
  process.exit(1);
});
// Its deliveries by outcome, their latency, the backlog and the process's own series, at GET /metrics on
// WEBHOOK_WORKER_METRICS_PORT (the service's /metrics shows only its own instance's deliveries).
const registry = new Registry();
const worker = deliveryWorker(database.prisma, config.webhooks, log, new WebhookMetrics(registry, database.prisma));
const metricsServer = config.workerMetricsPort === null ? undefined : await serveMetrics(config.workerMetricsPort);
worker.start();
log.info({ database: database.description, pid: process.pid, metricsPort: config.workerMetricsPort }, "webhook worker started");
// The delivery loop's timer does not hold the event loop open (an app that embeds it must be able to end), and an
// empty event loop is a normal exit to close-with-grace ('beforeExit'): this process, which exists for the loop, keeps
// itself alive until a signal. (Without it, a worker idle between two polls could stop by itself.)
const alive = setInterval(() => undefined, 60_000);

closeWithGrace({ delay: config.webhooks.attemptTimeoutMs + 5_000 }, async ({ err }) => {
  clearInterval(alive);
  if (err) log.error({ err }, "uncaught error: stopping");
  await worker.stop();
  // close() waits for every connection with a request unfinished (or none begun): a scraper's socket would hold the
  // shutdown past close-with-grace's delay (exit 1, the database never closed). A scrape cut short is only a gap.
  await new Promise((resolve) => {
    if (!metricsServer) return resolve(undefined);
    metricsServer.close(resolve);
    metricsServer.closeAllConnections();
  });
  await database.close();
  log.info({}, "webhook worker stopped");
});

/**
 * GET (and HEAD) /metrics on `port` (HOST), Prometheus text; anything else a 404, as a problem like the service's. A
 * port that cannot be had is one line and exit 1.
 */
async function serveMetrics(port: number): Promise<http.Server> {
  const everything = Registry.merge([registry, processMetrics()]);
  const problem = (response: http.ServerResponse, body: ProblemBody) =>
    response.writeHead(body.status, { "content-type": "application/problem+json" }).end(JSON.stringify(body));
  const server = http.createServer((request, response) => {
    const path = request.url?.split("?")[0] ?? "";
    if ((request.method !== "GET" && request.method !== "HEAD") || path !== "/metrics") {
      problem(response, problemBody("not_found", problemText("nothingAt", { method: request.method ?? "", path })));
      return;
    }
    everything.metrics().then(
      (text) => response.writeHead(200, { "content-type": everything.contentType }).end(text),
      (error: unknown) => {
        const requestId = randomUUID();
        log.error({ err: error as Error, requestId }, "metrics could not be collected");
        problem(response, problemBody("internal_error", problemText("internalError", { requestId }), { requestId }));
      },
    );
  });
  await new Promise<void>((resolve) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      process.stderr.write(`error: cannot serve metrics on ${config!.host}:${port}: ${error.code ?? error.message}\n`);
      process.exit(1);
    });
    server.listen(port, config!.host, resolve);
  });
  return server;
}
