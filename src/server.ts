import "./v8-flags.ts";
import { setTimeout as sleep } from "node:timers/promises";
import closeWithGrace from "close-with-grace";
import { buildApp } from "./app.ts";
import { loggerOptions } from "./lib/logging.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { seedDemoData } from "./db/seed.ts";
import { createApiKey } from "./modules/api-keys/api-keys-service.ts";

/**
 * The entry point: configuration -> database (migrated, seeded when new) -> app -> port.
 * Any start-up failure is one line on stderr and exit code 1; SIGTERM drains, then closes gracefully (below).
 */

const fail = (message: string): never => {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
};

if (typeof process.loadEnvFile === "function") {
  try {
    process.loadEnvFile(); // .env, if there is one; real environment variables win
  } catch {
    /* no .env file */
  }
}

let config;
try {
  config = loadConfig();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
config = config!;

let database: Database | undefined;
/** On a new embedded database with demo data: an admin key, printed once below so a newcomer can try every endpoint. */
let demoKey: string | undefined;
try {
  database = await openDatabase(config.database);
  if (config.migrateOnStart) {
    const { applied, checksumMismatches } = await database.migrate();
    if (applied.length > 0) process.stdout.write(`applied migrations: ${applied.join(", ")}\n`);
    if (checksumMismatches.length > 0) process.stderr.write(`warning: migrations changed after they were applied: ${checksumMismatches.join(", ")}\n`);
  }
  if (config.seedDemoData && database.kind === "pglite" && database.createdNow) {
    const summary = await seedDemoData(database.prisma);
    process.stdout.write(`new embedded database: loaded the demo data (${summary})\n`);
  }
  // Also when an earlier first start stopped before printing its key (e.g. the port was taken): no key at all means
  // nobody can use /v1 yet, so there is no one to hide a new one from.
  if (
    config.seedDemoData &&
    database.kind === "pglite" &&
    (database.createdNow || (await database.prisma.apiKey.count().catch(() => -1)) === 0)
  ) {
    demoKey = (await createApiKey(database.prisma, { name: "demo admin key", role: "admin" })).key;
  }
} catch (error) {
  await database?.close().catch(() => undefined);
  fail((error as Error).message.split("\n")[0] ?? String(error));
}
database = database!;

let app: Awaited<ReturnType<typeof buildApp>>;
try {
  // Fails when a service it needs at start-up does not answer (Redis, with REDIS_URL).
  app = await buildApp({
    database,
    config,
    closeDatabase: true,
    logger: loggerOptions(config.logLevel),
  });
} catch (error) {
  await database.close().catch(() => undefined);
  fail((error as Error).message.split("\n")[0] ?? String(error));
}
app = app!;

try {
  await app.listen({ host: config.host, port: config.port });
} catch (error) {
  await app.close().catch(() => undefined);
  const e = error as NodeJS.ErrnoException;
  fail(e.code === "EADDRINUSE" ? `port ${config.port} on ${config.host} is already in use (set PORT to another one)` : e.message);
}

const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
const address = app.server.address();
const port = typeof address === "object" && address ? address.port : config.port;
process.stdout.write(
  `Cluster Records API on ${database.description}\nAPI docs: http://${shownHost}:${port}/docs\n` +
    (demoKey ? `Demo admin key (shown once; press Authorize in /docs): ${demoKey}\n` : ""),
);

/**
 * Graceful shutdown (close-with-grace installs the handlers): on SIGTERM, /health/ready turns 503 at once while
 * everything else is served for SHUTDOWN_DRAIN_DELAY_MS, so a load balancer that still routes here loses nothing;
 * then the server stops accepting, in-flight requests finish (for at most SHUTDOWN_TIMEOUT_MS, after which the
 * connections left are cut and the exit code is 1), the database pool closes, and the process exits 0. SIGINT (Ctrl-C
 * at a terminal) skips the drain. An uncaught error closes the same way, without the drain, and exits 1. A second
 * signal exits at once.
 */
closeWithGrace(
  {
    delay: config.shutdown.drainDelayMs + config.shutdown.timeoutMs + 5_000,
    logger: { error: (message: unknown) => app.log.error({ detail: String(message) }, "shutdown") },
  },
  async ({ signal, err }) => {
    if (err) app.log.error({ err }, "uncaught error: shutting down");
    else app.log.info({ signal, drainDelayMs: signal === "SIGTERM" ? config.shutdown.drainDelayMs : 0 }, "shutting down");
    app.lifecycle.startDraining();
    if (signal === "SIGTERM") await sleep(config.shutdown.drainDelayMs);
    let cut = false;
    const limit = setTimeout(() => {
      cut = true;
      app.log.warn({ timeoutMs: config.shutdown.timeoutMs }, "shutdown: in-flight requests outlived SHUTDOWN_TIMEOUT_MS; closing their connections");
      app.server.closeAllConnections();
    }, config.shutdown.timeoutMs);
    try {
      await app.close();
    } finally {
      clearTimeout(limit);
    }
    if (cut) throw new Error(`requests were still running after SHUTDOWN_TIMEOUT_MS (${config.shutdown.timeoutMs} ms)`);
    app.log.info("shut down");
  },
);
