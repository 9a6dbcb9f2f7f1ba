import path from "node:path";
import { z } from "zod";
import { WEBHOOK_ENV, type WebhookSettings, webhookSettings } from "./config-webhooks.ts";

const booleanFlag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "must be true or false" })
    .optional()
    .transform((value) => (value === undefined ? fallback : ["true", "1", "yes", "on"].includes(value)));

/** A string that parses as a URL and passes `check`. */
const urlWhere = (check: (url: URL) => boolean, message: string) =>
  z.string().refine((value) => {
    try {
      return check(new URL(value));
    } catch {
      return false;
    }
  }, message);

const postgresUrl = urlWhere(
  (url) => (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "" && url.pathname.length > 1,
  "must be a URL like postgresql://user:password@host:5432/database",
);

const redisUrl = urlWhere(
  (url) => (url.protocol === "redis:" || url.protocol === "rediss:") && url.hostname !== "",
  "must be a URL like redis://127.0.0.1:6379 (rediss:// for TLS)",
);

/** Where clients reach the service (`https://api.example.com`, or with a path prefix a proxy adds): absolute links start with it. */
const publicBaseUrl = urlWhere(
  (url) => (url.protocol === "http:" || url.protocol === "https:") && url.search === "" && url.hash === "" && url.username === "" && url.password === "",
  "must be an http(s) URL such as https://api.example.com, without a query or credentials",
).transform((value) => value.replace(/\/+$/, ""));

/** Browser origins allowed to call the API (CORS); empty: CORS is off. `*` allows any origin. */
const corsOrigins = z
  .string()
  .optional()
  .transform((value, context) => {
    const origins: string[] = [];
    for (const entry of (value ?? "").split(",").map((origin) => origin.trim()).filter((origin) => origin !== "")) {
      // Browsers send origins in lower case, without a path; a trailing slash is forgiven.
      const origin = entry === "*" ? entry : entry.replace(/\/$/, "").toLowerCase();
      let valid = origin === "*";
      try {
        valid ||= new URL(origin).origin === origin;
      } catch {
        /* not a URL */
      }
      if (!valid) {
        context.addIssue({ code: "custom", message: `"${entry}" is not an origin: use scheme://host[:port] without a path, comma-separated, or *` });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

const positiveInt = (fallback: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** 0 turns the feature off. */
const nonNegativeInt = (fallback: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(0, "must be at least 0")
    .max(max, `must be at most ${max}`)
    .default(fallback);

const optionalPositiveInt = (max: number) =>
  z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(max, `must be at most ${max}`)
      .optional(),
  );

/** The bounds of load shedding (src/plugins/load-shedding.ts); a bound of 0 turns its check off. */
export type LoadSheddingOptions = {
  /** Mean event-loop delay (ms) over a sample past which requests are shed. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0–1) past which requests are shed. */
  maxEventLoopUtilization: number;
  /** Requests waiting for a database connection past which requests are shed. */
  maxPoolWaiters: number;
  retryAfterSeconds: number;
  /** How often the event loop and the pool are sampled. */
  sampleIntervalMs?: number;
};

export const LOAD_SHEDDING_DEFAULTS = {
  maxEventLoopDelayMs: 200,
  maxEventLoopUtilization: 0,
  maxPoolWaiters: 20,
  retryAfterSeconds: 2,
  sampleIntervalMs: 250,
} as const satisfies LoadSheddingOptions;

/** After SIGTERM: keep serving for `drainDelayMs` (readiness already 503), then give in-flight work `timeoutMs`. */
export const SHUTDOWN_DEFAULTS = { drainDelayMs: 5_000, timeoutMs: 35_000 } as const;

export const RATE_LIMIT_DEFAULTS = { enabled: true, max: 600, anonymousMax: 60, windowSeconds: 60 } as const satisfies RateLimitConfig;

/**
 * A statement runs at most `statementMs` (PostgreSQL's statement_timeout, and Prisma's interactive transaction
 * timeout), well inside the request timeout, so a slow or frozen database answers a 503 before the request times
 * out; a request waits at most `poolMs` for a free connection (pg-pool, and Prisma's transaction maxWait).
 */
export const DATABASE_TIMEOUT_DEFAULTS = { statementMs: 10_000, poolMs: 2_000 } as const;

// Keep-alive outlives the 60 s idle timeout of common load balancers, so they, not we, close idle connections.
export const TIMEOUT_DEFAULTS = { requestMs: 30_000, connectionMs: 90_000, keepAliveMs: 72_000 } as const satisfies TimeoutsConfig;

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  // Empty counts as unset (as for DATABASE_URL): coerced, "" would be 0, i.e. a random port, without a word.
  PORT: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.coerce
      .number({ error: "must be a port number" })
      .int("must be a whole number")
      .min(0, "must be between 0 and 65535")
      .max(65535, "must be between 0 and 65535")
      .default(3000),
  ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.preprocess((value) => (value === "" ? undefined : value), postgresUrl.optional()),
  DATABASE_POOL_SIZE: positiveInt(10, 200),
  // A direct connection for LISTEN, when DATABASE_URL goes through a pooler in transaction mode (README).
  DATABASE_LISTEN_URL: z.preprocess((value) => (value === "" ? undefined : value), postgresUrl.optional()),
  // Unset: derived from REQUEST_TIMEOUT_MS (databaseTimeouts below).
  DATABASE_STATEMENT_TIMEOUT_MS: optionalPositiveInt(3_600_000),
  DATABASE_POOL_TIMEOUT_MS: optionalPositiveInt(3_600_000),
  DATA_DIR: z.string().min(1).default("./data"),
  MIGRATE_ON_START: booleanFlag(true),
  SEED_DEMO_DATA: booleanFlag(true),
  BODY_LIMIT: positiveInt(1_048_576, 100 * 1_048_576),
  TRUST_PROXY: booleanFlag(false),
  RATE_LIMIT_ENABLED: booleanFlag(true),
  RATE_LIMIT_MAX: positiveInt(RATE_LIMIT_DEFAULTS.max, 1_000_000),
  RATE_LIMIT_ANONYMOUS_MAX: positiveInt(RATE_LIMIT_DEFAULTS.anonymousMax, 1_000_000),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(RATE_LIMIT_DEFAULTS.windowSeconds, 86_400),
  REDIS_URL: z.preprocess((value) => (value === "" ? undefined : value), redisUrl.optional()),
  REQUEST_TIMEOUT_MS: positiveInt(TIMEOUT_DEFAULTS.requestMs, 3_600_000),
  CONNECTION_TIMEOUT_MS: positiveInt(TIMEOUT_DEFAULTS.connectionMs, 3_600_000),
  KEEP_ALIVE_TIMEOUT_MS: positiveInt(TIMEOUT_DEFAULTS.keepAliveMs, 3_600_000),
  CORS_ORIGINS: corsOrigins,
  IDEMPOTENCY_LEASE_MS: positiveInt(10_000, 3_600_000),
  LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: nonNegativeInt(LOAD_SHEDDING_DEFAULTS.maxEventLoopDelayMs, 600_000),
  LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION: z.coerce
    .number({ error: "must be a number from 0 to 1" })
    .min(0, "must be a number from 0 to 1")
    .max(1, "must be a number from 0 to 1")
    .default(LOAD_SHEDDING_DEFAULTS.maxEventLoopUtilization),
  LOAD_SHED_MAX_POOL_WAITERS: nonNegativeInt(LOAD_SHEDDING_DEFAULTS.maxPoolWaiters, 100_000),
  LOAD_SHED_RETRY_AFTER_SECONDS: positiveInt(LOAD_SHEDDING_DEFAULTS.retryAfterSeconds, 3600),
  SHUTDOWN_DRAIN_DELAY_MS: nonNegativeInt(SHUTDOWN_DEFAULTS.drainDelayMs, 600_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(SHUTDOWN_DEFAULTS.timeoutMs, 3_600_000),
  PUBLIC_BASE_URL: z.preprocess((value) => (value === "" ? undefined : value), publicBaseUrl.optional()),
  ...WEBHOOK_ENV,
  WEBHOOK_WORKER_METRICS_PORT: optionalPositiveInt(65_535),
})
  .refine((env) => env.CONNECTION_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS, {
    // An idle socket cut before the request timeout would drop the request without the timeout's answer.
    path: ["CONNECTION_TIMEOUT_MS"],
    message: "must be greater than REQUEST_TIMEOUT_MS",
  })
  .refine((env) => databaseTimeouts(env).statementMs + databaseTimeouts(env).poolMs < env.REQUEST_TIMEOUT_MS, {
    // Waiting for a connection and then running a statement must end (503 database_unavailable) before the
    // request timeout's 503, which cannot say whether the write happened.
    path: ["DATABASE_STATEMENT_TIMEOUT_MS"],
    message: "plus DATABASE_POOL_TIMEOUT_MS must be less than REQUEST_TIMEOUT_MS",
  });

/** The database timeouts: as set, or the defaults, shortened to fit inside a short REQUEST_TIMEOUT_MS. */
function databaseTimeouts(env: { REQUEST_TIMEOUT_MS: number; DATABASE_STATEMENT_TIMEOUT_MS?: number; DATABASE_POOL_TIMEOUT_MS?: number }) {
  return {
    statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS ?? Math.max(1, Math.min(DATABASE_TIMEOUT_DEFAULTS.statementMs, Math.floor(env.REQUEST_TIMEOUT_MS / 3))),
    poolMs: env.DATABASE_POOL_TIMEOUT_MS ?? Math.max(1, Math.min(DATABASE_TIMEOUT_DEFAULTS.poolMs, Math.floor(env.REQUEST_TIMEOUT_MS / 10))),
  };
}

export type Config = {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  logLevel: string;
  database: DatabaseConfig;
  migrateOnStart: boolean;
  seedDemoData: boolean;
  bodyLimit: number;
  trustProxy: boolean;
  rateLimit: RateLimitConfig;
  timeouts: TimeoutsConfig;
  /** Origins allowed by CORS; empty: CORS is off. */
  corsOrigins: string[];
  /** How long an Idempotency-Key claim outlives its request's last sign of life (then a retry takes it over). */
  idempotencyLeaseMs: number;
  /** Absolute links start with this (no trailing slash); unset: links are relative. Never the request's Host. */
  publicBaseUrl?: string;
  shutdown: { drainDelayMs: number; timeoutMs: number };
  loadShedding: LoadSheddingOptions;
  webhooks: WebhookSettings;
  /** The port on which an `npm run worker` process serves GET /metrics (on HOST); null: it serves nothing. */
  workerMetricsPort: number | null;
};

export type RateLimitConfig = {
  enabled: boolean;
  /** Requests per window per API key. */
  max: number;
  /** Requests per window per client address, for requests without a valid API key. */
  anonymousMax: number;
  windowSeconds: number;
  /** Counters in Redis, shared by every instance; unset: in this process's memory. */
  redisUrl?: string;
};

export type TimeoutsConfig = {
  /** Longest time to receive and to answer one request. */
  requestMs: number;
  /** A socket with no traffic for this long is closed. */
  connectionMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveMs: number;
};


/** Unset timeouts take DATABASE_TIMEOUT_DEFAULTS. */
export type DatabaseConfig =
  | { kind: "postgres"; url: string; poolSize: number; statementTimeoutMs?: number; poolTimeoutMs?: number; listenUrl?: string }
  | { kind: "pglite"; dataDir: string; statementTimeoutMs?: number };

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once. Throws ConfigError with one line naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  const database = databaseTimeouts(e);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL
      ? {
          kind: "postgres",
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          statementTimeoutMs: database.statementMs,
          poolTimeoutMs: database.poolMs,
          ...(e.DATABASE_LISTEN_URL ? { listenUrl: e.DATABASE_LISTEN_URL } : {}),
        }
      : { kind: "pglite", dataDir: e.DATA_DIR === "memory://" ? e.DATA_DIR : path.resolve(e.DATA_DIR), statementTimeoutMs: database.statementMs },
    migrateOnStart: e.MIGRATE_ON_START,
    seedDemoData: e.SEED_DEMO_DATA,
    bodyLimit: e.BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
    rateLimit: {
      enabled: e.RATE_LIMIT_ENABLED,
      max: e.RATE_LIMIT_MAX,
      anonymousMax: e.RATE_LIMIT_ANONYMOUS_MAX,
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      redisUrl: e.REDIS_URL,
    },
    timeouts: { requestMs: e.REQUEST_TIMEOUT_MS, connectionMs: e.CONNECTION_TIMEOUT_MS, keepAliveMs: e.KEEP_ALIVE_TIMEOUT_MS },
    corsOrigins: e.CORS_ORIGINS,
    idempotencyLeaseMs: e.IDEMPOTENCY_LEASE_MS,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    shutdown: { drainDelayMs: e.SHUTDOWN_DRAIN_DELAY_MS, timeoutMs: e.SHUTDOWN_TIMEOUT_MS },
    loadShedding: {
      maxEventLoopDelayMs: e.LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: e.LOAD_SHED_MAX_EVENT_LOOP_UTILIZATION,
      maxPoolWaiters: e.LOAD_SHED_MAX_POOL_WAITERS,
      retryAfterSeconds: e.LOAD_SHED_RETRY_AFTER_SECONDS,
    },
    webhooks: webhookSettings(e),
    workerMetricsPort: e.WEBHOOK_WORKER_METRICS_PORT ?? null,
  };
}
