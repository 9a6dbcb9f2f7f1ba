import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { PGlite } from "@electric-sql/pglite";
import { DATABASE_TIMEOUT_DEFAULTS, type DatabaseConfig } from "../config.ts";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrate, type MigrationResult, type SqlSession } from "./migrate.ts";
import { listenPostgres, type NotificationHandlers } from "./notifications.ts";
import { openPglite } from "./pglite.ts";
import { serialTransactions } from "./serial-transactions.ts";
import { dataModelOf } from "./sql-catalog.ts";
import { sqlModels, type SqlModels } from "./sql-models.ts";
import { appTransactions } from "./transactions.ts";

export { PrismaClient };

/** One database behind the app: PostgreSQL through node-postgres, or embedded PGlite; the same Prisma client for both. */
export type Database = {
  kind: DatabaseConfig["kind"];
  /** For logs: where the data lives, without credentials. */
  description: string;
  prisma: PrismaClient;
  /** Plain reads straight through node-postgres, on PostgreSQL (src/db/sql-models.ts); PGlite reads through Prisma. */
  sql?: SqlModels;
  /** True when this process created the (embedded) database, i.e. it started empty. */
  createdNow: boolean;
  migrate(): Promise<MigrationResult>;
  ping(timeoutMs?: number): Promise<void>;
  /** Requests waiting for a free connection right now (load shedding watches it); 0 on PGlite, which has none. */
  poolWaiting(): number;
  /** Follows `NOTIFY channel` (see src/db/notifications.ts); the returned function stops. */
  listen(channel: string, handlers: NotificationHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

export function describePostgresUrl(url: string): string {
  const u = new URL(url);
  return `PostgreSQL at ${u.hostname}:${u.port || 5432}/${decodeURIComponent(u.pathname.slice(1))}`;
}

const reason = (error: unknown) => {
  const e = (error ?? {}) as { code?: string; message?: unknown };
  if (e.code === "ECONNREFUSED") return "connection refused";
  const message = typeof e.message === "string" && e.message !== "" ? e.message : typeof error === "string" ? error : JSON.stringify(error);
  return (message ?? "unknown error").split("\n")[0];
};

const QUERY_TIMEOUT_MARGIN_MS = 1000;

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === "postgres" ? openPostgres(config) : openEmbedded(config);
}

async function openPostgres(config: Extract<DatabaseConfig, { kind: "postgres" }>): Promise<Database> {
  const { url, poolSize } = config;
  const statementTimeoutMs = config.statementTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.statementMs;
  const poolTimeoutMs = config.poolTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.poolMs;
  const description = describePostgresUrl(url);
  // Connect once up front so a wrong URL or a server that is down fails start-up with one clear line.
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
  } catch (error) {
    await probe.end().catch(() => undefined);
    throw new DatabaseUnavailableError(`cannot connect to ${description}: ${reason(error)}`);
  }
  await probe.end();

  // Our own pool (PrismaPg would make one we cannot see), so that load shedding can watch its waiting requests.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Every statement of every connection is bounded (a 57014 is a 503), and so is the wait for a free connection.
    statement_timeout: statementTimeoutMs,
    // A server that stops answering altogether (frozen, or cut off without a reset) cannot cancel anything itself:
    // the client gives up a little after the statement timeout would have fired.
    query_timeout: statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    connectionTimeoutMillis: poolTimeoutMs,
    // Every session in UTC, whatever the server's TimeZone (Polish servers often run Europe/Warsaw). Prisma's driver
    // adapter sends an instant as UTC wall-clock text without an offset, which PostgreSQL reads in the session's zone,
    // and reads one back as if its offset were +00:00: under another zone it stored instants shifted by the zone's
    // offset (node-postgres, which the plain paths use, then read them shifted) and could not read one before the
    // zone's first standard offset (1930 in Amsterdam: "+00:19:32"). The pool awaits it before it hands the connection
    // out (a query queued behind it instead is deprecated in node-postgres 8 and refused by 9), and a connection whose
    // SET fails is not handed out at all. PgBouncer keeps TimeZone per client (a parameter it tracks), so this holds in
    // transaction mode too.
    onConnect: (client) => client.query("SET TIME ZONE 'UTC'"),
  });
  // An idle connection that breaks (the server restarted) is dropped by the pool; without a listener the error
  // would be an uncaught exception.
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(pool);
  const client = new PrismaClient({
    adapter: serialTransactions(adapter),
    transactionOptions: { maxWait: poolTimeoutMs, timeout: statementTimeoutMs },
  });
  const prisma = appTransactions(client);
  return {
    kind: "postgres",
    description,
    prisma,
    sql: sqlModels(pool, dataModelOf(client)),
    createdNow: false,
    async migrate() {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        return await migrate({
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
        });
      } finally {
        await client.end();
      }
    },
    ping: (timeoutMs) => ping(prisma, timeoutMs),
    poolWaiting: () => pool.waitingCount,
    listen: (channel, handlers) => listenPostgres(config.listenUrl ?? url, channel, handlers),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openEmbedded(config: Extract<DatabaseConfig, { kind: "pglite" }>): Promise<Database> {
  const { dataDir } = config;
  const inMemory = dataDir.startsWith("memory://");
  const createdNow = inMemory || !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  const releaseLock = inMemory ? () => undefined : lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await openPglite(dataDir);
  } catch (error) {
    releaseLock();
    throw new DatabaseUnavailableError(`cannot open the embedded database in ${dataDir}: ${reason(error)}`);
  }
  // PGlite runs each statement to its end inside this process (no statement_timeout can interrupt it); Prisma's
  // transaction timeout still bounds a transaction between its statements.
  const prisma = appTransactions(
    new PrismaClient({
      adapter: new PrismaPGlite(pglite),
      transactionOptions: { timeout: config.statementTimeoutMs ?? DATABASE_TIMEOUT_DEFAULTS.statementMs },
    }),
  );
  const session: SqlSession = {
    exec: async (sql) => void (await pglite.exec(sql)),
    query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
  };
  return {
    kind: "pglite",
    description: inMemory ? "embedded PGlite in memory" : `embedded PGlite in ${dataDir}`,
    prisma,
    createdNow,
    migrate: () => migrate(session),
    ping: (timeoutMs) => ping(prisma, timeoutMs),
    poolWaiting: () => 0,
    // In-process: notifications of the embedded database's own transactions, delivered at their commit.
    async listen(channel, handlers) {
      const unlisten = await pglite.listen(channel, (payload) => handlers.onNotify(payload));
      handlers.onState(true);
      return async () => {
        handlers.onState(false);
        await unlisten().catch(() => undefined);
      };
    },
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      releaseLock();
    },
  };
}

async function ping(prisma: PrismaClient, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([prisma.$queryRawUnsafe("SELECT 1"), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PGlite is single-process: two processes on one data folder would corrupt it. A pid file guards the folder;
 * a stale one (its process gone) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.lock`);
  // Created exclusively ("wx"), so two processes starting at once cannot both get past it.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(fs.readFileSync(lockFile, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DatabaseUnavailableError(`the embedded database in ${dataDir} is in use by process ${pid}`);
      }
      fs.rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new DatabaseUnavailableError(`could not lock the embedded database in ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A database that is never connected to: for building the app only to read its OpenAPI document.
 * Any query fails as "database unavailable".
 */
export function detachedDatabase(): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: "postgresql://detached@127.0.0.1:1/none", connectionTimeoutMillis: 1 }) });
  const unavailable = async () => {
    throw new DatabaseUnavailableError("no database: this app instance only describes the API");
  };
  return {
    kind: "postgres",
    description: "no database",
    prisma,
    createdNow: false,
    migrate: unavailable,
    ping: unavailable,
    poolWaiting: () => 0,
    listen: async () => async () => undefined,
    close: () => prisma.$disconnect(),
  };
}
