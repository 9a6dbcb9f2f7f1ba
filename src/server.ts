import { buildApp } from "./app.ts";
import { loggerOptions } from "./lib/logging.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { seedDemoData } from "./db/seed.ts";
import { createApiKey } from "./modules/api-keys/api-keys-service.ts";

/**
 * The entry point: configuration -> database (migrated, seeded when new) -> app -> port.
 * Any start-up failure is one line on stderr and exit code 1; SIGTERM/SIGINT close gracefully.
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

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while shutting down: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  });
}
